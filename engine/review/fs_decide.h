// Why a path has the access it has: the grants along the path and the deny (if any)
// that decide it. Shared by diff (provenance of a change), query and test.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/compile/graph.h"
#include "engine/lower/plan.h"

namespace sandlock {

struct FsGrantOnPath {
  std::string path;  // the trie node holding the grant (the path or an ancestor)
  std::uint64_t access = 0;
  std::vector<Provenance> from;
};

struct FsDecision {
  std::uint64_t access = 0;             // effective, as fs_access computes it
  std::vector<FsGrantOnPath> grants;    // root first; empty when nothing grants
  std::optional<std::string> deny_path; // the carve-out that zeroes the access
  std::optional<Provenance> deny_from;
};

// Precondition: `path` is absolute and normalized.
FsDecision fs_decide(const PolicyGraph& graph, const std::string& path);

// The trie of `root` with every grant and deny moved to where its path leads on this host
// (symbolic links resolved: FsView::canonical), as Landlock applies them when the sandbox
// starts; `written` maps each such place to the path a profile wrote, where they differ.
FsNode fs_trie_by_target(const FsNode& root, FsView& fs, std::map<std::string, std::string>& written);

// The provenance of the grant nearest to the path that contributes any of `bits`.
std::optional<Provenance> fs_deciding_grant(const FsDecision& decision, std::uint64_t bits);

// "file:line:col (via a -> b)" or the file alone when the line is unknown.
std::string provenance_text(const Provenance& p);

}  // namespace sandlock
