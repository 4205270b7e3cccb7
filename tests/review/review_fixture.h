// In-memory profiles for the review tests: a SourceReader over a map, compile helpers,
// and a fake filesystem for lint.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "engine/compile/compose.h"
#include "engine/compile/merge.h"
#include "engine/lower/plan.h"

namespace sandlock::testing {

class MemoryReader : public SourceReader {
 public:
  std::map<std::string, std::string> files;
  std::optional<std::string> read(const std::string& path) override {
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
};

class FakeFs : public FsView {
 public:
  std::set<std::string> existing;
  std::map<std::string, std::vector<std::string>> dirs;
  std::optional<std::vector<std::string>> list(const std::string& dir) override {
    auto it = dirs.find(dir);
    if (it == dirs.end()) return std::nullopt;
    return it->second;
  }
  bool is_directory(const std::string& path) override { return dirs.count(path) > 0; }
  bool exists(const std::string& path) override { return existing.count(path) > 0 || dirs.count(path) > 0; }
};

// Compiles `text` as /repo/NAME (bases are other files in `reader`); fails the test on errors.
inline PolicyGraph compile_ok(MemoryReader& reader, const std::string& name, const std::string& text) {
  const std::string path = "/repo/" + name;
  reader.files[path] = text;
  CompileResult r = compile_file(path, CompileOptions{}, reader);
  EXPECT_TRUE(r.graph) << (r.diagnostics.empty() ? "" : r.diagnostics.front().message);
  return r.graph ? *r.graph : PolicyGraph{};
}

inline std::vector<LoadedProfile> load_ok(MemoryReader& reader, const std::string& name, const std::string& text) {
  const std::string path = "/repo/" + name;
  reader.files[path] = text;
  LoadResult r = load_profile_tree(text, path, CompileOptions{}, reader);
  EXPECT_FALSE(has_errors(r.diagnostics)) << (r.diagnostics.empty() ? "" : r.diagnostics.front().message);
  return r.levels;
}

}  // namespace sandlock::testing
