#include "engine/apply/kernel.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "engine/kernel/landlock_facts.h"

namespace sandlock {
namespace {

TEST(ClampAbi, DefaultsToTheHostAbiCappedAtTheNewestKnown) {
  std::string error;
  EXPECT_EQ(clamp_abi(7, std::nullopt, error), 7);
  EXPECT_EQ(clamp_abi(12, std::nullopt, error), kMaxLandlockAbi);
  EXPECT_EQ(clamp_abi(0, std::nullopt, error), 0);
  EXPECT_EQ(error, "");
}

TEST(ClampAbi, AcceptsOneToHostAndRejectsTheRest) {
  std::string error;
  EXPECT_EQ(clamp_abi(7, 1, error), 1);
  EXPECT_EQ(clamp_abi(7, 7, error), 7);
  EXPECT_EQ(error, "");
  EXPECT_EQ(clamp_abi(7, 8, error), 0);
  EXPECT_EQ(error, "--abi 8 is out of range: this kernel supports Landlock ABI 1..7");
  error.clear();
  EXPECT_EQ(clamp_abi(7, 0, error), 0);
  EXPECT_EQ(error, "--abi 0 is out of range: this kernel supports Landlock ABI 1..7");
  error.clear();
  EXPECT_EQ(clamp_abi(0, 1, error), 0);
  EXPECT_EQ(error, "--abi 1: this kernel has no Landlock");
  error.clear();
  // A kernel newer than sandlock: the limit is named as sandlock's.
  EXPECT_EQ(clamp_abi(kMaxLandlockAbi + 2, kMaxLandlockAbi + 1, error), 0);
  EXPECT_EQ(error, "--abi " + std::to_string(kMaxLandlockAbi + 1) + " is out of range: this kernel has Landlock ABI " +
                       std::to_string(kMaxLandlockAbi + 2) + ", and sandlock knows ABI 1.." +
                       std::to_string(kMaxLandlockAbi));
}

TEST(ClampAbi, PropertyResultIsTheRequestExactlyWhenInRange) {
  rc::check([](int host_raw, int requested_raw) {
    const int host = host_raw % 13;
    const int requested = requested_raw % 20 - 5;
    std::string error;
    const int got = clamp_abi(host, requested, error);
    const bool in_range = requested >= 1 && requested <= std::min(host, kMaxLandlockAbi);
    RC_ASSERT(got == (in_range ? requested : 0));
    RC_ASSERT(error.empty() == in_range);
  });
}

TEST(RealKernelSeam, ReportsTheVersionOfLandlockCreateRuleset) {
  RealKernel kernel;
  const int abi = kernel.landlock_abi();
  if (abi == 0) GTEST_SKIP() << "no Landlock on this kernel";
  EXPECT_GE(abi, 1);
  EXPECT_EQ(kernel.probe_syscall(NeededSyscall::LandlockAddRule), 0);
  EXPECT_EQ(kernel.probe_syscall(NeededSyscall::LandlockRestrictSelf), 0);
  EXPECT_EQ(kernel.probe_syscall(NeededSyscall::CloseRange), 0);
}

}  // namespace
}  // namespace sandlock
