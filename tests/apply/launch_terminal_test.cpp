// The sandbox gets the terminal's foreground (or reading the terminal would stop it with
// SIGTTIN), and the launcher takes it back afterwards.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/apply/sandbox_helpers.h"

namespace sandlock {
namespace {

using namespace sandlock::testing;

TEST(LaunchTerminal, TheSandboxReadsTheTerminalInTheForegroundAndGivesItBack) {
  int master = -1, slave = -1;
  if (openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) GTEST_SKIP() << "no pseudo-terminals here";
  ASSERT_EQ(write(master, "hello\n", 6), 6);  // waits in the terminal's input queue
  TempDir dir;
  const std::string out = dir.file("out");

  const pid_t launcher = fork();
  if (launcher == 0) {
    // A session whose controlling terminal is the pty, like a login shell's.
    setsid();
    ioctl(slave, TIOCSCTTY, 0);
    dup2(slave, STDIN_FILENO);
    const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out_fd, STDOUT_FILENO);
    auto req = python("import os, sys\nprint(os.tcgetpgrp(0) == os.getpgrp())\nprint(sys.stdin.readline().strip())");
    req.timeout_seconds = 5;  // without the handover the read stops on SIGTTIN
    std::string error;
    const int code = launch(req, error);
    const bool taken_back = tcgetpgrp(STDIN_FILENO) == getpgrp();
    _exit(code == 0 && taken_back ? 0 : 100 + code % 100);
  }
  close(slave);
  int status = 0;
  ASSERT_EQ(waitpid(launcher, &status, 0), launcher);
  close(master);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(read_file(out), "True\nhello\n");
}

}  // namespace
}  // namespace sandlock
