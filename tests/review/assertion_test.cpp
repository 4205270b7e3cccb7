#include "engine/review/assertion.h"

#include <gtest/gtest.h>

#include "tests/review/review_fixture.h"

namespace sandlock {
namespace {

using testing::compile_ok;
using testing::FakeFs;
using testing::FakeResolver;
using testing::ip;
using testing::MemoryReader;

const char* kProfile =
    "version: 1\nfilesystem:\n  read: [/etc]\n  exec: [/usr/bin]\n  write: [/var/lib/app]\n  deny: [/etc/shadow]\n"
    "network:\n  allow: [\"127.0.0.1:8080\", \"10.0.0.0/8:443\"]\n  bind: [9000]\n"
    "protections: {signal-scope: degradable}\n";

// What run would find here: a few files and directories, and localhost's two addresses.
struct Surroundings {
  FakeFs fs;
  FakeResolver hosts;
  Surroundings() {
    fs.existing = {"/etc/hosts", "/etc/shadow", "/usr/bin/env", "/usr/bin/id", "/var/lib/app/db", "/root/notes"};
    fs.dirs = {{"/etc", {"hosts", "shadow"}}, {"/root", {"notes"}}, {"/usr/bin", {"env", "id"}}};
    hosts.hosts["localhost"] = {ip(4, {127, 0, 0, 1}), ip(6, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})};
  }
};

Verdict eval_in(const std::string& profile, const std::string& text, int abi = 7) {
  MemoryReader reader;
  Surroundings around;
  const PolicyGraph g = compile_ok(reader, "p.yaml", profile);
  std::string error;
  auto a = parse_assertion(text, error);
  EXPECT_TRUE(a) << error;
  return a ? evaluate_static(g, statuses_at(g, abi), static_context(g, around.fs, around.hosts), *a) : Verdict{};
}

Verdict eval(const std::string& text, int abi = 7) { return eval_in(kProfile, text, abi); }

TEST(Assertion, GrammarErrorsNameTheGrammar) {
  std::string error;
  for (const char* bad : {"read etc", "open /etc", "connect example.com:80", "connect 1.2.3.4", "bind 70000", "signal inside", "write"}) {
    EXPECT_FALSE(parse_assertion(bad, error)) << bad;
    EXPECT_NE(error.find("read|write|exec PATH"), std::string::npos);
  }
  auto a = parse_assertion("connect [::1]:443", error);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, 6);
  EXPECT_EQ(a->port, 443);
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(parse_assertion("read /etc/../etc/./hosts", error)->path, "/etc/hosts");
}

TEST(Assertion, FilesystemVerdictsNameTheDecidingRule) {
  const Verdict read = eval("read /etc/hosts");
  EXPECT_TRUE(read.allowed);
  EXPECT_EQ(read.reason, "granted by /etc at /repo/p.yaml:3:10");
  EXPECT_FALSE(eval("write /etc/hosts").allowed);
  const Verdict shadow = eval("read /etc/shadow");
  EXPECT_FALSE(shadow.allowed);
  EXPECT_EQ(shadow.reason, "denied by deny /etc/shadow at /repo/p.yaml:6:10");
  EXPECT_TRUE(eval("exec /usr/bin/env").allowed);
  EXPECT_FALSE(eval("exec /etc/hosts").allowed);
  EXPECT_TRUE(eval("write /var/lib/app/db").allowed);
}

TEST(Assertion, NetworkVerdicts) {
  EXPECT_TRUE(eval("connect 127.0.0.1:8080").allowed);
  EXPECT_FALSE(eval("connect 127.0.0.1:8081").allowed);
  const Verdict v = eval("connect 10.9.8.7:443");
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.reason, "allowed by 10.0.0.0/8:443 at /repo/p.yaml:8:29");
  EXPECT_TRUE(eval("bind 9000").allowed);
  EXPECT_FALSE(eval("bind 9001").allowed);
}

TEST(Assertion, ScopesDependOnTheTargetAbi) {
  EXPECT_FALSE(eval("signal outside", 6).allowed);
  EXPECT_TRUE(eval("signal outside", 5).allowed);  // degradable: degraded below ABI 6
  EXPECT_FALSE(eval("abstract-unix outside", 7).allowed);
}

// Host names were never matched: `allow: [localhost:18081]` gave "denied" for 127.0.0.1:18081,
// which run resolves and pins and lets through. Resolved as run resolves them, once per profile.
TEST(Assertion, HostNamesInTheAllowListAreResolvedAsRunResolvesThem) {
  const char* p = "version: 1\nnetwork:\n  allow: [\"tcp://localhost:18081\"]\n";
  const Verdict v = eval_in(p, "connect 127.0.0.1:18081");
  EXPECT_TRUE(v.allowed) << v.reason;
  EXPECT_FALSE(v.unknown);
  EXPECT_EQ(v.reason, "allowed by tcp://localhost:18081 (localhost resolves to 127.0.0.1 here) at /repo/p.yaml:3:11");
  EXPECT_TRUE(eval_in(p, "connect [::1]:18081").allowed);
  EXPECT_TRUE(eval_in(p, "connect localhost:18081").allowed);
  EXPECT_FALSE(eval_in(p, "connect 127.0.0.1:18082").allowed);  // control: another port
  EXPECT_FALSE(eval_in(p, "connect 10.0.0.1:18081").allowed);   // control: another address

  MemoryReader reader;
  Surroundings around;
  const PolicyGraph g = compile_ok(reader, "p.yaml", p);
  const StaticContext ctx = static_context(g, around.fs, around.hosts);
  EXPECT_EQ(around.hosts.asked, 1);
  ASSERT_TRUE(ctx.destinations);
  EXPECT_EQ(ctx.destinations->pinned, std::vector<std::string>{"localhost -> 127.0.0.1, [::1]"});
}

// A name that does not resolve here: run would refuse to start, and what it would connect to
// is not known. Neither allowed nor denied, so allow and deny assertions both fail.
TEST(Assertion, AHostNameThatDoesNotResolveMakesConnectUnknown) {
  const char* p = "version: 1\nnetwork:\n  allow: [\"no-such-host.invalid:80\", \"127.0.0.1:80\"]\nfilesystem:\n  read: [/etc]\n";
  for (const char* q : {"connect 127.0.0.1:80", "connect 10.0.0.1:80"}) {
    const Verdict v = eval_in(p, q);
    EXPECT_TRUE(v.unknown) << q;
    EXPECT_FALSE(v.allowed) << q;
    EXPECT_NE(v.reason.find("cannot resolve the network target 'no-such-host.invalid'"), std::string::npos) << v.reason;
  }
  EXPECT_TRUE(eval_in(p, "read /etc/hosts").allowed);  // other verdicts do not depend on it
  EXPECT_FALSE(eval_in(p, "read /etc/hosts").unknown);
}

// Run's supervisor sends an unspecified destination to its family's loopback and checks
// that (seen: with 127.0.0.1:P allowed, a connect to 0.0.0.0:P goes through, and with only
// 0.0.0.0:P allowed it is refused); review checked 0.0.0.0 itself.
TEST(Assertion, AnUnspecifiedAddressIsCheckedWhereRunSendsIt) {
  const auto with = [](const std::string& allow) { return "version: 1\nnetwork:\n  allow: [" + allow + "]\n"; };
  const Verdict v4 = eval_in(with("\"127.0.0.1:80\""), "connect 0.0.0.0:80");
  EXPECT_TRUE(v4.allowed) << v4.reason;
  EXPECT_EQ(v4.reason, "run sends 0.0.0.0 (this host) to 127.0.0.1: allowed by 127.0.0.1:80 at /repo/p.yaml:3:11");
  EXPECT_FALSE(eval_in(with("\"127.0.0.1:80\""), "connect [::]:80").allowed);
  EXPECT_FALSE(eval_in(with("\"0.0.0.0:80\""), "connect 0.0.0.0:80").allowed);
  EXPECT_TRUE(eval_in(with("\"[::1]:80\""), "connect [::]:80").allowed);
  EXPECT_TRUE(eval_in(with("\"127.0.0.1:80\""), "connect [::ffff:0.0.0.0]:80").allowed);
  EXPECT_TRUE(eval_in(with("\"*:80\""), "connect 0.0.0.0:80").allowed);
  EXPECT_FALSE(eval_in(with("\"127.0.0.1:80\""), "connect 0.0.0.0:81").allowed);  // control: the port still counts
}

// net-tcp off (disabled, or degradable below ABI 4) once meant "TCP is not restricted"; run
// keeps the same rules with the supervisor and seccomp (engine/lower/net_rules.cpp).
TEST(Assertion, NetworkRulesHoldWhenNetTcpIsOff) {
  const std::string net = "network:\n  allow: [\"127.0.0.1:8080\"]\n  bind: [9000]\n";
  const std::string degradable = "version: 1\n" + net + "protections: {net-tcp: degradable}\n";
  const std::string disabled = "version: 1\n" + net + "protections: {net-tcp: disabled}\n";
  for (const auto& [profile, abi] : {std::pair{degradable, 3}, std::pair{disabled, 7}, std::pair{degradable, 1}}) {
    const Verdict out = eval_in(profile, "connect 1.1.1.1:53", abi);
    EXPECT_FALSE(out.allowed) << abi << ": " << out.reason;
    EXPECT_NE(out.reason.find("the supervisor enforces this instead of Landlock"), std::string::npos) << out.reason;
    EXPECT_TRUE(eval_in(profile, "connect 127.0.0.1:8080", abi).allowed) << abi;
    EXPECT_FALSE(eval_in(profile, "bind 9001", abi).allowed) << abi;
    EXPECT_TRUE(eval_in(profile, "bind 9000", abi).allowed) << abi;
  }
  // No network at all and no Landlock TCP control: seccomp refuses inet sockets.
  const Verdict none = eval_in("version: 1\nprotections: {net-tcp: disabled}\n", "connect 127.0.0.1:80");
  EXPECT_FALSE(none.allowed);
  EXPECT_EQ(none.reason, "the profile allows no network; net-tcp is disabled, so seccomp, which refuses inet sockets, enforces this instead of Landlock");
  EXPECT_FALSE(eval_in("version: 1\nprotections: {net-tcp: disabled}\n", "bind 9000").allowed);
}

// exec needs execute and read_file (execve opens the file for reading; Landlock checks both).
TEST(Assertion, ExecNeedsExecuteAndReadFile) {
  const Verdict only_x = eval_in("version: 1\nfilesystem:\n  rules: [{path: /usr/bin/id, access: [execute]}]\n", "exec /usr/bin/id");
  EXPECT_FALSE(only_x.allowed);
  EXPECT_EQ(only_x.reason, "no grant gives read_file on /usr/bin/id (exec needs execute and read_file: execve opens the file for reading)");
  EXPECT_FALSE(eval_in("version: 1\nfilesystem:\n  rules: [{path: /usr/bin/id, access: [read_file]}]\n", "exec /usr/bin/id").allowed);
  EXPECT_TRUE(
      eval_in("version: 1\nfilesystem:\n  rules: [{path: /usr/bin/id, access: [execute, read_file]}]\n", "exec /usr/bin/id").allowed);
}

// Reading a directory lists it (read_dir); a file is opened (read_file). Which one a path is
// comes from the filesystem view, not its name.
TEST(Assertion, ReadingADirectoryNeedsReadDirAndAFileReadFile) {
  const char* dir_only = "version: 1\nfilesystem:\n  rules: [{path: /root, access: [read_dir]}]\n";
  const char* file_only = "version: 1\nfilesystem:\n  rules: [{path: /root, access: [read_file]}]\n";
  const Verdict listed = eval_in(dir_only, "read /root");
  EXPECT_TRUE(listed.allowed) << listed.reason;
  EXPECT_EQ(listed.reason, "granted by /root at /repo/p.yaml:3:11 (a directory: listing it needs read_dir)");
  EXPECT_FALSE(eval_in(dir_only, "read /root/notes").allowed);
  EXPECT_FALSE(eval_in(file_only, "read /root").allowed);
  EXPECT_TRUE(eval_in(file_only, "read /root/notes").allowed);
  // A path that does not exist here: the answer if a file and a directory agree, else unknown.
  const Verdict both = eval_in("version: 1\nfilesystem:\n  read: [/root]\n", "read /root/later");
  EXPECT_TRUE(both.allowed);
  EXPECT_FALSE(both.unknown);
  EXPECT_NE(both.reason.find("/root/later does not exist here"), std::string::npos) << both.reason;
  const Verdict depends = eval_in(dir_only, "read /root/later");
  EXPECT_TRUE(depends.unknown);
  EXPECT_FALSE(depends.allowed);
  EXPECT_NE(depends.reason.find("denied as a file"), std::string::npos) << depends.reason;
  EXPECT_NE(depends.reason.find("allowed as a directory"), std::string::npos) << depends.reason;
  EXPECT_FALSE(eval_in("version: 1\nfilesystem:\n  read: [/etc]\n", "read /root/later").unknown);  // denied either way
}

}  // namespace
}  // namespace sandlock

namespace sandlock {
namespace {

// Found by a review: verdicts walked the paths as written, while run's rules land where the
// paths lead. On Debian's merged /usr a grant of /bin is a grant of /usr/bin: `test` passed
// `deny exec /usr/bin/id` while run executed it. Control: without the /bin grant, denied.
TEST(Assertion, FileVerdictsFollowLinksAsTheKernelDoes) {
  const auto verdict = [](const char* grants, const char* q) {
    MemoryReader reader;
    Surroundings around;
    around.fs.links["/bin"] = "/usr/bin";
    const PolicyGraph g = compile_ok(reader, "p.yaml", std::string("version: 1\nfilesystem:\n") + grants);
    std::string error;
    const auto a = parse_assertion(q, error);
    return evaluate_static(g, statuses_at(g, 7), static_context(g, around.fs, around.hosts), *a);
  };
  const Verdict by_link = verdict("  exec: [/bin]\n", "exec /usr/bin/id");
  EXPECT_TRUE(by_link.allowed) << by_link.reason;
  EXPECT_NE(by_link.reason.find("granted by /bin (which leads to /usr/bin)"), std::string::npos) << by_link.reason;
  const Verdict through_link = verdict("  exec: [/usr/bin]\n", "exec /bin/id");
  EXPECT_TRUE(through_link.allowed) << through_link.reason;
  EXPECT_NE(through_link.reason.find("/bin/id leads to /usr/bin/id"), std::string::npos) << through_link.reason;
  EXPECT_FALSE(verdict("  exec: [/usr/lib]\n", "exec /usr/bin/id").allowed);
  // ".." after a link is the link target's parent's child, not the link's sibling.
  const Verdict dotdot = verdict("  read: [/usr]\n", "read /bin/../lib/libc.so");
  EXPECT_TRUE(dotdot.allowed) << dotdot.reason;  // /usr/lib/libc.so, not /lib/libc.so
  // A deny written through the link keeps out the file it leads to.
  const Verdict denied = verdict("  exec: [/usr/bin]\n  deny: [/bin/id]\n", "exec /usr/bin/id");
  EXPECT_FALSE(denied.allowed) << denied.reason;
}

}  // namespace
}  // namespace sandlock
