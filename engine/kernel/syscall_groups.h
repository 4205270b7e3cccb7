// Syscall groups as data: systemd's names where they exist, plus @sysv-ipc,
// @io-uring and @namespaces. The default deny set is a list of these groups
// plus single syscalls; argument-filtered rules (clone flags, personality,
// ioctl requests, raw sockets) are described in the lowering stage.
#pragma once

#include <span>
#include <string_view>

namespace sandlock {

struct SyscallGroup {
  std::string_view name;  // with the leading '@'
  std::string_view description;
  std::span<const std::string_view> syscalls;
  bool denied_by_default;
};

std::span<const SyscallGroup> all_syscall_groups();
const SyscallGroup* syscall_group_by_name(std::string_view name);  // "@mount"

// Single syscalls denied by default that belong to no default-denied group.
std::span<const std::string_view> default_denied_syscalls();

}  // namespace sandlock
