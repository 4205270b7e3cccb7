// credentials_of() reads what own_credentials() does (the first agent compares the two),
// and take_on() makes a process have them, or fails.
#include "engine/apply/credentials.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sandlock {
namespace {

// Runs `body` in a forked child; its return value is the exit code.
template <typename Body>
int in_child(Body body) {
  const pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Credentials nobody() {
  Credentials c{};
  for (int i = 0; i < 4; ++i) c.uid[i] = c.gid[i] = 65534;
  return c;
}

TEST(Credentials, ProcAndSyscallsAgree) {
  const auto mine = own_credentials();
  const auto read = credentials_of(static_cast<pid_t>(syscall(SYS_gettid)));
  ASSERT_TRUE(mine && read);
  EXPECT_EQ(*mine, *read);
  EXPECT_EQ(mine->uid[1], geteuid());
  EXPECT_EQ(mine->gid[1], getegid());
}

TEST(Credentials, AGoneTaskHasNone) {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  EXPECT_FALSE(credentials_of(pid));
}

TEST(Credentials, TakenOnTheyAreTheProcesssOwn) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (to take on another uid)";
  Credentials target = nobody();
  target.group_count = 2;
  target.groups[0] = 100;
  target.groups[1] = 65534;
  EXPECT_EQ(in_child([&] {
              if (take_on(target) != 0) return 1;
              const auto now = own_credentials();
              if (!now || !(*now == target)) return 2;
              // No way back: root's credentials are now beyond it.
              return take_on(*credentials_of(getppid())) == EPERM ? 0 : 3;
            }),
            0);
}

}  // namespace
}  // namespace sandlock
