// Step 3b of lowering: every deny holds against every path to the file it names.
//
// The carve-outs (fs_rules.h) work on paths, but Landlock works on files: a rule is put on
// the file its path leads to when the sandbox starts (through symbolic links and bind
// mounts), and a file is granted by a rule on it or on any directory on the way to it. So a
// grant of /bin (a link to /usr/bin) undoes `deny: [/usr/bin/id]` carved out of /usr/bin,
// and a bind mount of /home shows a denied /home/u/.ssh under another grant. This check
// compares the rules, by where their paths lead, with every path to each denied file: its
// canonical path and the ones bind mounts give it. A rule at or below one of those reaches
// into the deny; a rule above one covers it (unless the deny is a file and the rule only
// lists the directory, as the carve-out's own rule may). Either is an error: the run stops.
// Other hard links to a denied file cannot be found by path: a warning says it has them.
#pragma once

#include <vector>

#include "engine/compile/graph.h"
#include "engine/diag/diagnostic.h"
#include "engine/lower/plan.h"

namespace sandlock {

void check_denies_hold(const FsNode& root, const std::vector<LandlockPathRule>& rules, FsView& fs,
                       Diagnostics& diagnostics);

}  // namespace sandlock
