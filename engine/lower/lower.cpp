// lower(graph, target, fs) → Plan: the steps in order, each in its own file.
#include <linux/capability.h>

#include "engine/lower/deny_check.h"
#include "engine/lower/fs_rules.h"
#include "engine/lower/net_rules.h"
#include "engine/lower/protections.h"
#include "engine/lower/seccomp_rules.h"

namespace sandlock {
namespace {

// Step 2: the ABI's rights minus every protection that is not Active. (The network mask
// is refined by lower_network: a right whose policy allows every port is left unhandled.)
void set_handled_masks(LandlockPlan& ll, const LandlockAbiFacts& facts, const ProtectionStatuses& status) {
  ll.handled_access_fs = facts.fs;
  for (const ProtectionFacts& p : all_protections()) {
    if (is_active(status, p.id))
      ll.scoped |= p.scoped & facts.scoped;
    else
      ll.handled_access_fs &= ~p.fs;
  }
}

}  // namespace

std::string_view protection_status_name(ProtectionStatus s) {
  switch (s) {
    case ProtectionStatus::Active: return "active";
    case ProtectionStatus::Degraded: return "degraded";
    case ProtectionStatus::Disabled: return "disabled";
    case ProtectionStatus::Unavailable: return "unavailable";
  }
  return "?";
}

LowerResult lower(const PolicyGraph& graph, const LowerTarget& target, FsView& fs) {
  LowerResult result;
  if (target.abi < kMinLandlockAbi || target.abi > kMaxLandlockAbi) {
    result.diagnostics.push_back(error_at("lower.bad-abi", Location{}, "",
                                          "the target Landlock ABI " + std::to_string(target.abi) +
                                              " is not one sandlock knows (" + std::to_string(kMinLandlockAbi) +
                                              ".." + std::to_string(kMaxLandlockAbi) + ")"));
    return result;
  }
  ProtectionResolution resolved = resolve_protections(graph, target);
  result.diagnostics = std::move(resolved.diagnostics);
  if (has_errors(result.diagnostics)) {  // every unavailable strict protection, reported together
    sort_diagnostics(result.diagnostics);
    return result;
  }

  const LandlockAbiFacts& facts = landlock_abi_facts(target.abi);
  Plan plan;
  LandlockPlan& ll = plan.landlock;
  ll.abi = target.abi;
  ll.protections = resolved.status;
  ll.restrict_flags = 0;  // the kernel's defaults (log same-exec denials); TSYNC is moot in a fresh child
  set_handled_masks(ll, facts, resolved.status);
  ll.path_rules = lower_fs_rules(graph.fs, ll.handled_access_fs, fs, result.diagnostics);
  check_denies_hold(graph.fs, ll.path_rules, fs, result.diagnostics);

  NetLowering net = lower_network(graph, is_active(resolved.status, Protection::NetTcp), facts.net, result.diagnostics);
  ll.handled_access_net = net.handled_access_net;
  ll.net_rules = net.rules;
  plan.needs_supervisor = net.needs_supervisor;
  if (net.drop_net_capabilities) plan.drop_capabilities = (1ULL << CAP_NET_ADMIN) | (1ULL << CAP_NET_RAW);
  // The domain agent's workers make calls outside the command's seccomp filter, and are not
  // dumpable: with CAP_SYS_PTRACE (and @debug re-allowed) a root sandbox could take one over
  // and connect anywhere, unsupervised.
  if (net.needs_supervisor) plan.drop_capabilities |= 1ULL << CAP_SYS_PTRACE;
  plan.net_enforcement = net.enforcement;
  plan.seccomp = lower_seccomp(graph, net, result.diagnostics);

  sort_diagnostics(result.diagnostics);
  if (!has_errors(result.diagnostics)) result.plan = std::move(plan);
  return result;
}

}  // namespace sandlock
