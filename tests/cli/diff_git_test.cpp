// `sandlock diff --git REV` through the real binary, in a scratch git repository: which
// profiles are diffed and how paths are matched to the repository.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/process.h"
#include "tests/support/test_paths.h"

namespace sandlock::testing {
namespace {

constexpr const char* kGit = "/usr/bin/git";

// A repository in `root` with `files` committed.
void commit_repo(const std::string& root, const std::vector<std::pair<std::string, std::string>>& files, const TempDir& dir) {
  std::filesystem::create_directories(root);
  ASSERT_EQ(run_process({kGit, "-C", root, "init", "-q"}).exit_code, 0);
  const std::string rel = root.substr(dir.path().size() + 1);
  for (const auto& [name, text] : files) dir.write(rel + "/" + name, text);
  ASSERT_EQ(run_process({kGit, "-C", root, "add", "."}).exit_code, 0);
  const auto c = run_process({kGit, "-C", root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
}

// `sandlock ARGS` run in `cwd`.
ProcessResult sandlock_in(const std::string& cwd, std::vector<std::string> args) {
  args.insert(args.begin(), {"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd, sandlock_binary()});
  return run_process(args);
}

const std::string kApp = "version: 1\nprotections: {signal-scope: strict}\nlimits: {memory: 512M}\n";
const std::string kAppWidened = "version: 1\nprotections: {signal-scope: disabled}\n";

// A base was never diffed on its own: a child that sets the scalars the base changed hid the
// change (signal-scope disabled, memory unlimited in every other profile extending it), and
// the report read "app-debug.yaml: no change in meaning".
TEST(DiffGit, BasesAreDiffedOnTheirOwn) {
  if (access(kGit, X_OK) != 0) GTEST_SKIP() << "SKIP: " << kGit << " is not installed";
  TempDir dir;
  const std::string repo = dir.file("repo");
  commit_repo(repo,
              {{"app.yaml", kApp},
               {"app-debug.yaml",
                "version: 1\nextends: [./app.yaml]\nprotections: {signal-scope: strict}\nlimits: {memory: 1G}\n"}},
              dir);
  // Control: nothing changed, nothing widens.
  const auto same = sandlock_in(repo, {"diff", "--git", "HEAD", "--fail-on", "widen"});
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("0 widening, 0 narrowing change(s)"), std::string::npos) << same.out;

  dir.write("repo/app.yaml", kAppWidened);
  const auto r = sandlock_in(repo, {"diff", "--git", "HEAD", "--fail-on", "widen"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("--- HEAD:app.yaml\n+++ app.yaml\n  widening protection signal-scope: strict -> disabled"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("widening limit memory: 536870912 -> unlimited"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--- HEAD:app-debug.yaml\n+++ app-debug.yaml\n  no change in meaning"), std::string::npos) << r.out;

  // A base new since REV is not diffed on its own: rules moved into it are no change.
  dir.write("repo/app.yaml", kApp);
  dir.write("repo/app-debug.yaml", "version: 1\nextends: [./app.yaml, ./more.yaml]\nlimits: {memory: 1G}\n");
  dir.write("repo/more.yaml", "version: 1\nprotections: {signal-scope: strict}\n");
  const auto moved = sandlock_in(repo, {"diff", "--git", "HEAD", "--fail-on", "widen"});
  EXPECT_EQ(moved.exit_code, 0) << moved.out << moved.err;
  EXPECT_EQ(moved.out.find("more.yaml"), std::string::npos) << moved.out;
  EXPECT_NE(moved.out.find("0 widening, 0 narrowing change(s) in 0 of 2 profile(s)"), std::string::npos) << moved.out;
}

// The file's path was cut at the length of git's repository root, so a path through a symbolic
// link gave a wrong name (the old side then came from the working tree: "no change") or, when
// shorter than the root, threw std::out_of_range (abort, exit 134). Paths are now compared
// with links resolved.
TEST(DiffGit, PathsThroughSymbolicLinksAreTheRepositorysFiles) {
  if (access(kGit, X_OK) != 0) GTEST_SKIP() << "SKIP: " << kGit << " is not installed";
  TempDir dir;
  const std::string repo = dir.file("a/long/way/down/to/the/repository");
  commit_repo(repo, {{"app.yaml", kApp}, {"sub/other.yaml", kApp}}, dir);
  dir.write("a/long/way/down/to/the/repository/app.yaml", kAppWidened);
  std::filesystem::create_directory_symlink(repo, dir.file("r"));
  std::filesystem::create_directory_symlink(repo, dir.file("a-link-to-the-repository-long-enough"));
  std::filesystem::create_directory_symlink("sub", repo + "/subl");  // untracked, inside the repository
  for (const std::string& path : {dir.file("r/app.yaml"), dir.file("a-link-to-the-repository-long-enough/app.yaml")}) {
    const auto r = sandlock_in(repo, {"diff", "--git", "HEAD", path, "--fail-on", "widen"});
    EXPECT_EQ(r.exit_code, 1) << path << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("--- HEAD:app.yaml\n+++ app.yaml\n  widening protection signal-scope"), std::string::npos)
        << path << "\n" << r.out << r.err;
  }
  // A link inside the repository: the file it reaches, which has not changed.
  const auto linked = sandlock_in(repo, {"diff", "--git", "HEAD", "subl/other.yaml", "--fail-on", "widen"});
  EXPECT_EQ(linked.exit_code, 0) << linked.out << linked.err;
  EXPECT_NE(linked.out.find("--- HEAD:sub/other.yaml\n+++ sub/other.yaml\n  no change in meaning"), std::string::npos)
      << linked.out;
}

// A profile reached through a link that leaves the repository is not the repository's: a usage
// error naming it, never a diff against a made-up name.
TEST(DiffGit, AProfileOutsideTheRepositoryIsAUsageError) {
  if (access(kGit, X_OK) != 0) GTEST_SKIP() << "SKIP: " << kGit << " is not installed";
  TempDir dir;
  const std::string repo = dir.file("repo");
  commit_repo(repo, {{"app.yaml", kApp}}, dir);
  dir.write("elsewhere/x.yaml", kAppWidened);
  std::filesystem::create_directory_symlink(dir.file("elsewhere"), repo + "/ext");
  const auto r = sandlock_in(repo, {"diff", "--git", "HEAD", "ext"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("ext/x.yaml (" + dir.file("elsewhere/x.yaml") + ") is not inside the repository at " + repo),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace sandlock::testing
