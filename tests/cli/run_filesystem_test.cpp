// `sandlock run` filesystem enforcement on the real kernel: every denial is paired with
// the same operation allowed, and asserts the exact errno.
#include <sys/stat.h>

#include <filesystem>

#include "tests/cli/run_fixture.h"
#include "tests/support/process.h"
#include "tests/support/test_paths.h"

namespace sandlock::testing {
namespace {

class RunFs : public TwoDirsTest {
 protected:
  // Reads `file` with the probe under `profile_path`, in a mount namespace of its own where the
  // shell commands `mounts` ran first (root only).
  ProcessResult read_after_mounting(const std::string& mounts, const std::string& profile_path, const std::string& file) {
    return run_process({"/usr/bin/unshare", "-m", "--propagation", "private", "sh", "-c", mounts + " && exec \"$@\"",
                        "sh", sandlock_binary(), "run", "--profile", profile_path, "--", kPython, "-c", probe_code_,
                        "read", file},
                       {"SANDLOCK_CACHE_DIR=" + cache_dir()});
  }

  std::string yaml_list(const std::vector<std::string>& paths) {
    std::string s = "[";
    for (std::size_t i = 0; i < paths.size(); ++i) s += (i ? ", " : "") + std::string("\"") + paths[i] + "\"";
    return s + "]";
  }
};

TEST_F(RunFs, ReadInsideGrantWorksOutsideIsEacces) {
  const auto p = profile("filesystem: {read: [" + a_ + "]}\n");
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}), "ok") << last().err;
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}), "errno 13") << last().err;
  EXPECT_EQ(probe(p, {"list", b_}), "errno 13");
}

TEST_F(RunFs, WriteNeedsWriteGrant) {
  const auto ro = profile("filesystem: {read: [" + a_ + "]}\n", "ro.yaml");
  const auto rw = profile("filesystem: {write: [" + a_ + "]}\n", "rw.yaml");
  EXPECT_EQ(probe(ro, {"write", a_ + "/f"}), "errno 13");
  EXPECT_EQ(probe(rw, {"write", a_ + "/f"}), "ok") << last().err;
  EXPECT_EQ(probe(ro, {"create", a_ + "/new"}), "errno 13");
  EXPECT_EQ(probe(rw, {"create", a_ + "/new"}), "ok");
  EXPECT_EQ(probe(ro, {"remove", a_ + "/new"}), "errno 13");
  EXPECT_EQ(probe(rw, {"remove", a_ + "/new"}), "ok");
  EXPECT_EQ(probe(ro, {"mkdir", a_ + "/d"}), "errno 13");
  EXPECT_EQ(probe(rw, {"mkdir", a_ + "/d"}), "ok");
}

// A device node made in a writable directory would open its device with only that
// directory's rights checked: `write` does not include make_char or make_block, and a
// root sandbox (which keeps CAP_MKNOD) gets EACCES. Controls: the rights named in `rules`
// make the node and read it; so does the same operation unsandboxed.
TEST_F(RunFs, WriteMakesNoDeviceNodesUnlessRulesNameThem) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (CAP_MKNOD) to make a device node at all";
  const auto rw = profile("filesystem: {write: [" + a_ + "]}\n", "rw.yaml");
  const auto dev = profile("filesystem:\n  rules:\n    - {path: " + a_ + ", access: [read_file, make_char]}\n", "dev.yaml");
  EXPECT_EQ(probe(rw, {"mknod-null", a_ + "/null"}), "errno 13") << last().err;
  EXPECT_FALSE(std::filesystem::exists(a_ + "/null"));
  EXPECT_EQ(probe(dev, {"mknod-null", a_ + "/null"}), "ok") << last().err;
  const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "mknod-null", b_ + "/null"});
  EXPECT_EQ(unsandboxed.out, "ok\n") << unsandboxed.err;
}

// A grant inside a directory the sandbox may write is opened by its path at every start:
// one run could put a symbolic link there (a/bin -> /) and the next would grant exec on all
// of /. Such a grant must not go through a link: the run stops (125) with the lowering error,
// fresh and cached. Control: with a/bin a directory again, the same profile runs.
TEST_F(RunFs, AGrantInsideAWritableDirectoryNeverGoesThroughALink) {
  std::filesystem::create_directory(a_ + "/bin");
  const auto p = profile("filesystem: {write: [" + a_ + "], exec: [" + a_ + "/bin]}\n");
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}), "ok") << last().err;  // the control (and a cached entry)
  std::filesystem::remove(a_ + "/bin");
  std::filesystem::create_directory_symlink("/", a_ + "/bin");
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(probe(p, {"read", b_ + "/f"}), "") << last().err;
    EXPECT_EQ(last().exit_code, 125);
    EXPECT_NE(last().err.find("[lower.grant-through-link]"), std::string::npos) << last().err;
  }
}

// A deny written through a symbolic link (a/alias -> a/inner) carved out the link's name, and
// a/inner/secret stayed readable under its own: the run stops (125) instead. Control: the deny
// written on the real path keeps the file out, and its sibling readable.
TEST_F(RunFs, ADenyThroughALinkIsRefusedNotCarvedAroundTheLink) {
  dir_.write("a/inner/secret", "s");
  dir_.write("a/inner/other", "o");
  std::filesystem::create_directory_symlink(a_ + "/inner", a_ + "/alias");
  const auto through = profile("filesystem: {read: [" + a_ + "], deny: [" + a_ + "/alias/secret]}\n", "t.yaml");
  EXPECT_EQ(probe(through, {"read", a_ + "/inner/secret"}), "") << last().err;
  EXPECT_EQ(last().exit_code, 125);
  EXPECT_NE(last().err.find("[lower.deny-through-link]"), std::string::npos) << last().err;
  const auto real = profile("filesystem: {read: [" + a_ + "], deny: [" + a_ + "/inner/secret]}\n", "r.yaml");
  EXPECT_EQ(probe(real, {"read", a_ + "/inner/secret"}), "errno 13") << last().err;
  EXPECT_EQ(probe(real, {"read", a_ + "/inner/other"}), "ok") << last().err;
}

// Landlock grants what a path leads to: a grant of a link to a directory that holds a deny
// (a/link -> a/real) granted a/real/secret again, past the carve-out made around it in the
// grant of a/real. The run stops (125) at the grant instead. Control: without the link's grant,
// the same deny keeps the file out and its sibling readable.
TEST_F(RunFs, AGrantOfALinkThatLeadsAboveADenyStopsTheRun) {
  dir_.write("a/real/secret", "s");
  dir_.write("a/real/other", "o");
  std::filesystem::create_directory_symlink(a_ + "/real", a_ + "/link");
  const auto both = profile("filesystem: {read: [" + a_ + "/real, " + a_ + "/link], deny: [" + a_ + "/real/secret]}\n", "t.yaml");
  EXPECT_EQ(probe(both, {"read", a_ + "/real/secret"}), "") << last().err;
  EXPECT_EQ(last().exit_code, 125);
  EXPECT_NE(last().err.find("[lower.grant-reaches-deny]"), std::string::npos) << last().err;
  EXPECT_NE(last().err.find("leads to " + a_ + "/real"), std::string::npos) << last().err;
  const auto real = profile("filesystem: {read: [" + a_ + "/real], deny: [" + a_ + "/real/secret]}\n", "r.yaml");
  EXPECT_EQ(probe(real, {"read", a_ + "/real/secret"}), "errno 13") << last().err;
  EXPECT_EQ(probe(real, {"read", a_ + "/real/other"}), "ok") << last().err;
}

// A deny written through a link where no grant is carved (deny a/link/secret, grant a/real)
// kept nothing out: the file stayed readable. The run stops (125) and names the real path.
TEST_F(RunFs, ADenyThroughALinkOutsideAnyCarveStopsTheRun) {
  dir_.write("a/real/secret", "s");
  std::filesystem::create_directory_symlink(a_ + "/real", a_ + "/link");
  const auto p = profile("filesystem: {read: [" + a_ + "/real], deny: [" + a_ + "/link/secret]}\n");
  EXPECT_EQ(probe(p, {"read", a_ + "/real/secret"}), "") << last().err;
  EXPECT_EQ(last().exit_code, 125);
  EXPECT_NE(last().err.find("deny " + a_ + "/real/secret"), std::string::npos) << last().err;
}

// A bind mount shows a denied directory again under another path (b/m -> a): a grant of b
// reached a/secret through it. The run stops (125); denying the second path as well lets it
// run, with the file kept out under both names. Run in a mount namespace of its own.
TEST_F(RunFs, ABindMountThatShowsADenyUnderAGrantStopsTheRunUntilDeniedThereToo) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root to bind-mount in a mount namespace of its own";
  dir_.write("a/secret", "s");
  std::filesystem::create_directory(b_ + "/m");
  const auto in_namespace = [&](const std::string& profile_path, const std::string& file) {
    return read_after_mounting("mount --bind " + a_ + " " + b_ + "/m", profile_path, file);
  };
  const auto one = profile("filesystem: {read: [" + a_ + ", " + b_ + "], deny: [" + a_ + "/secret]}\n", "one.yaml");
  ProcessResult r = in_namespace(one, b_ + "/m/secret");
  if (r.err.starts_with("unshare: ")) GTEST_SKIP() << "SKIP: no mount namespace here: " << r.err;
  EXPECT_EQ(r.exit_code, 125) << r.out << r.err;
  EXPECT_NE(r.err.find("[lower.grant-reaches-deny]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(b_ + "/m/secret (a bind mount)"), std::string::npos) << r.err;
  const auto both = profile(
      "filesystem: {read: [" + a_ + ", " + b_ + "], deny: [" + a_ + "/secret, " + b_ + "/m/secret]}\n", "both.yaml");
  EXPECT_EQ(in_namespace(both, b_ + "/m/secret").out, "errno 13\n") << r.err;
  EXPECT_EQ(in_namespace(both, a_ + "/secret").out, "errno 13\n");
  EXPECT_EQ(in_namespace(both, b_ + "/f").out, "ok\n");  // the control: the grant of b holds
}

// The mount table escapes a space in a mount point (\040): read as written, the bind mount
// at "b/m n" is still seen as another path to the denied file.
TEST_F(RunFs, ABindMountAtAPathWithASpaceIsSeenAsWell) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root to bind-mount in a mount namespace of its own";
  dir_.write("a/secret", "s");
  std::filesystem::create_directory(b_ + "/m n");
  const auto p = profile("filesystem: {read: [" + a_ + ", " + b_ + "], deny: [" + a_ + "/secret]}\n");
  ProcessResult r = read_after_mounting("mount --bind " + a_ + " '" + b_ + "/m n'", p, b_ + "/f");
  if (r.err.starts_with("unshare: ")) GTEST_SKIP() << "SKIP: no mount namespace here: " << r.err;
  EXPECT_EQ(r.exit_code, 125) << r.out << r.err;
  EXPECT_NE(r.err.find(b_ + "/m n/secret (a bind mount)"), std::string::npos) << r.err;
  r = read_after_mounting("true", p, b_ + "/f");  // the control: without the mount it runs
  EXPECT_EQ(r.out, "ok\n") << r.err;
}

// Found by a review of the check above: a bind mount of something inside a denied directory
// (b/m shows a/secret/sub) put part of it under another grant; and a path whose parent is
// mounted over (a tmpfs on a/b hidden by a bind of s on a) was placed in the hidden mount,
// so the file's other path (s/b/x) was missed. Both stop the run now (125).
TEST_F(RunFs, BindMountsInsideADenyOrOverItsParentStopTheRun) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root to mount in a mount namespace of its own";
  dir_.write("a/secret/sub/key", "k");
  dir_.write("s/b/x", "x");
  std::filesystem::create_directories(a_ + "/b");
  std::filesystem::create_directory(b_ + "/m");
  const std::string s = dir_.path() + "/s";
  const auto inside = profile("filesystem: {read: [" + b_ + "], deny: [" + a_ + "/secret]}\n", "inside.yaml");
  ProcessResult r = read_after_mounting("mount --bind " + a_ + "/secret/sub " + b_ + "/m", inside, b_ + "/m/key");
  if (r.err.starts_with("unshare: ")) GTEST_SKIP() << "SKIP: no mount namespace here: " << r.err;
  EXPECT_EQ(r.exit_code, 125) << r.out << r.err;
  EXPECT_NE(r.err.find("[lower.grant-reaches-deny]"), std::string::npos) << r.err;
  r = read_after_mounting("true", inside, b_ + "/f");  // the control: without the mount it runs
  EXPECT_EQ(r.out, "ok\n") << r.err;

  const auto over = profile("filesystem: {read: [" + s + "], deny: [" + a_ + "/b/x]}\n", "over.yaml");
  r = read_after_mounting("mount -t tmpfs none " + a_ + "/b && mount --bind " + s + " " + a_, over, s + "/b/x");
  EXPECT_EQ(r.exit_code, 125) << r.out << r.err;
  EXPECT_NE(r.err.find("[lower.grant-reaches-deny]"), std::string::npos) << r.err;
}

// A deny of a link that leads nowhere yet (a/link -> a/data/secret) kept out the link's name
// only: a file made at the target later was readable through it. The deny is of where the
// link leads, and the grant of a/data covers that: the run stops (125). Control: the deny
// written as the target's own path is carved and the run goes on.
TEST_F(RunFs, ADenyOfALinkThatLeadsNowhereYetIsADenyOfItsTarget) {
  std::filesystem::create_directories(a_ + "/data");
  dir_.write("a/data/other", "o");
  std::filesystem::create_symlink(a_ + "/data/secret", a_ + "/link");
  const auto p = profile("filesystem: {read: [" + a_ + "/data], deny: [" + a_ + "/link]}\n");
  EXPECT_EQ(probe(p, {"read", a_ + "/data/other"}), "") << last().err;
  EXPECT_EQ(last().exit_code, 125);
  EXPECT_NE(last().err.find("deny " + a_ + "/data/secret, the path the link leads to"), std::string::npos) << last().err;
  const auto real = profile("filesystem: {read: [" + a_ + "/data], deny: [" + a_ + "/data/secret]}\n", "r.yaml");
  EXPECT_EQ(probe(real, {"read", a_ + "/data/other"}), "ok") << last().err;
}

// The same below a writable directory on the way to a deny (the carve goes through it).
TEST_F(RunFs, AGrantInsideAWritableDirectoryOnADenysWayNeverGoesThroughALink) {
  dir_.write("a/b/c/d", "");
  std::filesystem::create_directory_symlink("/etc", a_ + "/b/e");
  const auto p = profile("filesystem: {read: [" + a_ + "], write: [" + a_ + "/b], deny: [" + a_ + "/b/c/d], exec: [" +
                         a_ + "/b/e/ssl]}\n");
  EXPECT_EQ(probe(p, {"list", "/etc/ssl"}), "") << last().err;
  EXPECT_EQ(last().exit_code, 125);
  EXPECT_NE(last().err.find("[lower.grant-through-link]"), std::string::npos) << last().err;
}

TEST_F(RunFs, ExecuteNeedsExecGrant) {
  std::filesystem::copy_file("/usr/bin/true", a_ + "/true");
  const auto ro = profile("filesystem: {read: [" + a_ + "]}\n", "ro.yaml");
  const auto rx = profile("filesystem: {exec: [" + a_ + "]}\n", "rx.yaml");
  EXPECT_EQ(probe(ro, {"exec", a_ + "/true"}), "errno 13");
  EXPECT_EQ(probe(rx, {"exec", a_ + "/true"}), "ok") << last().err;
}

TEST_F(RunFs, ExecOfDeniedCommandIs126) {
  std::filesystem::copy_file("/usr/bin/true", a_ + "/true");
  const auto ro = profile("filesystem: {read: [" + a_ + "]}\n", "ro.yaml");
  const auto rx = profile("filesystem: {exec: [" + a_ + "]}\n", "rx.yaml");
  EXPECT_EQ(run(ro, {a_ + "/true"}).exit_code, 126);
  EXPECT_EQ(run(rx, {a_ + "/true"}).exit_code, 0);
}

TEST_F(RunFs, CrossDirectoryRenameAndLinkFollowFsRefer) {
  const auto rw = profile("filesystem: {write: [" + a_ + ", " + b_ + "]}\n", "rw.yaml");
  // The same rights without `refer`: Landlock refuses reparenting with EXDEV.
  const std::string no_refer = "[read_file, read_dir, write_file, make_reg, remove_file]";
  const auto rules = profile("filesystem:\n  rules:\n    - {path: " + a_ + ", access: " + no_refer + "}\n    - {path: " + b_ +
                                 ", access: " + no_refer + "}\n",
                             "norefer.yaml");
  EXPECT_EQ(probe(rules, {"rename", a_ + "/f", b_ + "/moved"}), "errno 18");
  EXPECT_EQ(probe(rules, {"link", a_ + "/f", b_ + "/linked"}), "errno 18");
  EXPECT_EQ(probe(rw, {"rename", a_ + "/f", b_ + "/moved"}), "ok") << last().err;
  EXPECT_EQ(probe(rw, {"link", b_ + "/moved", a_ + "/linked"}), "ok");
}

TEST_F(RunFs, AbiOneDeniesEveryReparentingWhenReferDegrades) {
  const auto rw = profile("filesystem: {write: [" + a_ + ", " + b_ + "]}\nprotections: {fs-refer: degradable, fs-truncate: degradable, net-tcp: degradable, fs-ioctl-dev: degradable, signal-scope: degradable, abstract-unix-socket-scope: degradable}\n");
  EXPECT_EQ(probe(rw, {"rename", a_ + "/f", b_ + "/moved"}, {"--abi", "1"}), "errno 18");
  EXPECT_NE(last().err.find("fs-refer is degraded"), std::string::npos) << last().err;
  EXPECT_EQ(probe(rw, {"rename", a_ + "/f", b_ + "/moved"}, {"--abi", "2"}), "ok") << last().err;
}

TEST_F(RunFs, TruncateOfFileGrantedWithoutTruncateIsEacces) {
  const auto no_trunc = profile("filesystem:\n  rules:\n    - {path: " + a_ + ", access: [read_file, write_file]}\n", "nt.yaml");
  const auto trunc = profile("filesystem:\n  rules:\n    - {path: " + a_ + ", access: [read_file, write_file, truncate]}\n", "t.yaml");
  EXPECT_EQ(probe(no_trunc, {"truncate-path", a_ + "/f"}), "errno 13");
  EXPECT_EQ(probe(trunc, {"truncate-path", a_ + "/f"}), "ok") << last().err;
  // Read-only descriptor: ftruncate is EINVAL by the VFS, so use the path form above;
  // disabling fs-truncate makes the same operation succeed again.
  const auto disabled = profile("filesystem:\n  rules:\n    - {path: " + a_ + ", access: [read_file, write_file]}\nprotections: {fs-truncate: disabled}\n", "d.yaml");
  EXPECT_EQ(probe(disabled, {"truncate-path", a_ + "/f"}), "ok") << last().err;
}

TEST_F(RunFs, TruncateAtAbiTwoIsDegradedAndAllowed) {
  const auto p = profile("filesystem:\n  rules:\n    - {path: " + a_ + ", access: [read_file, write_file]}\nprotections: {fs-truncate: degradable, net-tcp: degradable, fs-ioctl-dev: degradable, signal-scope: degradable, abstract-unix-socket-scope: degradable}\n");
  EXPECT_EQ(probe(p, {"truncate-path", a_ + "/f"}, {"--abi", "2"}), "ok") << last().err;
  EXPECT_NE(last().err.find("protection fs-truncate is degraded"), std::string::npos) << last().err;
  EXPECT_EQ(probe(p, {"truncate-path", a_ + "/f"}, {"--abi", "3"}), "errno 13");
}

// Without fs-truncate, truncate(2) by path reaches every file, not only those the sandbox can
// open: b/f, outside every grant (unreadable: EACCES), was emptied at --abi 2 while the
// warning said "any file the sandbox can open". The warning must say what is lost. Control:
// at --abi 3 the same truncate is EACCES and b/f keeps its content.
TEST_F(RunFs, DegradedTruncateWarningNamesFilesOutsideEveryGrant) {
  const auto p = profile("filesystem: {read: [" + a_ + "]}\nprotections: {fs-truncate: degradable, net-tcp: degradable, fs-ioctl-dev: degradable, signal-scope: degradable, abstract-unix-socket-scope: degradable}\n");
  EXPECT_EQ(probe(p, {"read", b_ + "/f"}, {"--abi", "2"}), "errno 13");
  EXPECT_EQ(probe(p, {"truncate-path", b_ + "/f"}, {"--abi", "3"}), "errno 13");
  EXPECT_EQ(read_file(b_ + "/f"), "in b");
  EXPECT_EQ(probe(p, {"truncate-path", b_ + "/f"}, {"--abi", "2"}), "ok") << last().err;
  EXPECT_EQ(read_file(b_ + "/f"), "");
  EXPECT_NE(last().err.find("protection fs-truncate is degraded: the target Landlock ABI is 2 (needs 3); without it "
                            "the sandbox can truncate any file by its path, even one outside every grant or denied"),
            std::string::npos)
      << last().err;
}

TEST_F(RunFs, IoctlOnDeviceNeedsIoctlDev) {
  // TIOCGWINSZ on /dev/null: the driver answers ENOTTY (25) when the ioctl gets through.
  const auto without = profile("filesystem: {read: [" + a_ + "]}\n", "no.yaml");
  const auto with = profile("filesystem:\n  rules:\n    - {path: /dev/null, access: [read_file, ioctl_dev]}\n", "yes.yaml");
  const auto disabled = profile("protections: {fs-ioctl-dev: disabled}\n", "off.yaml");
  EXPECT_EQ(probe(without, {"ioctl", "/dev/null"}), "errno 13");
  EXPECT_EQ(probe(with, {"ioctl", "/dev/null"}), "errno 25") << last().err;
  EXPECT_EQ(probe(disabled, {"ioctl", "/dev/null"}), "errno 25") << last().err;
}

TEST_F(RunFs, DenyCarveOutUnderGrantedParent) {
  dir_.write("a/secret", "s");
  dir_.write("a/sub/secret2", "s");
  dir_.write("a/sub/pub", "p");
  const auto p = profile("filesystem:\n  write: [" + a_ + "]\n  deny: [" + a_ + "/secret, " + a_ + "/sub/secret2]\n");
  EXPECT_EQ(probe(p, {"read", a_ + "/f"}), "ok") << last().err;
  EXPECT_EQ(probe(p, {"read", a_ + "/secret"}), "errno 13");
  EXPECT_EQ(probe(p, {"write", a_ + "/f"}), "ok");
  EXPECT_EQ(probe(p, {"write", a_ + "/secret"}), "errno 13");
  EXPECT_EQ(probe(p, {"read", a_ + "/sub/pub"}), "ok");
  EXPECT_EQ(probe(p, {"read", a_ + "/sub/secret2"}), "errno 13");
  EXPECT_EQ(probe(p, {"remove", a_ + "/secret"}), "errno 13");
  // A file carved out of a directory leaves the directory listable.
  const auto one = profile("filesystem:\n  read: [" + a_ + "]\n  deny: [" + a_ + "/secret]\n", "one.yaml");
  EXPECT_EQ(probe(one, {"list", a_}), "ok") << last().err;
  EXPECT_EQ(probe(one, {"read", a_ + "/secret"}), "errno 13");
}

TEST_F(RunFs, SymlinkOutsideTheGrantsIsDenied) {
  std::filesystem::create_symlink(b_ + "/f", a_ + "/to-b");
  dir_.write("a/real", "r");
  std::filesystem::create_symlink(a_ + "/real", a_ + "/to-a");
  const auto p = profile("filesystem: {read: [" + a_ + "]}\n");
  EXPECT_EQ(probe(p, {"read", a_ + "/to-a"}), "ok") << last().err;
  EXPECT_EQ(probe(p, {"read", a_ + "/to-b"}), "errno 13");
}

// A rule's path is opened by sandlock, so a grant of /proc/self granted sandlock's own
// /proc/PID: the sandbox read sandlock's environment (clean_env notwithstanding) and not its
// own /proc/self. Refused before anything runs (125, the probe prints nothing). Control: a
// grant of /proc lets the sandbox read its own /proc/self/status.
TEST_F(RunFs, AGrantOfProcSelfIsRefusedNotGivenSandlocksEntry) {
  const auto self = profile("filesystem: {read: [/proc/self]}\nprogram: {clean_env: true}\n");
  EXPECT_EQ(probe(self, {"read", "/proc/self/status"}), "");
  EXPECT_EQ(last().exit_code, 125) << last().err;
  EXPECT_NE(last().err.find("lower.grant-names-sandlock"), std::string::npos) << last().err;
  const auto fd = profile("filesystem: {read: [/dev/fd]}\n", "fd.yaml");
  EXPECT_EQ(probe(fd, {"list", "/dev/fd"}), "");
  EXPECT_EQ(last().exit_code, 125) << last().err;
  const auto proc = profile("filesystem: {read: [/proc]}\n", "proc.yaml");
  EXPECT_EQ(probe(proc, {"read", "/proc/self/status"}), "ok") << last().err;
}

}  // namespace
}  // namespace sandlock::testing
