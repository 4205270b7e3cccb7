// prepare_seccomp: the plan's filter as a BPF program, built with libseccomp. Kept out of
// confine.cpp so the cached-plan launcher, which loads ready programs, links no libseccomp.
#include "engine/apply/launch.h"
#include "engine/lower/seccomp_build.h"

namespace sandlock {

std::optional<ConfineError> prepare_seccomp(const SeccompPlan& plan, PreparedSeccomp& out) {
  out = PreparedSeccomp{};
  if (plan.rules.empty() && !plan.kill_foreign_arch) return std::nullopt;
  std::string error;
  const SeccompFilter filter = build_seccomp(plan, error);
  const std::string bytes = filter ? seccomp_filter_bpf(filter, error) : std::string{};
  if (!error.empty()) return ConfineError{"seccomp filter", 0, error};
  if (auto e = program_from_bpf(bytes, out)) return e;
  out.flags = seccomp_load_flags(plan, filter);
  return std::nullopt;
}

}  // namespace sandlock
