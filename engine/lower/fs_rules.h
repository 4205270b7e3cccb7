// Step 3 of lowering: the FsNode trie → Landlock path-beneath rules, with deny
// carve-outs expanded into rules on the siblings along the denied path.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/lower/plan.h"

namespace sandlock {

// A carve-out that expands to more rules than this gets a "lower.deny-expansion" warning.
inline constexpr std::size_t kDenyExpansionWarnAt = 1000;

// Rules sorted by path, duplicates merged, every access ⊆ handled_fs (non-directories
// ⊆ kFsFileRights). Missing paths are skipped with an Info diagnostic.
std::vector<LandlockPathRule> lower_fs_rules(const FsNode& root, std::uint64_t handled_fs, FsView& fs,
                                             Diagnostics& diagnostics);

}  // namespace sandlock
