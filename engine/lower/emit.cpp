#include "engine/lower/emit.h"

#include <cctype>

#include <yaml-cpp/yaml.h>

#include <map>
#include <nlohmann/json.hpp>

namespace sandlock {
namespace {

using nlohmann::ordered_json;

std::string_view oci_action(SeccompRule::Action a) {
  switch (a) {
    case SeccompRule::Action::Errno: return "SCMP_ACT_ERRNO";
    case SeccompRule::Action::Kill: return "SCMP_ACT_KILL_PROCESS";
    case SeccompRule::Action::Notify: return "SCMP_ACT_NOTIFY";
    case SeccompRule::Action::Allow: return "SCMP_ACT_ALLOW";
  }
  return "SCMP_ACT_KILL_PROCESS";
}

std::string_view oci_op(SeccompArgCmp::Op op) {
  switch (op) {
    case SeccompArgCmp::Op::Eq: return "SCMP_CMP_EQ";
    case SeccompArgCmp::Op::MaskedEq: return "SCMP_CMP_MASKED_EQ";
    case SeccompArgCmp::Op::Ge: return "SCMP_CMP_GE";
    case SeccompArgCmp::Op::Le: return "SCMP_CMP_LE";
  }
  return "SCMP_CMP_EQ";
}

// One OCI syscall entry per distinct (action, errno, args); names gathered in plan order.
ordered_json oci_syscalls(const SeccompPlan& plan, std::vector<std::string>* warnings) {
  ordered_json entries = ordered_json::array();
  std::map<std::string, std::size_t> index_by_shape;
  for (const SeccompRule& r : plan.rules) {
    if (r.action == SeccompRule::Action::Notify) {
      // SCMP_ACT_NOTIFY needs a seccomp agent on listenerPath, which the runtime does not have.
      if (warnings)
        warnings->push_back("the supervisor's notify rule for " + r.syscall +
                            " is left out: an OCI runtime has no sandlock supervisor to ask");
      continue;
    }
    ordered_json shape = {{"action", oci_action(r.action)}};
    if (r.action == SeccompRule::Action::Errno) shape["errnoRet"] = r.errno_value;
    if (!r.args.empty()) {
      shape["args"] = ordered_json::array();
      for (const SeccompArgCmp& a : r.args)
        shape["args"].push_back({{"index", a.arg}, {"value", a.datum_a}, {"valueTwo", a.datum_b}, {"op", oci_op(a.op)}});
    }
    const auto [it, added] = index_by_shape.emplace(shape.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), entries.size());
    if (added) {
      ordered_json entry = {{"names", ordered_json::array()}};
      entry.update(shape);
      entries.push_back(std::move(entry));
    }
    ordered_json& names = entries[it->second]["names"];
    if (names.empty() || names.back() != r.syscall) names.push_back(r.syscall);
  }
  return entries;
}

ordered_json seccomp_object(const Plan& plan, std::vector<std::string>* warnings) {
  return {{"defaultAction", "SCMP_ACT_ALLOW"},
          {"architectures", ordered_json::array({"SCMP_ARCH_X86_64"})},
          {"syscalls", oci_syscalls(plan.seccomp, warnings)}};
}

void emit_yaml(YAML::Emitter& out, const ordered_json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, value] : j.items()) {
      out << YAML::Key << key << YAML::Value;
      emit_yaml(out, value);
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& value : j) emit_yaml(out, value);
    out << YAML::EndSeq;
  } else if (j.is_number_unsigned()) {
    out << j.get<std::uint64_t>();
  } else if (j.is_number_integer()) {
    out << j.get<std::int64_t>();
  } else if (j.is_boolean()) {
    out << j.get<bool>();
  } else {
    out << YAML::DoubleQuoted << j.get<std::string>();
  }
}

}  // namespace

std::string landlock_plan_json(const Plan& plan, int indent) {
  const LandlockPlan& ll = plan.landlock;
  ordered_json j;
  j["abi"] = ll.abi;
  j["ruleset"] = {{"handled_access_fs", ll.handled_access_fs},
                  {"handled_access_net", ll.handled_access_net},
                  {"scoped", ll.scoped}};
  j["path_rules"] = ordered_json::array();
  for (const LandlockPathRule& r : ll.path_rules)
    j["path_rules"].push_back({{"path", r.path},
                               {"allowed_access", r.allowed_access},
                               {"access", fs_rights_to_string(r.allowed_access)},
                               {"directory", r.directory}});
  j["net_rules"] = ordered_json::array();
  for (const LandlockNetRule& r : ll.net_rules)
    j["net_rules"].push_back({{"port", r.port}, {"allowed_access", r.allowed_access}});
  j["restrict_flags"] = ll.restrict_flags;
  j["protections"] = ordered_json::object();
  for (const ProtectionFacts& p : all_protections())
    j["protections"][std::string(p.name)] = protection_status_name(ll.protections[static_cast<std::size_t>(p.id)]);
  j["needs_supervisor"] = plan.needs_supervisor;
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string oci_seccomp_json(const Plan& plan, std::vector<std::string>* warnings, int indent) {
  return seccomp_object(plan, warnings).dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A Kubernetes object name (RFC 1123 subdomain): lowercase alphanumerics, '-' and '.',
// starting and ending alphanumeric. "base/minimal" becomes "base-minimal".
std::string kubernetes_name(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '-' && out.back() != '.') out += c == '.' ? '.' : '-';
  }
  while (!out.empty() && (out.back() == '-' || out.back() == '.')) out.pop_back();
  if (out.size() > 253) out.resize(253);
  return out.empty() ? "sandlock-profile" : out;
}

std::string k8s_seccomp_profile_yaml(const Plan& plan, const std::string& name, std::vector<std::string>* warnings) {
  const ordered_json profile = {{"apiVersion", "security-profiles-operator.x-k8s.io/v1beta1"},
                                {"kind", "SeccompProfile"},
                                {"metadata", {{"name", kubernetes_name(name)}}},
                                {"spec", seccomp_object(plan, warnings)}};
  YAML::Emitter out;
  emit_yaml(out, profile);
  return std::string(out.c_str()) + "\n";
}

}  // namespace sandlock
