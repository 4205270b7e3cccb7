// Copying to and from a sandboxed task's memory. Reads go by tid (process_vm_readv): the
// supervisor shows the tid still named the caller after reading (the notification is still
// valid, or the socket was taken afterwards through a pidfd older than the call: see
// task_handles.h), so what a recycled tid gave is never used. Writes come after the
// operation, when that check no longer covers them, so they go through /proc/<tid>/mem
// opened before the check: that file stays bound to the memory of the task it was opened
// for, whatever the tid names later.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "engine/apply/unique_fd.h"

namespace sandlock {

// Copies exactly `len` bytes at `addr` of task `tid`; false when any of it cannot be read.
bool read_child(pid_t tid, std::uint64_t addr, void* out, std::size_t len);

// /proc/<tid>/mem for writing; confirm the notification is live after opening it.
UniqueFd open_child_memory(pid_t tid);
// Writes exactly `len` bytes at `addr` through an open_child_memory() file.
bool write_child(int memory, std::uint64_t addr, const void* in, std::size_t len);

}  // namespace sandlock
