// `sandlock run` through the plan cache: a second run of a command line is launched by the
// small launcher from the cached plan, and must enforce exactly what the engine does; a
// change to anything the plan was built from must send the run back to the engine.
// SANDLOCK_PLAN_CACHE=require makes a miss an error (125), so each "hit" below is proven
// to have come from the cache, and each "miss" to have been refused by it.
#include <sys/stat.h>
#include <fcntl.h>

#include <filesystem>

#include "tests/cli/run_fixture.h"

namespace sandlock::testing {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kRequire{"SANDLOCK_PLAN_CACHE=require"};

// stderr without the lines an ASan build adds about the vfork-style spawn (they name a pid).
std::string without_sanitizer_lines(const std::string& err) {
  std::string out;
  std::size_t i = 0;
  while (i < err.size()) {
    const std::size_t end = std::min(err.find('\n', i), err.size());
    const std::string line = err.substr(i, end - i);
    const bool noise = line.starts_with("==") || line == "False positive error reports may follow" ||
                       line.starts_with("For details see https://github.com/google/sanitizers");
    if (!noise) out += line + "\n";
    i = end + 1;
  }
  return out;
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class RunCached : public TwoDirsTest {
 protected:
  // A profile for shell commands (the fixture's profile() is for the python probe).
  std::string shell_profile(const std::string& body, const std::string& name = "sh.yaml") {
    return dir_.write(name, "version: 1\nextends: [base/shell]\n" + body);
  }
  std::size_t entries() const {
    if (!fs::exists(cache_dir())) return 0;
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(cache_dir())) n += e.path().extension() == ".plan";
    return n;
  }
  void expect_refused_by_cache(const std::string& what) {
    EXPECT_EQ(last().exit_code, 125) << what << "\n" << last().err;
    EXPECT_NE(last().err.find("no usable cached plan"), std::string::npos) << what << "\n" << last().err;
    EXPECT_EQ(last().out, "") << what;  // the command never ran
  }
};

TEST_F(RunCached, ACachedPlanEnforcesWhatTheEngineEnforces) {
  const auto p = profile("filesystem: {read: [" + a_ + "]}\n");
  EXPECT_EQ(entries(), 0U);
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}, {}, kRequire), "") << "nothing cached yet";
  expect_refused_by_cache("before the first run");
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}), "ok") << last().err;  // the engine compiles and caches
  EXPECT_EQ(entries(), 1U);
  // From the cache: the same grant, the same denials, the same errnos.
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}, {}, kRequire), "ok") << last().err;
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}, {}, kRequire), "errno 13") << last().err;
  EXPECT_EQ(probe(p, {"write", a_ + "/f"}, {}, kRequire), "errno 13") << last().err;
  EXPECT_EQ(probe(p, {"unshare-user"}, {}, kRequire), "errno 1") << last().err;
  EXPECT_EQ(probe(p, {"raw-socket"}, {}, kRequire), "errno 1") << last().err;
  EXPECT_EQ(entries(), 1U);
}

TEST_F(RunCached, LimitsEnvironmentAndWorkingDirectoryComeAlong) {
  const auto p = dir_.write("sh.yaml", "version: 1\nextends: [base/shell]\nfilesystem: {write: [" + dir_.path() +
                                           "]}\nlimits: {open_files: 64}\n"
                                           "program: {cwd: " + a_ + ", clean_env: true, env: {FROM_PROFILE: yes}}\n");
  const std::vector<std::string> script{"/bin/sh", "-c", "pwd; echo $FROM_PROFILE $FROM_FLAG ${HOME:-nohome}; ulimit -n"};
  const auto first = run(p, script, {"--env", "FROM_FLAG=flag"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, a_ + "\nyes flag nohome\n64\n");
  const auto cached = run(p, script, {"--env", "FROM_FLAG=flag"}, kRequire);
  EXPECT_EQ(cached.exit_code, 0) << cached.err;
  EXPECT_EQ(cached.out, first.out);
  // processes binds from the cache too (a pids cgroup, also for root).
  const auto py = profile("limits: {processes: 6}\n");
  EXPECT_EQ(probe(py, {"fork-many", "2"}), "ok") << last().err;
  EXPECT_EQ(probe(py, {"fork-many", "20"}, {}, kRequire), "errno 11") << last().err;
  EXPECT_EQ(probe(py, {"fork-many", "2"}, {}, kRequire), "ok") << last().err;
}

TEST_F(RunCached, ExitStatusesAreTheEnginesToo) {
  const auto p = shell_profile("");
  for (const auto& env : {std::vector<std::string>{}, kRequire}) {
    EXPECT_EQ(run(p, {"/bin/sh", "-c", "exit 3"}, {}, env).exit_code, 3) << last().err;
    EXPECT_EQ(run(p, {"/bin/sh", "-c", "kill -TERM $$"}, {}, env).exit_code, 128 + SIGTERM);
    const auto missing = run(p, {"/no/such/command"}, {}, env);
    EXPECT_EQ(missing.exit_code, 127) << missing.err;
    EXPECT_NE(missing.err.find("/no/such/command: No such file or directory"), std::string::npos) << missing.err;
  }
  const auto slow = run(p, {"/bin/sleep", "5"}, {"--timeout", "0.3"});
  EXPECT_EQ(slow.exit_code, 124) << slow.err;
  const auto cached = run(p, {"/bin/sleep", "5"}, {"--timeout", "0.3"}, kRequire);
  EXPECT_EQ(cached.exit_code, 124) << cached.err;
  EXPECT_NE(cached.err.find("timed out after 0.3 s"), std::string::npos) << cached.err;
}

TEST_F(RunCached, DegradationNotesArePrintedOnEveryRun) {
  const auto p = shell_profile("protections: {fs-truncate: degradable, fs-ioctl-dev: degradable, net-tcp: degradable, "
                         "signal-scope: degradable, abstract-unix-socket-scope: degradable}\n");
  const auto first = run(p, {"/bin/true"}, {"--abi", "2"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_NE(first.err.find("fs-truncate"), std::string::npos) << first.err;
  const auto cached = run(p, {"/bin/true"}, {"--abi", "2"}, kRequire);
  EXPECT_EQ(cached.exit_code, 0) << cached.err;
  EXPECT_EQ(without_sanitizer_lines(cached.err), without_sanitizer_lines(first.err));
}

TEST_F(RunCached, EditingTheProfileOrABaseSendsTheRunBackToTheEngine) {
  const std::string bases = dir_.path() + "/bases";
  dir_.write("bases/mine.yaml", "version: 1\nextends: [python3]\nfilesystem: {read: [" + a_ + "]}\n");
  const auto p = dir_.write("p.yaml", "version: 1\nextends: [mine]\n");
  const std::vector<std::string> flags{"--policy-path", bases};
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}, flags), "errno 13") << last().err;
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}, flags, kRequire), "errno 13") << last().err;

  dir_.write("p.yaml", "version: 1\nextends: [mine]\nfilesystem: {read: [" + b_ + "]}\n");
  probe(p, {"read", b_ + "/f"}, flags, kRequire);
  expect_refused_by_cache("after editing the profile");
  EXPECT_NE(last().err.find("file " + p + " changed"), std::string::npos) << last().err;
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}, flags), "ok") << last().err;
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}, flags, kRequire), "ok") << last().err;

  dir_.write("bases/mine.yaml", "version: 1\nextends: [python3]\n");  // the base drops a/
  probe(p, {"read", a_ + "/f"}, flags, kRequire);
  expect_refused_by_cache("after editing the base");
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}, flags), "errno 13") << last().err;
  // A base that appears earlier on the search path is a change too: the miss was recorded.
  const std::vector<std::string> both{"--policy-path", dir_.path() + "/first", "--policy-path", bases};
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}, both), "errno 13") << last().err;
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}, both, kRequire), "errno 13") << last().err;
  dir_.write("first/mine.yaml", "version: 1\nextends: [python3]\nfilesystem: {read: [" + a_ + "]}\n");
  probe(p, {"read", a_ + "/f"}, both, kRequire);
  expect_refused_by_cache("after a base appeared earlier on the search path");
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}, both), "ok") << last().err;
}

TEST_F(RunCached, EnvironmentVariablesTheProfileExpandsAreChecked) {
  const auto p = profile("filesystem: {read: [\"${env:GRANT}\"]}\n");
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}, {}, {"GRANT=" + a_}), "ok") << last().err;
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}, {}, {"GRANT=" + a_, kRequire[0]}), "ok") << last().err;
  probe(p, {"read", b_ + "/f"}, {}, {"GRANT=" + b_, kRequire[0]});
  expect_refused_by_cache("with another value of GRANT");
  EXPECT_NE(last().err.find("environment variable GRANT changed"), std::string::npos) << last().err;
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}, {}, {"GRANT=" + b_}), "ok") << last().err;
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}, {}, {"GRANT=" + b_, kRequire[0]}), "errno 13") << last().err;
  // A variable the profile does not use may change freely.
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}, {}, {"GRANT=" + b_, "UNRELATED=1", kRequire[0]}), "ok") << last().err;
}

TEST_F(RunCached, ANewFileBesideADeniedOneIsAChange) {
  // Deny carve-outs are lowered by listing the directory: a new sibling must be granted.
  dir_.write("a/secret", "s");
  const auto p = profile("filesystem:\n  read: [" + a_ + "]\n  deny: [" + a_ + "/secret]\n");
  EXPECT_EQ(probe(p, {"read", a_ + "/secret"}), "errno 13") << last().err;
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}, {}, kRequire), "ok") << last().err;
  dir_.write("a/new", "n");
  probe(p, {"read", a_ + "/new"}, {}, kRequire);
  expect_refused_by_cache("after a new file appeared");
  EXPECT_EQ(probe(p, {"read", a_ + "/new"}), "ok") << last().err;
  EXPECT_EQ(probe(p, {"read", a_ + "/secret"}, {}, kRequire), "errno 13") << last().err;
}

TEST_F(RunCached, ANewerEngineInvalidatesEveryEntry) {
  const std::string bin = dir_.path() + "/bin";
  fs::create_directories(bin);
  const std::string built = fs::path(sandlock_binary()).parent_path();
  fs::copy_file(built + "/sandlock", bin + "/sandlock");
  fs::copy_file(built + "/sandlock-engine", bin + "/sandlock-engine");
  fs::permissions(bin + "/sandlock", fs::perms::owner_all);
  fs::permissions(bin + "/sandlock-engine", fs::perms::owner_all);
  const auto p = shell_profile("");
  const std::vector<std::string> args{"run", "--profile", p, "--", "/bin/true"};
  const std::vector<std::string> env{"SANDLOCK_CACHE_DIR=" + cache_dir()};
  ASSERT_EQ(run_process(concat({bin + "/sandlock"}, args), env).exit_code, 0);
  auto with_require = env;
  with_require.push_back(kRequire[0]);
  EXPECT_EQ(run_process(concat({bin + "/sandlock"}, args), with_require).exit_code, 0);
  const timespec later[2] = {{0, UTIME_OMIT}, {2000000000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, (bin + "/sandlock-engine").c_str(), later, 0), 0);
  const auto r = run_process(concat({bin + "/sandlock"}, args), with_require);
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("the engine changed"), std::string::npos) << r.err;
}

TEST_F(RunCached, DamagedOrUnsafeEntriesAreNeverUsed) {
  const auto p = profile("filesystem: {read: [" + a_ + "]}\n");
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}), "errno 13");
  ASSERT_EQ(entries(), 1U);
  const auto entry = fs::directory_iterator(cache_dir())->path();
  fs::resize_file(entry, fs::file_size(entry) - 1);
  probe(p, {"read", b_ + "/f"}, {}, kRequire);
  expect_refused_by_cache("a truncated entry");
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}), "errno 13");  // the engine runs it, and rewrites the entry
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}, {}, kRequire), "errno 13") << last().err;

  ASSERT_EQ(chmod(cache_dir().c_str(), 0777), 0);
  probe(p, {"read", a_ + "/f"}, {}, kRequire);
  expect_refused_by_cache("a world-writable cache directory");
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}), "errno 13");  // still enforced, by the engine
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}), "ok") << last().err;
}

TEST_F(RunCached, NothingIsCachedWhenOffOrForTheSupervisor) {
  const auto p = shell_profile("");
  EXPECT_EQ(run(p, {"/bin/true"}, {}, {"SANDLOCK_PLAN_CACHE=off"}).exit_code, 0);
  EXPECT_EQ(entries(), 0U);
  // Host names are resolved at each start, so a profile with destination rules never caches.
  const auto net = shell_profile("network: {allow: [\"localhost:9\"]}\n", "net.yaml");
  EXPECT_EQ(run(net, {"/bin/true"}).exit_code, 0) << last().err;
  EXPECT_EQ(entries(), 0U);
  EXPECT_EQ(run(p, {"/bin/true"}).exit_code, 0);
  EXPECT_EQ(entries(), 1U);  // the control: the same run with the cache on is cached
}

TEST_F(RunCached, TheHostEnvironmentIsReadAtEachRun) {
  const auto p = shell_profile("program: {clean_env: false}\n");
  const std::vector<std::string> echo{"/bin/sh", "-c", "echo $FOO"};
  EXPECT_EQ(run(p, echo, {}, {"FOO=first"}).out, "first\n") << last().err;
  const auto cached = run(p, echo, {}, {"FOO=second", kRequire[0]});
  EXPECT_EQ(cached.exit_code, 0) << cached.err;
  EXPECT_EQ(cached.out, "second\n");
}

// A working directory that cannot be read (removed here; a path over 4096 bytes is the
// other case) once stood for "/": ${PWD} in `write` granted the whole filesystem, fresh and
// cached. Now ${PWD} is an error there (125, the command never runs) and nothing is cached.
// Control: from a directory that exists, the same profile writes there and only there.
TEST_F(RunCached, AWorkingDirectoryThatCannotBeReadIsNeverTakenForRoot) {
  const auto p = shell_profile("filesystem: {write: [\"${PWD}\"]}\n");
  const std::string gone = dir_.path() + "/gone";
  const std::string cmd = "touch " + b_ + "/written && echo wrote";
  const std::string sandlock = sandlock_binary();
  const auto from = [&](const std::string& where, const std::vector<std::string>& env) {
    return run_process({"/bin/sh", "-c", "mkdir -p " + where + " && cd " + where + " && " +
                                             (where == gone ? "rmdir " + gone + " && " : "") + "exec " + sandlock +
                                             " run --profile " + p + " -- /bin/sh -c '" + cmd + "'"},
                       concat({"SANDLOCK_CACHE_DIR=" + cache_dir()}, env));
  };
  for (int i = 0; i < 2; ++i) {  // the second would be the cached run
    const auto r = from(gone, {});
    EXPECT_EQ(r.exit_code, 125) << r.err;
    EXPECT_NE(r.err.find("variable 'PWD' is not set"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the working directory cannot be read"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  EXPECT_FALSE(fs::exists(b_ + "/written"));
  EXPECT_EQ(entries(), 0u);
  const auto control = from(b_, {});
  EXPECT_EQ(control.exit_code, 0) << control.err;
  EXPECT_TRUE(fs::exists(b_ + "/written"));
  EXPECT_EQ(run_process({"/bin/sh", "-c", "cd " + a_ + " && exec " + sandlock + " run --profile " + p +
                                              " -- /bin/sh -c 'touch " + b_ + "/other'"},
                        {"SANDLOCK_CACHE_DIR=" + cache_dir()})
                .exit_code,
            1);  // from a/, b/ is not ${PWD}: touch is refused
}

TEST_F(RunCached, ACommandWithoutDoubleDashIsNotCached) {
  // The launcher takes the command from after `--`; without one it cannot tell where the
  // command starts, so such a run always goes to the engine.
  const auto p = shell_profile("");
  auto r = run_sandlock({"run", "--profile", p, "/bin/true"}, {"SANDLOCK_CACHE_DIR=" + cache_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(entries(), 0U);
  r = run_sandlock({"run", "--profile", p, "--", "/bin/true"}, {"SANDLOCK_CACHE_DIR=" + cache_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(entries(), 1U);  // the control
}

TEST_F(RunCached, ASandboxThatMayWriteTheUsualCachesCannotWriteThePlanCache) {
  // The default place is $HOME/.sandlock/plan-cache, outside ~/.cache, which profiles often
  // make writable: a sandbox that could write an entry could weaken every later run.
  const std::string home = dir_.path() + "/home";
  dir_.write("home/.cache/keep", "");
  const auto p = profile("filesystem: {write: [" + home + "/.cache]}\n");
  const std::vector<std::string> env{"HOME=" + home, "SANDLOCK_CACHE_DIR="};
  EXPECT_EQ(probe(p, {"create", home + "/.cache/mine"}, {}, env), "ok") << last().err;  // the control
  const std::string cache = home + "/.sandlock/plan-cache";
  ASSERT_TRUE(fs::is_directory(cache));
  ASSERT_FALSE(fs::is_empty(cache));
  EXPECT_EQ(probe(p, {"create", cache + "/forged.plan"}, {}, env), "errno 13") << last().err;
  EXPECT_EQ(probe(p, {"mkdir", home + "/.sandlock2"}, {}, env), "errno 13") << last().err;
  EXPECT_FALSE(fs::exists(cache + "/forged.plan"));
}

// A profile that may write the home directory (or wherever SANDLOCK_CACHE_DIR points) once let
// its sandbox plant an entry that a later run of another profile launched unconfined. The
// cache is now kept out of every sandbox, as a deny would keep it, with a warning; the rest
// of the grant stands. Control: the files beside it stay writable, and the cache exists.
TEST_F(RunCached, AGrantThatReachesThePlanCacheStopsShortOfIt) {
  const std::string home = dir_.path() + "/home";
  dir_.write("home/docs/f", "");
  cache_.write("beside/f", "");
  const std::string default_cache = home + "/.sandlock/plan-cache";
  struct Case {
    std::string grant, control, cache;
    std::vector<std::string> env;
  };
  for (const Case& c : {Case{home, home + "/docs/f", default_cache, {"HOME=" + home, "SANDLOCK_CACHE_DIR="}},
                        Case{cache_.path(), cache_.file("beside/f"), cache_dir(), {"HOME=" + home}}}) {
    const auto p = profile("filesystem: {write: [" + c.grant + "]}\n");
    EXPECT_EQ(probe(p, {"write", c.control}, {}, c.env), "ok") << last().err;  // the control
    EXPECT_NE(last().err.find("[run.own-state-denied]"), std::string::npos) << last().err;
    ASSERT_TRUE(fs::is_directory(c.cache)) << c.cache;
    EXPECT_EQ(probe(p, {"create", c.cache + "/forged.plan"}, {}, c.env), "errno 13") << last().err;
    EXPECT_FALSE(fs::exists(c.cache + "/forged.plan"));
  }
  // Through a link to the cache's directory, the grant reaches it all the same.
  fs::create_directory_symlink(cache_.path(), dir_.path() + "/cache-link");
  const std::vector<std::string> linked{"HOME=" + home, "SANDLOCK_CACHE_DIR=" + dir_.path() + "/cache-link/plan-cache"};
  const auto p = profile("filesystem: {write: [" + cache_.path() + "]}\n", "l.yaml");
  EXPECT_EQ(probe(p, {"write", cache_.file("beside/f")}, {}, linked), "ok") << last().err;
  EXPECT_EQ(probe(p, {"create", cache_dir() + "/forged.plan"}, {}, linked), "errno 13") << last().err;
  // Found by a review: a grant of a link that leads above the cache (a link to its parent)
  // was not seen, and the sandbox planted an entry through it. The run stops now (125).
  fs::create_directory_symlink(cache_.path(), dir_.path() + "/parent-link");
  const auto through = profile("filesystem: {write: [" + dir_.path() + "/parent-link]}\n", "t.yaml");
  EXPECT_EQ(probe(through, {"create", dir_.path() + "/parent-link/plan-cache/forged.plan"}), "") << last().err;
  EXPECT_EQ(last().exit_code, 125);
  EXPECT_NE(last().err.find("[lower.grant-reaches-deny]"), std::string::npos) << last().err;
  EXPECT_FALSE(fs::exists(cache_dir() + "/forged.plan"));
  // A grant that only reads cannot plant an entry: nothing is carved, and the home lists.
  const auto reads = profile("filesystem: {read: [" + home + "]}\n", "r.yaml");
  EXPECT_EQ(probe(reads, {"list", home}, {}, {"HOME=" + home, "SANDLOCK_CACHE_DIR="}), "ok") << last().err;
  EXPECT_EQ(last().err.find("[run.own-state-denied]"), std::string::npos) << last().err;
}

// Found by a review: a bind mount that shows the home directory again (shown -> home) let a
// grant of `shown` reach the plan cache, whose paths and links alone were compared with the
// grants; the sandbox wrote an entry there, fresh and from a plan cached before the mount.
// The mount is a fact now (a cached plan misses), and the run stops at the grant (125).
// Controls: without the mount the grant writes; with it, a grant beside the cache writes.
TEST_F(RunCached, AGrantOfABindMountOfTheHomeDirectoryCannotReachThePlanCache) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root to bind-mount in a mount namespace of its own";
  const std::string home = dir_.path() + "/home", shown = dir_.path() + "/shown";
  dir_.write("home/docs/f", "");
  fs::create_directory(shown);
  const std::string forged = shown + "/.sandlock/plan-cache/forged.plan";
  const std::string bind = "mount --bind " + home + " " + shown;
  const auto create = [&](const std::string& mounts, const std::string& profile_path, const std::string& file,
                          const std::vector<std::string>& env = {}) {
    last_ = run_process({"/usr/bin/unshare", "-m", "--propagation", "private", "sh", "-c", mounts + " && exec \"$@\"",
                         "sh", sandlock_binary(), "run", "--profile", profile_path, "--", kPython, "-c", probe_code_,
                         "create", file},
                        concat({"HOME=" + home, "SANDLOCK_CACHE_DIR="}, env));
    return last_.out;
  };
  const auto p = profile("filesystem: {write: [" + shown + "]}\n");
  EXPECT_EQ(create("true", p, shown + "/mine"), "ok\n") << last().err;  // cached, without the mount
  if (last().err.starts_with("unshare: ")) GTEST_SKIP() << "SKIP: no mount namespace here: " << last().err;
  ASSERT_TRUE(fs::is_directory(home + "/.sandlock/plan-cache"));
  create(bind, p, forged, kRequire);
  expect_refused_by_cache("the cached plan, under a bind mount of the home directory");
  EXPECT_EQ(create(bind, p, forged), "") << last().err;
  EXPECT_EQ(last().exit_code, 125);
  EXPECT_NE(last().err.find("[lower.grant-reaches-deny]"), std::string::npos) << last().err;
  EXPECT_NE(last().err.find(forged.substr(0, forged.rfind('/')) + " (a bind mount)"), std::string::npos) << last().err;
  EXPECT_FALSE(fs::exists(home + "/.sandlock/plan-cache/forged.plan"));
  const auto beside = profile("filesystem: {write: [" + shown + "/docs]}\n", "beside.yaml");
  EXPECT_EQ(create(bind, beside, shown + "/docs/mine"), "ok\n") << last().err;
  EXPECT_TRUE(fs::exists(home + "/docs/mine"));
}

TEST(Launcher, WithoutItsEngineItSaysSo) {
  TempDir dir;
  fs::copy_file(sandlock_binary(), dir.file("sandlock"));
  fs::permissions(dir.file("sandlock"), fs::perms::owner_all);
  auto r = run_process({dir.file("sandlock"), "validate", "x.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot start the engine " + dir.file("sandlock-engine")), std::string::npos) << r.err;
  r = run_process({dir.file("sandlock"), "run", "--profile", "x.yaml", "--", "/bin/true"},
                  {"SANDLOCK_CACHE_DIR=" + dir.file("cache")});
  EXPECT_EQ(r.exit_code, 125) << r.err;
}

}  // namespace
}  // namespace sandlock::testing
