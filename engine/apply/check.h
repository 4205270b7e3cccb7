// `sandlock check`: what this kernel offers, each Landlock protection probed for real.
#pragma once

#include <string>
#include <vector>

#include "engine/apply/kernel.h"

namespace sandlock {

struct ProtectionProbe {
  std::string name;             // "fs-truncate", ...
  int min_abi = 0;
  bool available_by_abi = false;  // the reported ABI includes it
  bool probed = false;            // a ruleset requesting exactly its bits was accepted
  int probe_errno = 0;            // why the probe was refused (0 when accepted)
  bool disagreement = false;      // available_by_abi != probed (e.g. RHEL backports)
};

struct SyscallUsability {
  std::string name;
  bool usable = false;
  int err = 0;  // errno when not usable
};

struct CheckReport {
  std::string kernel_release;
  int landlock_abi = 0;
  int landlock_errata = 0;
  std::vector<ProtectionProbe> protections;  // in the order of all_protections()
  bool seccomp = false;
  bool seccomp_user_notif = false;
  std::vector<SyscallUsability> syscalls;    // in the order of NeededSyscall
  std::vector<std::string> warnings;         // one per disagreement, readable
};

CheckReport run_check(Kernel& kernel);
std::string check_report_text(const CheckReport& report);
std::string check_report_json(const CheckReport& report, int indent = 2);

}  // namespace sandlock
