// prepare_seccomp: the plan's filter as a BPF program, built with libseccomp. Kept out of
// confine.cpp so the cached-plan launcher, which loads ready programs, links no libseccomp.
#include <linux/filter.h>

#include <cerrno>
#include <cstring>

#include "engine/apply/launch.h"
#include "engine/lower/seccomp_build.h"

namespace sandlock {

std::optional<ConfineError> prepare_seccomp(const SeccompPlan& plan, PreparedSeccomp& out) {
  out = PreparedSeccomp{};
  if (plan.rules.empty() && !plan.kill_foreign_arch) return std::nullopt;
  std::string error;
  const SeccompFilter filter = build_seccomp(plan, error);
  const std::string bytes = filter ? seccomp_filter_bpf(filter, error) : std::string{};
  if (!error.empty() || bytes.empty() || bytes.size() % sizeof(sock_filter) != 0)
    return ConfineError{"seccomp filter", 0, error.empty() ? "libseccomp produced no BPF program" : error};
  // Longer programs are refused by the kernel (BPF_MAXINSNS); say so before forking.
  if (bytes.size() / sizeof(sock_filter) > BPF_MAXINSNS)
    return ConfineError{"seccomp filter", E2BIG,
                        "the BPF program has " + std::to_string(bytes.size() / sizeof(sock_filter)) +
                            " instructions; the kernel takes at most " + std::to_string(BPF_MAXINSNS)};
  out.program.resize(bytes.size() / sizeof(sock_filter));
  std::memcpy(out.program.data(), bytes.data(), bytes.size());
  out.flags = seccomp_load_flags(plan, filter);
  return std::nullopt;
}

}  // namespace sandlock
