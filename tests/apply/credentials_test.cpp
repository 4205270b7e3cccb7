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
              const Credentials root = own_credentials().value();
              if (take_on(target, root) != 0) return 1;
              const auto now = own_credentials();
              if (!now || !(*now == target)) return 2;
              // No way back: root's credentials are now beyond it.
              return take_on(root, *now) == EPERM ? 0 : 3;
            }),
            0);
}

// A process without the capabilities to change them takes on its own credentials (a worker
// of a sandbox started as non-root: setgroups alone would need CAP_SETGID, even unchanged),
// and fails to take on others.
TEST(Credentials, TheSameCredentialsNeedNoPrivilege) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (to make a process of another uid)";
  EXPECT_EQ(in_child([] {
              if (take_on(nobody(), own_credentials().value()) != 0) return 1;
              const Credentials mine = own_credentials().value();
              if (take_on(mine, mine) != 0) return 2;
              Credentials other = mine;
              other.group_count = 1;
              other.groups[0] = 100;
              return take_on(other, mine) == EPERM ? 0 : 3;
            }),
            0);
}

// Capabilities survive the uid change when the caller keeps them, and a filesystem uid other
// than the effective one is set (which needs CAP_SETUID, taken back for it, then dropped).
TEST(Credentials, CapabilitiesAndTheFilesystemUidAreTakenOn) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (to take on another uid)";
  constexpr std::uint64_t kNetBindService = std::uint64_t{1} << 10;
  Credentials with_cap = nobody();
  with_cap.cap_permitted = with_cap.cap_effective = kNetBindService;
  Credentials root_files = nobody();
  root_files.uid[3] = 0;
  for (const Credentials& target : {with_cap, root_files})
    EXPECT_EQ(in_child([&] {
                if (take_on(target, own_credentials().value()) != 0) return 1;
                return own_credentials() == target ? 0 : 2;
              }),
              0);
}

}  // namespace
}  // namespace sandlock
