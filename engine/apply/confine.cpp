#include "engine/apply/confine.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <charconv>

#include "engine/apply/landlock_syscalls.h"
#include "engine/apply/unique_fd.h"
#include "engine/kernel/landlock_facts.h"

namespace sandlock {
namespace {

ConfineError error_from_errno(std::string step, int err, const std::string& what = {}) {
  std::string message = std::strerror(err);
  if (!what.empty()) message = what + ": " + message;
  return {std::move(step), err, std::move(message)};
}

std::string hex(std::uint64_t v) {
  char buf[2 + 16];
  buf[0] = '0';
  buf[1] = 'x';
  const auto end = std::to_chars(buf + 2, buf + sizeof buf, v, 16).ptr;
  return std::string(buf, end);
}

// Fields past the ABI's attr prefix would be silently cut off by the size we pass:
// refuse instead of dropping protections.
std::optional<ConfineError> check_attr_fits(const LandlockPlan& plan, std::size_t size) {
  const bool net_cut = size < 16 && plan.handled_access_net != 0;
  const bool scoped_cut = size < 24 && plan.scoped != 0;
  if (!net_cut && !scoped_cut) return std::nullopt;
  return ConfineError{"landlock_create_ruleset", EINVAL,
                      "the plan for Landlock ABI " + std::to_string(plan.abi) + " handles " +
                          (net_cut ? "network rights" : "scopes") + ", which that ABI's ruleset attr cannot carry"};
}

std::optional<ConfineError> add_path_rule(int ruleset, const LandlockPathRule& rule) {
  const std::string step = "landlock_add_rule " + rule.path;
  const UniqueFd path_fd(open(rule.path.c_str(), O_PATH | O_CLOEXEC));
  if (!path_fd) return error_from_errno(step, errno, "cannot open the path");
  const uapi::PathBeneathAttr attr{rule.allowed_access, path_fd.get()};
  if (sys::landlock_add_rule(ruleset, uapi::kRulePathBeneath, &attr, 0) != 0)
    return error_from_errno(step, errno, "access " + fs_rights_to_string(rule.allowed_access));
  return std::nullopt;
}

std::optional<ConfineError> add_net_rule(int ruleset, const LandlockNetRule& rule) {
  const uapi::NetPortAttr attr{rule.allowed_access, rule.port};
  if (sys::landlock_add_rule(ruleset, uapi::kRuleNetPort, &attr, 0) != 0)
    return error_from_errno("landlock_add_rule port " + std::to_string(rule.port), errno,
                            "access " + hex(rule.allowed_access));
  return std::nullopt;
}

}  // namespace

std::optional<ConfineError> prepare_landlock(const LandlockPlan& plan, PreparedLandlock& out) {
  out = PreparedLandlock{};
  const bool handles_nothing = plan.handled_access_fs == 0 && plan.handled_access_net == 0 && plan.scoped == 0;
  if (handles_nothing) {
    if (plan.path_rules.empty() && plan.net_rules.empty()) return std::nullopt;
    return ConfineError{"landlock_create_ruleset", EINVAL, "the plan has rules but handles no access"};
  }
  if (plan.abi < kMinLandlockAbi || plan.abi > kMaxLandlockAbi)
    return ConfineError{"landlock_create_ruleset", EINVAL,
                        "the plan targets Landlock ABI " + std::to_string(plan.abi) + "; expected 1..8"};
  const std::size_t size = landlock_abi_facts(plan.abi).attr_size;
  if (auto e = check_attr_fits(plan, size)) return e;

  const uapi::RulesetAttr attr{plan.handled_access_fs, plan.handled_access_net, plan.scoped};
  UniqueFd ruleset(sys::landlock_create_ruleset(&attr, size, 0));
  if (!ruleset)
    return error_from_errno("landlock_create_ruleset", errno,
                            "handled fs " + hex(plan.handled_access_fs) + ", net " + hex(plan.handled_access_net) +
                                ", scoped " + hex(plan.scoped) + ", attr size " + std::to_string(size));
  for (const auto& rule : plan.path_rules)
    if (auto e = add_path_rule(ruleset.get(), rule)) return e;
  for (const auto& rule : plan.net_rules)
    if (auto e = add_net_rule(ruleset.get(), rule)) return e;
  out.ruleset = std::move(ruleset);
  out.restrict_flags = plan.restrict_flags;
  return std::nullopt;
}

std::optional<ConfineError> program_from_bpf(const std::string& bpf, PreparedSeccomp& out) {
  out = PreparedSeccomp{};
  if (bpf.empty() || bpf.size() % sizeof(sock_filter) != 0)
    return ConfineError{"seccomp filter", 0, "libseccomp produced no BPF program"};
  // Longer programs are refused by the kernel (BPF_MAXINSNS); say so before forking.
  const std::size_t count = bpf.size() / sizeof(sock_filter);
  if (count > BPF_MAXINSNS)
    return ConfineError{"seccomp filter", E2BIG,
                        "the BPF program has " + std::to_string(count) + " instructions; the kernel takes at most " +
                            std::to_string(BPF_MAXINSNS)};
  out.program.resize(count);
  std::memcpy(out.program.data(), bpf.data(), bpf.size());
  return std::nullopt;
}

int set_no_new_privs() { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : errno; }

int restrict_landlock(const PreparedLandlock& prepared) {
  if (!prepared.ruleset) return 0;
  return sys::landlock_restrict_self(prepared.ruleset.get(), prepared.restrict_flags) == 0 ? 0 : errno;
}

int load_seccomp(const PreparedSeccomp& prepared, int& listener) {
  listener = -1;
  if (prepared.program.empty()) return 0;
  sock_fprog prog{static_cast<unsigned short>(prepared.program.size()), const_cast<sock_filter*>(prepared.program.data())};
  unsigned flags = prepared.flags;
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (rc < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
    // Before Linux 5.19: taken calls stay interruptible (a retried send may repeat), which
    // weakens no rule of the profile; see the README's network section.
    flags &= ~static_cast<unsigned>(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
    rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  }
  if (rc < 0) return errno;
  if (prepared.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) listener = static_cast<int>(rc);
  return 0;
}

}  // namespace sandlock
