#include "engine/apply/check.h"

#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>
#include <iomanip>

#include "engine/kernel/landlock_facts.h"

namespace sandlock {
namespace {

std::string errno_name(int err) {
  const char* name = strerrorname_np(err);
  return name ? name : "errno " + std::to_string(err);
}

// A ruleset requesting exactly the protection's bits, in the smallest attr prefix that
// holds them: fs bits need 8 bytes, net 16, scopes 24.
ProtectionProbe probe_protection(Kernel& kernel, const ProtectionFacts& p, int abi) {
  ProtectionProbe out{.name = std::string(p.name), .min_abi = p.min_abi, .available_by_abi = abi >= p.min_abi};
  const uapi::RulesetAttr attr{p.fs, p.net, p.scoped};
  const std::size_t size = p.scoped ? 24 : p.net ? 16 : 8;
  out.probed = kernel.probe_ruleset(attr, size, out.probe_errno);
  if (out.probed) out.probe_errno = 0;
  out.disagreement = out.available_by_abi != out.probed;
  return out;
}

std::string disagreement_warning(const ProtectionProbe& p, int abi) {
  if (p.available_by_abi)
    return p.name + ": the kernel reports Landlock ABI " + std::to_string(abi) + ", which includes it, but rejects it (" +
           errno_name(p.probe_errno) + "); sandlock treats it as unavailable";
  return p.name + ": the kernel accepts it although its reported Landlock ABI " + std::to_string(abi) +
         " is below " + std::to_string(p.min_abi) + "; sandlock goes by the reported ABI";
}

const char* yes_no(bool b) { return b ? "yes" : "no"; }

}  // namespace

CheckReport run_check(Kernel& kernel) {
  CheckReport r;
  r.kernel_release = kernel.kernel_release();
  r.landlock_abi = kernel.landlock_abi();
  r.landlock_errata = kernel.landlock_errata();
  for (const auto& facts : all_protections()) {
    r.protections.push_back(probe_protection(kernel, facts, r.landlock_abi));
    if (r.protections.back().disagreement) r.warnings.push_back(disagreement_warning(r.protections.back(), r.landlock_abi));
  }
  r.seccomp = kernel.seccomp_available();
  r.seccomp_user_notif = kernel.seccomp_user_notif_available();
  for (std::size_t i = 0; i < kNeededSyscallNames.size(); ++i) {
    const int err = kernel.probe_syscall(static_cast<NeededSyscall>(i));
    r.syscalls.push_back({std::string(kNeededSyscallNames[i]), err == 0, err});
  }
  return r;
}

std::string check_report_text(const CheckReport& r) {
  std::ostringstream out;
  out << std::left;
  out << std::setw(16) << "kernel" << r.kernel_release << '\n';
  out << std::setw(16) << "landlock ABI";
  if (r.landlock_abi == 0)
    out << "none\n";
  else
    out << r.landlock_abi << " (errata 0x" << std::hex << r.landlock_errata << std::dec << ")\n";
  out << std::setw(16) << "seccomp" << yes_no(r.seccomp) << " (user notification: " << yes_no(r.seccomp_user_notif)
      << ")\n\n";

  out << std::setw(28) << "protection" << std::setw(9) << "min ABI" << std::setw(8) << "by ABI" << "probed\n";
  for (const auto& p : r.protections) {
    out << std::setw(28) << p.name << std::setw(9) << p.min_abi << std::setw(8) << yes_no(p.available_by_abi)
        << (p.probed ? "yes" : "no (" + errno_name(p.probe_errno) + ")") << (p.disagreement ? "  <- disagrees" : "")
        << '\n';
  }
  out << "\nsyscalls sandlock needs\n";
  for (const auto& s : r.syscalls)
    out << "  " << std::setw(28) << s.name << (s.usable ? "usable" : "NOT usable (" + errno_name(s.err) + ")") << '\n';
  for (const auto& w : r.warnings) out << "\nwarning: " << w;
  if (!r.warnings.empty()) out << '\n';
  return out.str();
}

std::string check_report_json(const CheckReport& r, int indent) {
  nlohmann::ordered_json j;
  j["kernel_release"] = r.kernel_release;
  j["landlock_abi"] = r.landlock_abi;
  j["landlock_errata"] = r.landlock_errata;
  j["protections"] = nlohmann::ordered_json::array();
  for (const auto& p : r.protections)
    j["protections"].push_back({{"name", p.name},
                                {"min_abi", p.min_abi},
                                {"available_by_abi", p.available_by_abi},
                                {"probed", p.probed},
                                {"probe_errno", p.probe_errno},
                                {"disagreement", p.disagreement}});
  j["seccomp"] = r.seccomp;
  j["seccomp_user_notif"] = r.seccomp_user_notif;
  j["syscalls"] = nlohmann::ordered_json::array();
  for (const auto& s : r.syscalls) j["syscalls"].push_back({{"name", s.name}, {"usable", s.usable}, {"errno", s.err}});
  j["warnings"] = r.warnings;
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sandlock
