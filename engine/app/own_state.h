// sandlock's own state is never a sandbox's. A sandbox that could write the plan cache
// could plant an entry that a later run of another profile launches unconfined; so every
// run carves the cache directories out of its grants, as a `deny` would.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/compile/graph.h"
#include "engine/diag/diagnostic.h"
#include "engine/lower/plan.h"

namespace sandlock {

// The plan cache directories a run with this environment may use: SANDLOCK_CACHE_DIR's, and
// the default one under $HOME (which a run without SANDLOCK_CACHE_DIR would use); and the
// default one under each of `homes` (the account's home: where a run with HOME as login sets
// it looks, whatever this run's HOME says).
std::vector<std::string> own_state_directories(const std::map<std::string, std::string>& environment,
                                               const std::vector<std::string>& homes = {});

// The home directory of `uid` in passwd(5) text; nullopt when no line names it (or its home
// is not an absolute path). The first line for the uid wins, as getpwuid's files lookup.
std::optional<std::string> passwd_home(std::string_view passwd, uid_t uid);

// Adds a deny for each of `dirs` to `graph`, where a grant lets the sandbox change it; a
// warning for each. Each is denied with its symbolic links resolved (a deny through a link
// keeps out the link's name only), asking `fs` whether each step is a link, so that the plan
// cache sees a change.
void deny_own_state(PolicyGraph& graph, const std::vector<std::string>& dirs, FsView& fs, Diagnostics& notes);

}  // namespace sandlock
