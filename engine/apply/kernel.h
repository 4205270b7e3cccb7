// The narrow seam between sandlock and the running kernel: everything `check` asks the
// kernel goes through `Kernel`, so the report logic is tested against a fake.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "engine/kernel/landlock_uapi.h"

namespace sandlock {

// Syscalls sandlock itself relies on; `check` reports whether each is usable.
enum class NeededSyscall {
  LandlockCreateRuleset,
  LandlockAddRule,
  LandlockRestrictSelf,
  Seccomp,
  PidfdOpen,
  PidfdGetfd,
  PrctlNoNewPrivs,
  CloseRange,
};
inline constexpr std::array<std::string_view, 8> kNeededSyscallNames{
    "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self", "seccomp",
    "pidfd_open",              "pidfd_getfd",       "prctl(PR_SET_NO_NEW_PRIVS)", "close_range",
};
inline constexpr std::string_view needed_syscall_name(NeededSyscall s) {
  return kNeededSyscallNames[static_cast<std::size_t>(s)];
}

class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual int landlock_abi() = 0;      // 0 = no Landlock
  virtual int landlock_errata() = 0;   // errata bitmask (ABI 7+), else 0
  // Creates and closes a ruleset from the first `size` bytes of `attr`; false with `err`
  // (an errno) when the kernel refuses it. Used to probe each protection for real.
  virtual bool probe_ruleset(const uapi::RulesetAttr& attr, std::size_t size, int& err) = 0;
  virtual std::string kernel_release() = 0;
  virtual bool seccomp_available() = 0;
  virtual bool seccomp_user_notif_available() = 0;
  // 0 when the syscall is present and usable, else the errno that shows it is not.
  virtual int probe_syscall(NeededSyscall s) = 0;
};

class RealKernel : public Kernel {
 public:
  int landlock_abi() override;
  int landlock_errata() override;
  bool probe_ruleset(const uapi::RulesetAttr& attr, std::size_t size, int& err) override;
  std::string kernel_release() override;
  bool seccomp_available() override;
  bool seccomp_user_notif_available() override;
  int probe_syscall(NeededSyscall s) override;
};

// The ABI to lower for: the host's (capped at the newest sandlock knows) or `requested`
// when 1 <= requested <= host. Returns 0 and sets `error` for an out-of-range request.
int clamp_abi(int host_abi, std::optional<int> requested, std::string& error);

}  // namespace sandlock
