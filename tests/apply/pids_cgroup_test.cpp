// The pids cgroup behind `limits.processes`: made and removed per run, and what a launcher
// killed with SIGKILL left behind is removed by the next one.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "engine/apply/pids_cgroup.h"

namespace sandlock {
namespace {

pid_t dead_pid() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

TEST(PidsCgroup, ALeftoverOfADeadLauncherIsRemovedAndLiveOrForeignOnesAreKept) {
  std::string why;
  auto first = PidsCgroup::create(8, why);
  if (!first) GTEST_SKIP() << "SKIP: no pids cgroup can be made here: " << why;
  const std::string base = std::filesystem::path(first->dir()).parent_path();
  struct stat ns {};
  ASSERT_EQ(stat("/proc/self/ns/pid", &ns), 0);
  const std::string here = base + "/sandlock-" + std::to_string(ns.st_ino) + "-";
  const pid_t dead = dead_pid();
  const std::string stale = here + std::to_string(dead) + "-1";
  const std::string live = here + std::to_string(getpid()) + "-1";  // this process: alive
  // The same dead PID, but of another PID namespace: it may name a live launcher there.
  const std::string foreign = base + "/sandlock-" + std::to_string(ns.st_ino + 1) + "-" + std::to_string(dead) + "-1";
  for (const auto& d : {stale, live, foreign}) ASSERT_EQ(mkdir(d.c_str(), 0755), 0) << d;

  auto second = PidsCgroup::create(8, why);
  ASSERT_TRUE(second) << why;
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(live));
  EXPECT_TRUE(std::filesystem::exists(foreign));
  EXPECT_TRUE(std::filesystem::exists(first->dir()));  // a live launcher's own cgroup stays
  rmdir(live.c_str());
  rmdir(foreign.c_str());

  const std::string dir = second->dir();
  second.reset();
  EXPECT_FALSE(std::filesystem::exists(dir));  // removed at the end of its run
}

}  // namespace
}  // namespace sandlock
