#include "engine/apply/check.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/kernel/landlock_uapi.h"
#include "tests/apply/fake_kernel.h"

namespace sandlock {
namespace {

using testing::FakeKernel;
using testing::ProbeCall;

const ProtectionProbe& find(const CheckReport& r, const std::string& name) {
  for (const auto& p : r.protections)
    if (p.name == name) return p;
  throw std::runtime_error("no protection " + name);
}

TEST(Check, ConsistentAbi3KernelHasNoDisagreement) {
  auto kernel = FakeKernel::consistent(3);
  const CheckReport r = run_check(kernel);
  EXPECT_EQ(r.landlock_abi, 3);
  ASSERT_EQ(r.protections.size(), 6u);
  EXPECT_TRUE(find(r, "fs-refer").probed);
  EXPECT_TRUE(find(r, "fs-truncate").available_by_abi);
  EXPECT_FALSE(find(r, "net-tcp").available_by_abi);
  EXPECT_FALSE(find(r, "net-tcp").probed);
  EXPECT_EQ(find(r, "net-tcp").probe_errno, EINVAL);
  EXPECT_FALSE(find(r, "signal-scope").probed);
  for (const auto& p : r.protections) EXPECT_FALSE(p.disagreement) << p.name;
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Check, ProbesRequestExactlyEachProtectionsBitsInTheSmallestAttrPrefix) {
  auto kernel = FakeKernel::consistent(7);
  run_check(kernel);
  const std::vector<ProbeCall> expected{
      {uapi::kFsRefer, 0, 0, 8},
      {uapi::kFsTruncate, 0, 0, 8},
      {0, uapi::kNetBindTcp | uapi::kNetConnectTcp, 0, 16},
      {uapi::kFsIoctlDev, 0, 0, 8},
      {0, 0, uapi::kScopeSignal, 24},
      {0, 0, uapi::kScopeAbstractUnixSocket, 24},
  };
  EXPECT_EQ(kernel.probes, expected);
}

// RHEL 9.7-style backport: reports ABI 6 but rejects the v5 and v6 attributes.
TEST(Check, BackportReportingAbi6ButRejectingV5AndV6IsAWarning) {
  auto kernel = FakeKernel::consistent(6);
  kernel.accepted_fs = landlock_abi_facts(4).fs;
  kernel.accepted_scoped = 0;
  const CheckReport r = run_check(kernel);
  EXPECT_FALSE(find(r, "fs-refer").disagreement);
  EXPECT_FALSE(find(r, "net-tcp").disagreement);
  for (const char* name : {"fs-ioctl-dev", "signal-scope", "abstract-unix-socket-scope"}) {
    const auto& p = find(r, name);
    EXPECT_TRUE(p.available_by_abi) << name;
    EXPECT_FALSE(p.probed) << name;
    EXPECT_TRUE(p.disagreement) << name;
  }
  ASSERT_EQ(r.warnings.size(), 3u);
  EXPECT_EQ(r.warnings[0],
            "fs-ioctl-dev: the kernel reports Landlock ABI 6, which includes it, but rejects it (EINVAL); "
            "sandlock treats it as unavailable");
  const std::string text = check_report_text(r);
  EXPECT_NE(text.find("warning: signal-scope: the kernel reports Landlock ABI 6"), std::string::npos) << text;
  EXPECT_NE(text.find("<- disagrees"), std::string::npos) << text;
}

TEST(Check, AcceptingMoreThanTheAbiSaysIsAlsoADisagreement) {
  auto kernel = FakeKernel::consistent(3);
  kernel.accepted_net = uapi::kNetBindTcp | uapi::kNetConnectTcp;
  const CheckReport r = run_check(kernel);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "net-tcp: the kernel accepts it although its reported Landlock ABI 3 is below 4; sandlock goes by "
            "the reported ABI");
}

TEST(Check, NoLandlockAndMissingSyscallsAreReported) {
  FakeKernel kernel;  // ABI 0
  kernel.seccomp = false;
  kernel.user_notif = false;
  kernel.syscall_errno[NeededSyscall::PidfdGetfd] = ENOSYS;
  const CheckReport r = run_check(kernel);
  EXPECT_EQ(r.landlock_abi, 0);
  for (const auto& p : r.protections) {
    EXPECT_FALSE(p.probed);
    EXPECT_FALSE(p.disagreement);
  }
  ASSERT_EQ(r.syscalls.size(), 8u);
  EXPECT_EQ(r.syscalls[5].name, "pidfd_getfd");
  EXPECT_FALSE(r.syscalls[5].usable);
  EXPECT_EQ(r.syscalls[5].err, ENOSYS);
  EXPECT_TRUE(r.syscalls[4].usable);
  const std::string text = check_report_text(r);
  EXPECT_NE(text.find("landlock ABI    none\n"), std::string::npos) << text;
  EXPECT_NE(text.find("seccomp         no (user notification: no)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("pidfd_getfd                 NOT usable (ENOSYS)"), std::string::npos) << text;
}

TEST(Check, JsonCarriesEveryField) {
  auto kernel = FakeKernel::consistent(6);
  kernel.accepted_scoped = 0;
  kernel.errata = 1;
  const auto j = nlohmann::json::parse(check_report_json(run_check(kernel)));
  EXPECT_EQ(j["kernel_release"], "6.1.0-fake");
  EXPECT_EQ(j["landlock_abi"], 6);
  EXPECT_EQ(j["landlock_errata"], 1);
  ASSERT_EQ(j["protections"].size(), 6u);
  EXPECT_EQ(j["protections"][4]["name"], "signal-scope");
  EXPECT_EQ(j["protections"][4]["min_abi"], 6);
  EXPECT_EQ(j["protections"][4]["available_by_abi"], true);
  EXPECT_EQ(j["protections"][4]["probed"], false);
  EXPECT_EQ(j["protections"][4]["probe_errno"], EINVAL);
  EXPECT_EQ(j["protections"][4]["disagreement"], true);
  EXPECT_EQ(j["seccomp"], true);
  EXPECT_EQ(j["syscalls"][0]["name"], "landlock_create_ruleset");
  EXPECT_EQ(j["syscalls"][0]["usable"], true);
  EXPECT_EQ(j["warnings"].size(), 2u);
}

TEST(CheckRealKernel, EveryProtectionAvailableOnAbi7) {
  RealKernel kernel;
  const int abi = kernel.landlock_abi();
  if (abi < 7) GTEST_SKIP() << "this test expects Landlock ABI >= 7; the kernel reports " << abi;
  const CheckReport r = run_check(kernel);
  EXPECT_EQ(r.landlock_abi, abi);
  EXPECT_FALSE(r.kernel_release.empty());
  for (const auto& p : r.protections) {
    EXPECT_TRUE(p.available_by_abi) << p.name;
    EXPECT_TRUE(p.probed) << p.name << " errno " << p.probe_errno;
    EXPECT_FALSE(p.disagreement) << p.name;
  }
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_TRUE(r.seccomp);
  EXPECT_TRUE(r.seccomp_user_notif);
  for (const auto& s : r.syscalls) EXPECT_TRUE(s.usable) << s.name << " errno " << s.err;
}

TEST(CheckRealKernel, RulesetBeyondTheAbiIsRefused) {
  RealKernel kernel;
  if (kernel.landlock_abi() < 1) GTEST_SKIP() << "no Landlock on this kernel";
  int err = 0;
  const uapi::RulesetAttr unknown_bit{1ULL << 40, 0, 0};
  EXPECT_FALSE(kernel.probe_ruleset(unknown_bit, 8, err));
  EXPECT_EQ(err, EINVAL);
  const uapi::RulesetAttr read{uapi::kFsReadFile, 0, 0};
  EXPECT_TRUE(kernel.probe_ruleset(read, 8, err));
  EXPECT_EQ(err, 0);
}

}  // namespace
}  // namespace sandlock
