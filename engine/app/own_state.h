// sandlock's own state is never a sandbox's. A sandbox that could write the plan cache
// could plant an entry that a later run of another profile launches unconfined; so every
// run carves the cache directories out of its grants, as a `deny` would.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/compile/graph.h"
#include "engine/diag/diagnostic.h"
#include "engine/lower/plan.h"

namespace sandlock {

// The plan cache directories a run with this environment may use: SANDLOCK_CACHE_DIR's, and
// the default one under $HOME (which a run without SANDLOCK_CACHE_DIR would use).
std::vector<std::string> own_state_directories(const std::map<std::string, std::string>& environment);

// Adds a deny for each of `dirs` to `graph`, where a grant lets the sandbox change it; a
// warning for each. Each is denied with its symbolic links resolved (a deny through a link
// keeps out the link's name only), asking `fs` whether each step is a link, so that the plan
// cache sees a change.
void deny_own_state(PolicyGraph& graph, const std::vector<std::string>& dirs, FsView& fs, Diagnostics& notes);

}  // namespace sandlock
