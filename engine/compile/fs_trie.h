// The filesystem part of the graph: a path trie with Landlock's accumulation semantics.
#pragma once

#include <string>
#include <vector>

#include "engine/compile/graph.h"

namespace sandlock {

std::vector<std::string> split_path(const std::string& absolute_path);

// Inserts a grant (access bits) or a deny carve-out at `path`.
void fs_add_grant(FsNode& root, const std::string& path, std::uint64_t access, Provenance from);
void fs_add_deny(FsNode& root, const std::string& path, Provenance from);

// Normalizes in place: grants at or under a deny are removed (deny wins), grants whose
// access an ancestor already covers are removed, and empty branches are pruned.
void fs_normalize(FsNode& root);

// Calls f(path, node) for every node, parents before children, children sorted.
template <class F>
void fs_walk(const FsNode& node, const std::string& path, F&& f) {
  f(path, node);
  for (const auto& [name, child] : node.children) fs_walk(child, path == "/" ? "/" + name : path + "/" + name, f);
}

}  // namespace sandlock
