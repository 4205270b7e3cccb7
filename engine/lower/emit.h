// Printing a Plan: sandlock's own Landlock JSON, the OCI runtime-spec seccomp object,
// and a Kubernetes Security Profiles Operator SeccompProfile. Deterministic output.
#pragma once

#include <string>
#include <vector>

#include "engine/lower/plan.h"

namespace sandlock {

// {abi, ruleset{handled_access_fs, handled_access_net, scoped}, path_rules[], net_rules[],
//  restrict_flags, protections{name: status}, needs_supervisor}
std::string landlock_plan_json(const Plan& plan, int indent = 2);

// The OCI `linux.seccomp` object. Notify rules need a seccomp agent (listenerPath) that a
// plain OCI runtime does not have: they are left out, and each omission adds a line to
// `warnings` (when given).
std::string oci_seccomp_json(const Plan& plan, std::vector<std::string>* warnings = nullptr, int indent = 2);

// A security-profiles-operator.x-k8s.io/v1beta1 SeccompProfile named `name`; same rules
// and same omissions as the OCI object.
std::string k8s_seccomp_profile_yaml(const Plan& plan, const std::string& name,
                                     std::vector<std::string>* warnings = nullptr);

}  // namespace sandlock
