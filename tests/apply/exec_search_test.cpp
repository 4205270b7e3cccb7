// The PATH search the launcher does before the spawn (execvpe's rules, see exec_search.h),
// and what the child makes of it on the real kernel.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "engine/apply/exec_search.h"
#include "tests/apply/sandbox_helpers.h"

namespace sandlock {
namespace {

using namespace sandlock::testing;
using Paths = std::vector<std::string>;

TEST(ExecCandidates, ANameWithASlashIsTriedAsIs) {
  EXPECT_EQ(exec_candidates("/bin/true", "/usr/bin"), Paths{"/bin/true"});
  EXPECT_EQ(exec_candidates("./run.sh", std::nullopt), Paths{"./run.sh"});
}

TEST(ExecCandidates, EachPathEntryInOrderAndEmptyEntriesAreTheWorkingDirectory) {
  EXPECT_EQ(exec_candidates("ls", "/usr/local/bin:/usr/bin"), (Paths{"/usr/local/bin/ls", "/usr/bin/ls"}));
  EXPECT_EQ(exec_candidates("ls", ":/bin:"), (Paths{"ls", "/bin/ls", "ls"}));
  EXPECT_EQ(exec_candidates("ls", ""), Paths{"ls"});
}

TEST(ExecCandidates, WithoutPathTheDefaultIsBinThenUsrBin) {
  EXPECT_EQ(exec_candidates("ls", std::nullopt), (Paths{"/bin/ls", "/usr/bin/ls"}));
}

// execve decides about a too-long path (ENAMETOOLONG, which ends the search, as in glibc).
TEST(ExecCandidates, ALongDirectoryIsLeftToExecve) {
  const std::string dir = "/" + std::string(4090, 'a');
  EXPECT_EQ(exec_candidates("true", dir + ":/usr/bin"), (Paths{dir + "/true", "/usr/bin/true"}));
}

TEST(ExecCandidates, NothingForAnEmptyOrOverlongName) {
  EXPECT_TRUE(exec_candidates("", "/bin").empty());
  EXPECT_TRUE(exec_candidates(std::string(300, 'x'), "/bin").empty());
}

class ExecOnPath : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(mkdir(dir.file("a").c_str(), 0755), 0);
    ASSERT_EQ(mkdir(dir.file("b").c_str(), 0755), 0);
  }
  void script(const std::string& path, const std::string& text, mode_t mode) {
    dir.write(path, text);
    ASSERT_EQ(chmod(dir.file(path).c_str(), mode), 0);
  }
  LaunchResult run_on_path(const std::string& name) {
    auto req = request({name});
    req.env = {{"PATH", dir.file("a") + ":" + dir.file("b") + ":/usr/bin:/bin"}};
    return run(req);
  }
  TempDir dir;
};

// execvpe goes on past a file it may not execute, and runs the next one found.
TEST_F(ExecOnPath, AnUnexecutableFileEarlierOnPathIsSkipped) {
  script("a/tool", "#!/bin/sh\nexit 3\n", 0644);
  script("b/tool", "#!/bin/sh\nexit 4\n", 0755);
  EXPECT_EQ(run_on_path("tool").code, 4);
}

TEST_F(ExecOnPath, OnlyUnexecutableFilesIs126WithEacces) {
  script("a/tool", "#!/bin/sh\nexit 3\n", 0644);
  const auto r = run_on_path("tool");
  EXPECT_EQ(r.code, kExitNotExecutable);
  EXPECT_EQ(r.error, "tool: Permission denied");
}

TEST_F(ExecOnPath, TheFirstExecutableWins) {
  script("a/tool", "#!/bin/sh\nexit 5\n", 0755);
  script("b/tool", "#!/bin/sh\nexit 4\n", 0755);
  EXPECT_EQ(run_on_path("tool").code, 5);
}

TEST_F(ExecOnPath, ATooLongCandidateEndsTheSearchWith126) {
  auto req = request({"true"});
  req.env = {{"PATH", "/" + std::string(4090, 'a') + ":/usr/bin:/bin"}};
  const auto r = run(req);
  EXPECT_EQ(r.code, kExitNotExecutable);
  EXPECT_EQ(r.error, "true: File name too long");
}

// No "#!": the kernel says ENOEXEC and execvpe hands the file to /bin/sh, arguments and all.
TEST_F(ExecOnPath, AScriptWithoutAnInterpreterLineRunsInTheShell) {
  script("b/plain", "exit $(($1 + 1))\n", 0755);
  auto req = request({dir.file("b/plain"), "6"});
  EXPECT_EQ(run(req).code, 7);
}

}  // namespace
}  // namespace sandlock
