// Confining the CURRENT process with a Plan: no_new_privs, then Landlock, then seccomp.
// Called in the forked child just before exec; each failure names the step, so the
// launcher can refuse to run the command (fail closed).
#pragma once

#include <optional>
#include <string>

#include "engine/lower/plan.h"
#include "engine/lower/seccomp_build.h"

namespace sandlock {

struct ConfineError {
  std::string step;  // "landlock_create_ruleset", "landlock_add_rule /srv", "seccomp_load", ...
  int err = 0;       // errno (0 when the failure has none)
  std::string message;
};

// The seccomp filter built ahead of the fork, so libseccomp's refusals surface in the
// parent and the child only loads. `filter` is null when the plan has nothing to load.
struct PreparedSeccomp {
  SeccompFilter filter;
};
std::optional<ConfineError> prepare_seccomp(const SeccompPlan& plan, PreparedSeccomp& out);

std::optional<ConfineError> set_no_new_privs();
// Skips only when the plan handles nothing at all; a kernel without Landlock is an error.
std::optional<ConfineError> apply_landlock(const LandlockPlan& plan);
std::optional<ConfineError> load_seccomp(const PreparedSeccomp& prepared);

// The whole sequence, in order: no_new_privs, Landlock, seccomp.
std::optional<ConfineError> confine(const LandlockPlan& landlock, const PreparedSeccomp& seccomp);
std::optional<ConfineError> confine(const Plan& plan);  // prepares the seccomp filter itself

}  // namespace sandlock
