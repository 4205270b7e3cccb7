// The children a subreaper is left with when a sandbox ends: the command's descendants
// that left its process group (setsid, setpgid) and were orphaned to us.
#pragma once

#include <sys/types.h>

#include <vector>

namespace sandlock {

// This process's children (zombies included), by /proc/<pid>/stat's parent field; none
// without a /proc scan when it has no child at all.
std::vector<pid_t> own_children();

// SIGKILLs and reaps every child this process has but those `spared`, then the children
// those leave it (we are their subreaper), until none is left. Only our own children are
// signalled: their PIDs cannot be reused before we reap them. `spared` are the children
// the process had before the sandbox (jobs of a shell that exec'd sandlock): never reaped
// here, so their PIDs stay theirs.
void kill_leftover_children(const std::vector<pid_t>& spared);

}  // namespace sandlock
