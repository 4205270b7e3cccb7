// A scripted Kernel: reports what it is told and accepts a probe ruleset only when every
// requested bit is in the accepted masks; records each probe for assertions.
#pragma once

#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "engine/apply/kernel.h"
#include "engine/kernel/landlock_facts.h"

namespace sandlock::testing {

struct ProbeCall {
  std::uint64_t fs, net, scoped;
  std::size_t size;
  bool operator==(const ProbeCall&) const = default;
};

class FakeKernel : public Kernel {
 public:
  int abi = 0;
  int errata = 0;
  std::uint64_t accepted_fs = 0, accepted_net = 0, accepted_scoped = 0;
  std::string release = "6.1.0-fake";
  bool seccomp = true, user_notif = true;
  std::map<NeededSyscall, int> syscall_errno;  // absent = usable
  std::vector<ProbeCall> probes;

  // A kernel whose behaviour matches its reported ABI exactly.
  static FakeKernel consistent(int abi) {
    FakeKernel k;
    k.abi = abi;
    if (abi > 0) {
      const auto& facts = landlock_abi_facts(abi);
      k.accepted_fs = facts.fs;
      k.accepted_net = facts.net;
      k.accepted_scoped = facts.scoped;
    }
    return k;
  }

  int landlock_abi() override { return abi; }
  int landlock_errata() override { return errata; }
  bool probe_ruleset(const uapi::RulesetAttr& attr, std::size_t size, int& err) override {
    probes.push_back({attr.handled_access_fs, size >= 16 ? attr.handled_access_net : 0,
                      size >= 24 ? attr.scoped : 0, size});
    const bool ok = abi > 0 && !(attr.handled_access_fs & ~accepted_fs) &&
                    !(size >= 16 && (attr.handled_access_net & ~accepted_net)) &&
                    !(size >= 24 && (attr.scoped & ~accepted_scoped));
    err = abi == 0 ? EOPNOTSUPP : ok ? 0 : EINVAL;
    return ok;
  }
  std::string kernel_release() override { return release; }
  bool seccomp_available() override { return seccomp; }
  bool seccomp_user_notif_available() override { return user_notif; }
  int probe_syscall(NeededSyscall s) override {
    const auto it = syscall_errno.find(s);
    return it == syscall_errno.end() ? 0 : it->second;
  }
};

}  // namespace sandlock::testing
