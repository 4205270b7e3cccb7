// pidfd syscalls via syscall(2): Debian 12's <sys/pidfd.h> lacks extern "C", so its
// declarations do not link from C++.
#pragma once

#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

namespace sandlock::sys {

inline int pidfd_open(pid_t pid, unsigned flags) { return static_cast<int>(syscall(SYS_pidfd_open, pid, flags)); }

inline int pidfd_getfd(int pidfd, int target_fd, unsigned flags) {
  return static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, target_fd, flags));
}

inline int pidfd_send_signal(int pidfd, int sig) {
  return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

}  // namespace sandlock::sys
