// The children a subreaper is left with when a sandbox ends: the command's descendants
// that left its process group (setsid, setpgid) and were orphaned to us.
#pragma once

#include <sys/types.h>

#include <vector>

namespace sandlock {

// This process's children (zombies included), by /proc/<pid>/stat's parent field; none
// without a /proc scan when it has no child at all.
std::vector<pid_t> own_children();

// SIGKILLs and reaps every child of this process that is in the sandbox, then those that
// leave it (we are their subreaper), until none is left. In the sandbox: under more seccomp
// filters than this process (a sandboxed process cannot shed the sandbox's filter; a process
// that never entered it has no more than we do). Only our own children are signalled: their
// PIDs cannot be reused before we reap them. `spared` are the children the process had
// before the sandbox (jobs of a shell that exec'd sandlock): never touched, so their PIDs
// stay theirs; what they leave us (orphans, outside the sandbox) is left alone too.
void kill_leftover_children(const std::vector<pid_t>& spared);

}  // namespace sandlock
