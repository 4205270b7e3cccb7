// Step 6 of lowering: the graph's syscall deny set and the network's seccomp needs → SeccompPlan.
#pragma once

#include "engine/lower/net_rules.h"
#include "engine/kernel/syscall_numbers.h"
#include "engine/lower/plan.h"

namespace sandlock {

// Plain names → Errno(EPERM); names with ':' → their argument-filtered rules (an unknown
// one is an Error: fail closed); plus the network's socket filter and supervisor Notify
// rules. Rules are sorted by syscall; a syscall refused outright keeps only that rule.
// Names this architecture lacks stay in the plan, noted in `why`; build_seccomp skips them.
SeccompPlan lower_seccomp(const PolicyGraph& graph, const NetLowering& net, Diagnostics& diagnostics);


}  // namespace sandlock
