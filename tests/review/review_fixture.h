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
#include "engine/lower/resolve_hosts.h"

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
  // Symbolic links: a path at or below a key leads to the value instead.
  std::map<std::string, std::string> links;
  bool is_directory(const std::string& path) override { return dirs.count(canonical(path)) > 0; }
  bool exists(const std::string& path) override {
    return existing.count(canonical(path)) > 0 || dirs.count(canonical(path)) > 0;
  }
  // The link followed first, then "." and "..", as the kernel resolves a path.
  std::string canonical(const std::string& path) override {
    std::string out = path;
    for (const auto& [from, to] : links)
      if (path == from || path.starts_with(from + "/")) out = to + path.substr(from.size());
    return absolute_path(out, "/");
  }
};

// Host names answered from a map; a name not in it does not resolve.
class FakeResolver : public HostResolver {
 public:
  std::map<std::string, std::set<NetTarget>> hosts;
  int asked = 0;
  std::optional<std::set<NetTarget>> resolve(const std::string& host, std::string& error) override {
    ++asked;
    auto it = hosts.find(host);
    if (it != hosts.end()) return it->second;
    error = "cannot resolve the network target '" + host + "': Name or service not known";
    return std::nullopt;
  }
};

// A /32 or /128 target.
inline NetTarget ip(int family, std::array<std::uint8_t, 16> addr) {
  NetTarget t;
  t.kind = NetTarget::Kind::Cidr;
  t.family = family;
  t.prefix = family == 4 ? 32 : 128;
  t.addr = addr;
  return t;
}

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
