// The children a subreaper is left with when a sandbox ends: the command's descendants
// that left its process group (setsid, setpgid) and were orphaned to us.
#pragma once

#include <sys/types.h>

#include <vector>

namespace sandlock {

// This process's children (zombies included), by /proc/<pid>/stat's parent field.
std::vector<pid_t> own_children();

// SIGKILLs and reaps every child this process has, then the children those leave it (we
// are their subreaper), until none is left. Only our own children are signalled: their PIDs
// cannot be reused before we reap them. For a process whose every child is the sandbox's.
void kill_leftover_children();

}  // namespace sandlock
