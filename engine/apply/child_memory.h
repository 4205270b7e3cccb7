// Copying to and from a sandboxed task's memory (process_vm_readv/writev). The supervisor
// checks the notification is still valid after reading, so a recycled pid is never trusted.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace sandlock {

// Copies exactly `len` bytes at `addr` of task `tid`; false when any of it cannot be read.
bool read_child(pid_t tid, std::uint64_t addr, void* out, std::size_t len);
bool write_child(pid_t tid, std::uint64_t addr, const void* in, std::size_t len);

}  // namespace sandlock
