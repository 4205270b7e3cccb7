// Landlock filesystem enforcement through launch(), each denial with its positive control.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "engine/kernel/landlock_facts.h"
#include "engine/kernel/landlock_uapi.h"
#include "tests/apply/sandbox_helpers.h"

namespace sandlock {
namespace {

using namespace sandlock::testing;

// Prints the errno of `statement` (0 when it succeeds).
std::string errno_of(const std::string& statement) {
  return "import sys\ntry:\n    " + statement + "\n    print(0)\nexcept OSError as e:\n    print(e.errno)\n";
}

class LaunchFs : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!landlock_abi_at_least(3)) GTEST_SKIP() << "needs Landlock ABI >= 3 on this kernel";
    a.write("f", "in A\n");
    b.write("f", "in B\n");
  }
  TempDir a, b;
};

TEST_F(LaunchFs, ReadGrantedInAButNotInB) {
  Plan plan = system_plan();
  grant(plan, a.path(), fs_read_access());

  const auto in_a = run(request({"/bin/cat", a.file("f")}, plan));
  EXPECT_EQ(in_a.code, 0) << in_a.error;
  EXPECT_EQ(in_a.out, "in A\n");

  const auto in_b = run(request({"/bin/cat", b.file("f")}, plan));
  EXPECT_EQ(in_b.code, 1);
  EXPECT_EQ(in_b.out, "");

  const auto errno_b = run(python(errno_of("open('" + b.file("f") + "')"), plan));
  EXPECT_EQ(errno_b.code, 0) << errno_b.error;
  EXPECT_EQ(errno_b.out, "13\n");
}

TEST_F(LaunchFs, LowerAbiPlanStillEnforcesReads) {
  Plan plan = system_plan(1);
  grant(plan, a.path(), fs_read_access());
  EXPECT_EQ(run(python(errno_of("open('" + a.file("f") + "')"), plan)).out, "0\n");
  EXPECT_EQ(run(python(errno_of("open('" + b.file("f") + "')"), plan)).out, "13\n");
}

TEST_F(LaunchFs, WriteNeedsWriteRights) {
  const std::string write_new = errno_of("open('" + a.file("new") + "', 'w').write('x')");
  Plan read_only = system_plan();
  grant(read_only, a.path(), fs_read_access());
  EXPECT_EQ(run(python(write_new, read_only)).out, "13\n");
  EXPECT_FALSE(exists(a.file("new")));

  Plan writable = system_plan();
  grant(writable, a.path(), fs_write_access());
  EXPECT_EQ(run(python(write_new, writable)).out, "0\n");
  EXPECT_EQ(read_file(a.file("new")), "x");
}

TEST_F(LaunchFs, TruncateIsDeniedOnlyWhenTheTruncateRightIsHandled) {
  const std::string truncate = errno_of("import os; os.truncate('" + a.file("f") + "', 0)");
  const std::uint64_t write_no_truncate = fs_read_access() | uapi::kFsWriteFile;

  Plan handled = system_plan();
  grant(handled, a.path(), write_no_truncate);
  EXPECT_EQ(run(python(truncate, handled)).out, "13\n");
  EXPECT_EQ(read_file(a.file("f")), "in A\n");

  Plan unhandled = system_plan();
  unhandled.landlock.handled_access_fs &= ~uapi::kFsTruncate;
  grant(unhandled, a.path(), write_no_truncate);
  EXPECT_EQ(run(python(truncate, unhandled)).out, "0\n");
  EXPECT_EQ(read_file(a.file("f")), "");
}

TEST_F(LaunchFs, ExecDeniedByLandlockIs126) {
  std::filesystem::copy_file("/bin/true", a.file("prog"));
  Plan read_only = system_plan();
  grant(read_only, a.path(), fs_read_access());
  const auto denied = run(request({a.file("prog")}, read_only));
  EXPECT_EQ(denied.code, kExitNotExecutable);
  EXPECT_EQ(denied.error, a.file("prog") + ": Permission denied");

  Plan executable = system_plan();
  grant(executable, a.path(), fs_exec_access());
  const auto allowed = run(request({a.file("prog")}, executable));
  EXPECT_EQ(allowed.code, 0) << allowed.error;
}

}  // namespace
}  // namespace sandlock
