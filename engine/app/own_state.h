// sandlock's own state is never a sandbox's. A sandbox that could write the plan cache
// could plant an entry that a later run of another profile launches unconfined; so every
// run carves the cache directories out of its grants, as a `deny` would.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/compile/graph.h"
#include "engine/diag/diagnostic.h"

namespace sandlock {

// The plan cache directories a run with this environment may use: SANDLOCK_CACHE_DIR's, and
// the default one under $HOME (which a run without SANDLOCK_CACHE_DIR would use).
std::vector<std::string> own_state_directories(const std::map<std::string, std::string>& environment);

// Adds a deny for each of `dirs` to `graph`; a warning for each that a grant reached.
void deny_own_state(PolicyGraph& graph, const std::vector<std::string>& dirs, Diagnostics& notes);

}  // namespace sandlock
