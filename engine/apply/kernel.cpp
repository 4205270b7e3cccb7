#include "engine/apply/kernel.h"

#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "engine/apply/child_signal.h"
#include "engine/apply/landlock_syscalls.h"
#include "engine/apply/pidfd.h"
#include "engine/kernel/landlock_facts.h"

namespace sandlock {
namespace {

int errno_of(long result) { return result < 0 ? errno : 0; }

bool seccomp_action_available(std::uint32_t action) {
  return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

// Runs `probe` in a forked child so probes that change the process (no_new_privs,
// restrict_self) leave the caller untouched. Returns the errno the probe reported.
template <class Probe>
int errno_in_child(Probe probe) {
  const DefaultChildSignal reaped_by_us;  // an inherited SIG_IGN would lose the child's status
  const pid_t pid = fork();
  if (pid < 0) return errno;
  if (pid == 0) _exit(probe() & 0xff);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return errno;
  return WIFEXITED(status) ? WEXITSTATUS(status) : ECHILD;
}

int probe_restrict_self() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  const uapi::RulesetAttr attr{uapi::kFsMakeBlock, 0, 0};
  const int fd = sys::landlock_create_ruleset(&attr, landlock_abi_facts(1).attr_size, 0);
  if (fd < 0) return errno;
  return errno_of(sys::landlock_restrict_self(fd, 0));
}

int probe_pidfd_getfd() {
  const int pidfd = sys::pidfd_open(getpid(), 0);
  if (pidfd < 0) return errno;
  const int copy = sys::pidfd_getfd(pidfd, pidfd, 0);
  const int err = errno_of(copy);
  if (copy >= 0) close(copy);
  close(pidfd);
  return err;
}

}  // namespace

int RealKernel::landlock_abi() {
  const int abi = sys::landlock_create_ruleset(nullptr, 0, uapi::kCreateRulesetVersion);
  return abi < 0 ? 0 : abi;
}

int RealKernel::landlock_errata() {
  const int errata = sys::landlock_create_ruleset(nullptr, 0, uapi::kCreateRulesetErrata);
  return errata < 0 ? 0 : errata;
}

bool RealKernel::probe_ruleset(const uapi::RulesetAttr& attr, std::size_t size, int& err) {
  const int fd = sys::landlock_create_ruleset(&attr, size, 0);
  if (fd < 0) {
    err = errno;
    return false;
  }
  close(fd);
  err = 0;
  return true;
}

std::string RealKernel::kernel_release() {
  utsname u{};
  if (uname(&u) != 0) return "unknown";
  return u.release;
}

bool RealKernel::seccomp_available() { return seccomp_action_available(SECCOMP_RET_ERRNO); }

bool RealKernel::seccomp_user_notif_available() { return seccomp_action_available(SECCOMP_RET_USER_NOTIF); }

int RealKernel::probe_syscall(NeededSyscall s) {
  switch (s) {
    case NeededSyscall::LandlockCreateRuleset:
      return errno_of(sys::landlock_create_ruleset(nullptr, 0, uapi::kCreateRulesetVersion));
    case NeededSyscall::LandlockAddRule: {
      // A bad ruleset fd gets EBADF from a kernel that has the syscall.
      const uapi::PathBeneathAttr attr{uapi::kFsExecute, -1};
      const int err = errno_of(sys::landlock_add_rule(-1, uapi::kRulePathBeneath, &attr, 0));
      return err == EBADF ? 0 : err;
    }
    case NeededSyscall::LandlockRestrictSelf: return errno_in_child(probe_restrict_self);
    case NeededSyscall::Seccomp: return seccomp_available() ? 0 : errno;
    case NeededSyscall::PidfdOpen: {
      const int fd = sys::pidfd_open(getpid(), 0);
      if (fd < 0) return errno;
      close(fd);
      return 0;
    }
    case NeededSyscall::PidfdGetfd: return probe_pidfd_getfd();
    case NeededSyscall::PrctlNoNewPrivs:
      return errno_in_child([] { return errno_of(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)); });
    case NeededSyscall::CloseRange: return errno_of(close_range(~0U, ~0U, 0));  // closes nothing
  }
  return EINVAL;
}

int clamp_abi(int host_abi, std::optional<int> requested, std::string& error) {
  const int usable = std::clamp(host_abi, 0, kMaxLandlockAbi);
  if (!requested) return usable;
  if (*requested < kMinLandlockAbi || *requested > usable) {
    const std::string abi = "--abi " + std::to_string(*requested);
    if (usable == 0)
      error = abi + ": this kernel has no Landlock";
    else if (host_abi > kMaxLandlockAbi)  // a kernel newer than sandlock: the range is sandlock's
      error = abi + " is out of range: this kernel has Landlock ABI " + std::to_string(host_abi) +
              ", and sandlock knows ABI 1.." + std::to_string(kMaxLandlockAbi);
    else
      error = abi + " is out of range: this kernel supports Landlock ABI 1.." + std::to_string(usable);
    return 0;
  }
  return *requested;
}

}  // namespace sandlock
