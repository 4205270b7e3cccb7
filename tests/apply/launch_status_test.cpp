// Exit statuses, fail-closed step failures, timeout, signal forwarding and parent death.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "engine/kernel/landlock_facts.h"
#include "tests/apply/sandbox_helpers.h"

namespace sandlock {
namespace {

using namespace sandlock::testing;
using namespace std::chrono_literals;

// Waits for `path` to hold a pid written by the sandboxed command.
pid_t wait_for_pid_file(const std::string& path) {
  for (int i = 0; i < 500; ++i) {
    const std::string text = read_file(path);
    if (!text.empty() && text.back() == '\n') return std::stoi(text);
    std::this_thread::sleep_for(10ms);
  }
  return -1;
}

TEST(LaunchStatus, TheCommandsOwnStatusAndSignalsPropagate) {
  EXPECT_EQ(run(shell("exit 7")).code, 7);
  EXPECT_EQ(run(shell("exit 0")).code, 0);
  EXPECT_EQ(run(shell("kill -TERM $$")).code, 128 + SIGTERM);
}

TEST(LaunchStatus, EnvironmentAndCwdAreTheRequested) {
  TempDir dir;
  auto req = shell("echo \"$GREETING\"; pwd; echo \"${HOME:-unset}\"");
  req.env.emplace_back("GREETING", "hello");
  req.cwd = dir.path();
  const auto r = run(req);
  EXPECT_EQ(r.code, 0) << r.error;
  EXPECT_EQ(r.out, "hello\n" + dir.path() + "\nunset\n");
}

// The kernel's own view of the command: no_new_privs always, and a seccomp filter exactly
// when the plan has one (the control: a plan with no rules and no architecture check loads none).
TEST(LaunchStatus, TheCommandRunsWithNoNewPrivsAndItsSeccompFilter) {
  const std::string show = "grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status";
  Plan filtered;
  filtered.seccomp.rules.push_back({"unshare", SeccompRule::Action::Errno, EPERM, {}, "test"});
  auto r = run(shell(show, filtered));
  EXPECT_EQ(r.code, 0) << r.error;
  EXPECT_EQ(r.out, "NoNewPrivs:\t1\nSeccomp:\t2\n");
  Plan unfiltered;
  unfiltered.seccomp.kill_foreign_arch = false;
  r = run(shell(show, unfiltered));
  EXPECT_EQ(r.code, 0) << r.error;
  EXPECT_EQ(r.out, "NoNewPrivs:\t1\nSeccomp:\t0\n");
}

TEST(LaunchStatus, MissingCommandIs127) {
  const auto r = run(request({"sandlock-no-such-command"}));
  EXPECT_EQ(r.code, kExitNotFound);
  EXPECT_EQ(r.error, "sandlock-no-such-command: No such file or directory");
}

TEST(LaunchStatus, NonExecutableFileIs126) {
  TempDir dir;
  dir.write("script", "#!/bin/sh\nexit 0\n");  // mode 0644
  EXPECT_EQ(run(request({dir.file("script")})).code, kExitNotExecutable);
}

class StepFailure : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!landlock_abi_at_least(1)) GTEST_SKIP() << "no Landlock on this kernel";
  }
  // The command would create the marker: its absence proves it never ran.
  LaunchResult run_marker(Plan plan) {
    plan.landlock.path_rules.push_back({dir.path(), fs_write_access(), true});
    return run(shell("touch " + dir.file("marker"), std::move(plan)));
  }
  // Refused with exit 125 and exactly `error`, and the command never ran.
  void expect_refused(const LaunchResult& r, const std::string& error) {
    EXPECT_EQ(r.code, kExitSandlockError);
    EXPECT_EQ(r.error, error);
    EXPECT_FALSE(exists(dir.file("marker")));
  }
  TempDir dir;
};

TEST_F(StepFailure, PositiveControlRunsTheCommand) {
  const auto r = run_marker(system_plan());
  EXPECT_EQ(r.code, 0) << r.error;
  EXPECT_TRUE(exists(dir.file("marker")));
}

TEST_F(StepFailure, RuleOnAMissingPathIs125AndTheCommandNeverRuns) {
  Plan plan = system_plan();
  grant(plan, "/sandlock-does-not-exist", fs_read_access());
  const auto r = run_marker(plan);
  expect_refused(r, "landlock_add_rule /sandlock-does-not-exist failed: cannot open the path: No such file or "
            "directory; the command was not run");
}

TEST_F(StepFailure, UnknownHandledBitIs125) {
  Plan plan = system_plan();
  plan.landlock.handled_access_fs |= 1ULL << 40;
  const auto r = run_marker(plan);
  EXPECT_EQ(r.code, kExitSandlockError);
  EXPECT_EQ(r.error.rfind("landlock_create_ruleset failed: handled fs 0x1000", 0), 0u) << r.error;
  EXPECT_NE(r.error.find("Invalid argument; the command was not run"), std::string::npos) << r.error;
  EXPECT_FALSE(exists(dir.file("marker")));
}

TEST_F(StepFailure, NetworkRightsInAnAbi3PlanAre125NotSilentlyDropped) {
  Plan plan = system_plan(3);
  plan.landlock.handled_access_net = 2;
  const auto r = run_marker(plan);
  expect_refused(r, "landlock_create_ruleset failed: the plan for Landlock ABI 3 handles network rights, which "
            "that ABI's ruleset attr cannot carry; the command was not run");
}

TEST_F(StepFailure, RightsOnAFileOutsideFileRightsAre125) {
  dir.write("plain", "x");
  Plan plan = system_plan();
  plan.landlock.path_rules.push_back({dir.file("plain"), fs_read_access(), false});  // read_dir on a file
  const auto r = run_marker(plan);
  expect_refused(r, "landlock_add_rule " + dir.file("plain") +
                         " failed: access read_file,read_dir: Invalid argument; the command was not run");
}

// Steps the child itself makes (after the spawn) report by number; the parent names them.
TEST_F(StepFailure, AMissingWorkingDirectoryIs125AndNamed) {
  auto req = shell("touch " + dir.file("marker"));
  req.cwd = dir.file("no-such-dir");
  const auto r = run(req);
  expect_refused(r, "chdir " + dir.file("no-such-dir") +
                         " failed: No such file or directory; the command was not run");
}

// Above fs.nr_open (1048576 by default) even root's setrlimit(RLIMIT_NOFILE) fails (EPERM).
TEST_F(StepFailure, ARefusedRlimitIs125AndNamesTheLimit) {
  auto req = shell("touch " + dir.file("marker"));
  req.limits["open_files"] = 1ULL << 40;
  const auto r = run(req);
  expect_refused(r, "setrlimit RLIMIT_NOFILE failed: Operation not permitted; the command was not run");
}

TEST_F(StepFailure, UnknownLimitIs125BeforeTheSpawn) {
  auto req = shell("touch " + dir.file("marker"));
  req.limits["stack"] = 1;
  const auto r = run(req);
  expect_refused(r, "unknown limit 'stack'; the command was not run");
}

TEST(LaunchStatus, TimeoutKillsTheWholeGroupIncludingGrandchildren) {
  TempDir dir;
  auto req = shell("sleep 30 & echo $! > " + dir.file("grandchild") + "; sleep 30");
  req.timeout_seconds = 0.5;
  const auto start = std::chrono::steady_clock::now();
  const auto r = run(req);
  EXPECT_EQ(r.code, kExitTimeout);
  EXPECT_EQ(r.error, "timed out after 0.5 s; the sandbox was killed");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  const pid_t grandchild = wait_for_pid_file(dir.file("grandchild"));
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(process_gone(grandchild));
}

TEST(LaunchStatus, CommandFinishingBeforeTheTimeoutKeepsItsStatus) {
  auto req = shell("exit 3");
  req.timeout_seconds = 10;
  EXPECT_EQ(run(req).code, 3);
}

// Runs `req` through launch() in a forked launcher; returns the launcher's pid.
pid_t fork_launcher(const LaunchRequest& req) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::string error;
    _exit(launch(req, error));
  }
  return pid;
}

TEST(LaunchStatus, KillingTheLauncherKillsTheSandbox) {
  TempDir dir;
  const pid_t launcher = fork_launcher(shell("echo $$ > " + dir.file("pid") + "; exec sleep 30"));
  ASSERT_GT(launcher, 0);
  const pid_t sandboxed = wait_for_pid_file(dir.file("pid"));
  ASSERT_GT(sandboxed, 0);
  EXPECT_FALSE(process_gone(sandboxed));  // control: it runs while the launcher lives
  kill(launcher, SIGKILL);
  waitpid(launcher, nullptr, 0);
  EXPECT_TRUE(wait_until_gone(sandboxed, 1000));
}

TEST(LaunchStatus, SigtermToTheLauncherIsForwardedToTheCommand) {
  TempDir dir;
  const pid_t launcher = fork_launcher(
      shell("exec 2>/dev/null; trap 'exit 42' TERM; echo $$ > " + dir.file("pid") + "; while :; do sleep 0.05; done"));
  ASSERT_GT(wait_for_pid_file(dir.file("pid")), 0);
  kill(launcher, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(launcher, &status, 0), launcher);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 42);
}

}  // namespace
}  // namespace sandlock
