// Confining a process with a Plan, split like the launcher needs it: everything that can
// allocate, open files or produce a message happens in the parent (prepare_*); the child
// only makes the final syscalls (no_new_privs, landlock_restrict_self, seccomp), which are
// allocation-free and async-signal-safe, because a vfork-style child shares the parent's
// memory and must not touch its heap.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/apply/unique_fd.h"
#include "engine/lower/plan.h"

namespace sandlock {

struct ConfineError {
  std::string step;  // "landlock_create_ruleset", "landlock_add_rule /srv", "seccomp filter", ...
  int err = 0;       // errno (0 when the failure has none)
  std::string message;
};

// A Landlock ruleset with every rule added, ready for landlock_restrict_self. `ruleset` is
// empty when the plan handles nothing at all.
struct PreparedLandlock {
  UniqueFd ruleset;
  std::uint32_t restrict_flags = 0;
};
// A kernel without Landlock is an error here, never a silent skip.
std::optional<ConfineError> prepare_landlock(const LandlockPlan& plan, PreparedLandlock& out);

// The seccomp filter as the BPF program libseccomp generates, plus the seccomp() flags
// seccomp_load would pass. `program` is empty when the plan has nothing to load.
// prepare_seccomp (launch.h) builds it.
struct PreparedSeccomp {
  std::vector<sock_filter> program;
  unsigned flags = 0;  // SECCOMP_FILTER_FLAG_NEW_LISTENER when a rule notifies
};
// `bpf` (raw sock_filter instructions, as seccomp_filter_bpf exports them) as a program
// with no flags; an error when it is empty or a program the kernel would refuse.
std::optional<ConfineError> program_from_bpf(const std::string& bpf, PreparedSeccomp& out);

// The child's steps: 0 or an errno. Allocation-free.
int set_no_new_privs();
int restrict_landlock(const PreparedLandlock& prepared);
// Loads the filter (no_new_privs must be set). `listener` receives the notification fd when
// the flags ask for one, else -1.
int load_seccomp(const PreparedSeccomp& prepared, int& listener);

}  // namespace sandlock
