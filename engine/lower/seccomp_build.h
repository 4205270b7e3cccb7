// SeccompPlan (the rules as data) → a libseccomp filter; the db→bpf split.
#pragma once

#include <seccomp.h>

#include <memory>
#include <string>

#include "engine/lower/plan.h"

namespace sandlock {

struct SeccompCtxDeleter {
  void operator()(void* ctx) const { seccomp_release(static_cast<scmp_filter_ctx>(ctx)); }
};
using SeccompFilter = std::unique_ptr<void, SeccompCtxDeleter>;

// Builds the filter (default allow, rules from the plan, foreign architectures killed,
// binary-tree optimization). Returns nullptr and sets `error` when libseccomp refuses.
SeccompFilter build_seccomp(const SeccompPlan& plan, std::string& error);

// The filter as the raw sock_filter array the kernel takes (seccomp_export_bpf).
std::string seccomp_filter_bpf(const SeccompFilter& filter, std::string& error);
// The seccomp(SECCOMP_SET_MODE_FILTER) flags seccomp_load would pass for `filter` (built from
// `plan`): from its TSYNC, LOG and SSB attributes, plus NEW_LISTENER when a rule that exists
// on this architecture notifies.
unsigned seccomp_load_flags(const SeccompPlan& plan, const SeccompFilter& filter);

std::string seccomp_pfc_text(const SeccompPlan& plan, std::string& error);  // libseccomp PFC
std::string seccomp_bpf_bytes(const SeccompPlan& plan, std::string& error);  // raw sock_filter array

}  // namespace sandlock
