// Merge: the levels of a loaded profile tree → one PolicyGraph.
#pragma once

#include "engine/compile/compose.h"

namespace sandlock {

// Merge rules (README "Composition"): filesystem grants, rules, network rules and bind
// ports union across levels; `deny` carve-outs from any level win over grants from any
// level; scalars (limits, program fields, protection states) from the profile closer to
// the compiled one win; syscall edits apply base-first, so a child's `allow` can re-allow
// what a base denied and a child's `deny` can deny what a base allowed.
PolicyGraph merge_levels(const std::vector<LoadedProfile>& levels, Diagnostics& diagnostics);

}  // namespace sandlock
