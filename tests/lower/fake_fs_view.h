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
  // Both follow the links given a target with leads(), as stat does.
  bool is_directory(const std::string& path) override { return dirs_.count(canonical(path)) != 0; }
  bool exists(const std::string& path) override { return is_directory(path) || files_.count(canonical(path)) != 0; }
  bool is_symlink(const std::string& path) override { return links_.count(path) != 0; }

  // Where links lead and what bind mounts show, for the deny check: `from` (a link listed
  // with '@') leads to `to`; a bind mount shows `to` again at `at`; a file has `n` names.
  void leads(const std::string& from, const std::string& to) { targets_[from] = to; }
  void bind(const std::string& at, const std::string& to) { binds_[at] = to; }
  void set_links(const std::string& path, unsigned n) { link_counts_[path] = n; }
  std::string canonical(const std::string& path) override {
    for (const auto& [from, to] : targets_)  // one level of links is all the tests need
      if (path == from || path.starts_with(from + "/")) return to + path.substr(from.size());
    return path;
  }
  std::optional<std::vector<std::string>> mount_aliases(const std::string& canonical) override {
    std::vector<std::string> out;
    for (const auto& [at, to] : binds_) {
      if (canonical == to || canonical.starts_with(to + "/")) out.push_back(at + canonical.substr(to.size()));
      if (canonical == at || canonical.starts_with(at + "/")) out.push_back(to + canonical.substr(at.size()));
    }
    return out;
  }
  unsigned link_count(const std::string& path) override {
    const auto it = link_counts_.find(path);
    return it == link_counts_.end() ? 1 : it->second;
  }

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
  std::map<std::string, std::string> targets_, binds_;
  std::map<std::string, unsigned> link_counts_;
};

}  // namespace sandlock::testing
