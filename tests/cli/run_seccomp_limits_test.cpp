// `sandlock run`: the default seccomp deny set, limits that bind, and the lifecycle
// (exit codes, signals, timeouts). Each denial has an allowed control.
#include <signal.h>

#include <chrono>

#include "tests/cli/run_fixture.h"

namespace sandlock::testing {
namespace {

using RunSeccomp = RunTest;

TEST_F(RunSeccomp, DefaultDenySetAnswersEperm) {
  const auto p = profile("", "p.yaml");
  for (const char* op : {"unshare-user", "unshare-net", "setns", "clone-newuser", "mount", "ptrace", "bpf", "keyctl",
                         "personality", "io_uring_setup", "tiocsti", "raw-socket"})
    EXPECT_EQ(probe(p, {op}), "errno 1") << op << "\n" << last().err;
  // clone3 answers ENOSYS so that libc falls back to clone, where flags can be checked.
  EXPECT_EQ(probe(p, {"clone3"}), "errno 38") << last().err;
}

TEST_F(RunSeccomp, ReallowedGroupsWorkAgain) {
  const auto p = profile("syscalls: {allow: [\"@namespaces\", \"@keyring\"]}\n", "p.yaml");
  EXPECT_EQ(probe(p, {"unshare-user"}), "ok") << last().err;
  EXPECT_EQ(probe(p, {"keyctl"}), "ok") << last().err;
}

TEST_F(RunSeccomp, OrdinaryProgramsRun) {
  const auto shell = dir_.write("shell.yaml", "version: 1\nextends: [base/shell]\nprotections: {}\n");
  auto r = run(shell, {"/bin/sh", "-c", "echo hi | tr a-z A-Z; ls /usr/bin >/dev/null && git --version >/dev/null && echo done"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "HI\ndone\n");
  const auto py = profile("", "py.yaml");
  r = run(py, {kPython, "-c", "import json, hashlib, subprocess; print(json.dumps({'a': hashlib.sha256(b'x').hexdigest()[:8]}))"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"a\": \"2d711642\"}\n");
}

using RunLimits = RunTest;

TEST_F(RunLimits, MemoryLimitBinds) {
#ifdef __SANITIZE_ADDRESS__
  // ASan reserves terabytes of shadow address space, so an instrumented sandlock cannot
  // allocate once RLIMIT_AS is set in its child; the release build runs this test.
  GTEST_SKIP() << "SKIP: RLIMIT_AS cannot be exercised through an ASan-instrumented launcher";
#endif
  const auto p = profile("limits: {memory: 300M}\n");
  EXPECT_EQ(probe(p, {"alloc", "600"}), "errno 12") << last().err;
  EXPECT_EQ(probe(p, {"alloc", "20"}), "ok") << last().err;
}

TEST_F(RunLimits, OpenFilesLimitBinds) {
  const auto p = profile("limits: {open_files: 64}\n");
  EXPECT_EQ(probe(p, {"open-files", "100"}), "errno 24");
  EXPECT_EQ(probe(p, {"open-files", "20"}), "ok") << last().err;
}

TEST_F(RunLimits, FileSizeLimitBinds) {
  const auto p = profile("filesystem: {write: [" + dir_.path() + "]}\nlimits: {file_size: 1M}\n");
  EXPECT_EQ(probe(p, {"file-size", dir_.path() + "/big", "2048"}), "errno 27") << last().err;
  EXPECT_EQ(probe(p, {"file-size", dir_.path() + "/small", "100"}), "ok") << last().err;
}

TEST_F(RunLimits, CpuTimeKillsBusyLoop) {
  const auto p = profile("limits: {cpu_time: 1}\n");
  const auto start = std::chrono::steady_clock::now();
  probe(p, {"busy"});
  const int code = last().exit_code;
  EXPECT_TRUE(code == 128 + SIGXCPU || code == 128 + SIGKILL) << code << " " << last().err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  const auto loose = profile("limits: {cpu_time: 60}\n", "loose.yaml");
  EXPECT_EQ(probe(loose, {"alloc", "1"}), "ok");
}

TEST_F(RunLimits, ProcessLimitBindsEvenForRoot) {
  const auto p = profile("limits: {processes: 6}\n");
  EXPECT_EQ(probe(p, {"fork-many", "20"}), "errno 11") << last().err;
  EXPECT_EQ(probe(p, {"fork-many", "2"}), "ok") << last().err;
}

using RunLifecycle = RunTest;

TEST_F(RunLifecycle, ExitCodesAndSignalsPropagate) {
  const auto p = dir_.write("shell.yaml", "version: 1\nextends: [base/shell]\n");
  EXPECT_EQ(run(p, {"/bin/sh", "-c", "exit 7"}).exit_code, 7);
  EXPECT_EQ(run(p, {"/bin/sh", "-c", "kill -TERM $$"}).exit_code, 128 + SIGTERM);
  EXPECT_EQ(run(p, {"/nonexistent/cmd"}).exit_code, 127);
  EXPECT_EQ(run(p, {"no-such-command-anywhere"}).exit_code, 127);
  const auto script = dir_.write("not-exec.sh", "#!/bin/sh\necho hi\n");
  const auto p2 = dir_.write("shell2.yaml", "version: 1\nextends: [base/shell]\nfilesystem: {read: [" + dir_.path() + "]}\n");
  EXPECT_EQ(run(p2, {script}).exit_code, 126);
}

TEST_F(RunLifecycle, TimeoutKillsTheWholeTree) {
  const auto p = dir_.write("shell.yaml", "version: 1\nextends: [base/shell]\nfilesystem: {write: [" + dir_.path() + "]}\n");
  const std::string pidfile = dir_.path() + "/grandchild.pid";
  const auto start = std::chrono::steady_clock::now();
  auto r = run(p, {"/bin/sh", "-c", "sleep 30 & echo $! > " + pidfile + "; wait"}, {"--timeout", "1"});
  EXPECT_EQ(r.exit_code, 124) << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  const int grandchild = std::stoi(read_file(pidfile));
  EXPECT_NE(kill(grandchild, 0), 0) << "grandchild " << grandchild << " survived the timeout";
}

TEST_F(RunLifecycle, NoCommandIsAnError) {
  const auto p = dir_.write("noprog.yaml", "version: 1\nextends: [base/minimal]\n");
  auto r = run_sandlock({"run", "--profile", p});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("no command"), std::string::npos) << r.err;
}

TEST_F(RunLifecycle, InvalidProfileIs125AndNeverRuns) {
  const auto p = dir_.write("bad.yaml", "version: 1\nfilesystem: {raed: [/tmp]}\n");
  const std::string marker = dir_.path() + "/ran";
  auto r = run(p, {"/usr/bin/touch", marker});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("bad.yaml:2:"), std::string::npos) << r.err;
  EXPECT_NE(access(marker.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace sandlock::testing
