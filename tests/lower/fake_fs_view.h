// An in-memory directory tree for lowering tests: paths ending in '/' are directories,
// paths ending in '@' are symbolic links, every ancestor of a listed path is a directory,
// "/" always exists.
#pragma once

#include <initializer_list>
#include <map>
#include <set>
#include <string>

#include "engine/lower/plan.h"

namespace sandlock::testing {

class FakeFsView : public FsView {
 public:
  FakeFsView(std::initializer_list<std::string> paths) {
    dirs_["/"];
    for (std::string p : paths) add(p);
  }

  void add(std::string path) {
    const bool dir = path.size() > 1 && path.back() == '/';
    const bool link = path.back() == '@';
    if (dir || link) path.pop_back();
    if (dir) dirs_[path];
    else files_.insert(path);
    if (link) links_.insert(path);
    for (std::string child = path; child != "/";) {  // register with every ancestor
      const auto slash = child.rfind('/');
      const std::string parent = slash == 0 ? "/" : child.substr(0, slash);
      dirs_[parent].insert(child.substr(slash + 1));
      child = parent;
    }
  }

  std::optional<std::vector<std::string>> list(const std::string& dir) override {
    const auto it = dirs_.find(dir);
    if (it == dirs_.end()) return std::nullopt;
    return std::vector<std::string>(it->second.begin(), it->second.end());
  }
  bool is_directory(const std::string& path) override { return dirs_.count(path) != 0; }
  bool exists(const std::string& path) override { return is_directory(path) || files_.count(path) != 0; }
  bool is_symlink(const std::string& path) override { return links_.count(path) != 0; }

  // Every path in the tree, sorted (for properties that check each one).
  std::vector<std::string> all_paths() const {
    std::set<std::string> out(files_.begin(), files_.end());
    for (const auto& [dir, names] : dirs_) out.insert(dir);
    return {out.begin(), out.end()};
  }

 private:
  std::map<std::string, std::set<std::string>> dirs_;  // directory → entry names
  std::set<std::string> files_;  // including links (they exist; their targets are not modelled)
  std::set<std::string> links_;
};

}  // namespace sandlock::testing
