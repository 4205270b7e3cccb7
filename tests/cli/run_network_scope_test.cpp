// `sandlock run`: Landlock's TCP port rules and the signal / abstract-unix-socket scopes,
// against live listeners and real processes outside the sandbox.
#include <signal.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "tests/cli/run_fixture.h"

namespace sandlock::testing {
namespace {

using RunNet = RunTest;

TEST_F(RunNet, NoNetworkRefusesTcpConnectEvenWithFilesystemGrants) {
  Listener l;
  const auto absent = profile("filesystem: {read: [/usr/share]}\n", "absent.yaml");
  const auto empty = profile("filesystem: {read: [/usr/share]}\nnetwork: {allow: []}\n", "empty.yaml");
  const auto any = profile("network: {allow: [\"tcp://*\"]}\n", "any.yaml");
  EXPECT_EQ(probe(absent, {"connect", "127.0.0.1", std::to_string(l.port())}), "errno 13") << last().err;
  EXPECT_EQ(probe(empty, {"connect", "127.0.0.1", std::to_string(l.port())}), "errno 13");
  EXPECT_EQ(probe(any, {"connect", "127.0.0.1", std::to_string(l.port())}), "ok") << last().err;
}

TEST_F(RunNet, PortRuleAllowsExactlyThatPort) {
  Listener allowed, other;
  const auto p = profile("network: {allow: [\"tcp://*:" + std::to_string(allowed.port()) + "\"]}\n");
  EXPECT_EQ(probe(p, {"connect", "127.0.0.1", std::to_string(allowed.port())}), "ok") << last().err;
  EXPECT_EQ(probe(p, {"connect", "127.0.0.1", std::to_string(other.port())}), "errno 13");
}

// A TCP Fast Open send (sendto with MSG_FASTOPEN and an address) connects inside the
// kernel without Landlock's connect check: with Landlock alone keeping TCP it connected to
// any port, a "no network" profile included. It is refused as the kernel refuses it with
// Fast Open turned off (EOPNOTSUPP). Controls: the same send connects unsandboxed, and a
// supervised profile checks it as a connect (allowed port: delivered; other: EACCES).
TEST_F(RunNet, TcpFastOpenDoesNotConnectPastLandlock) {
  Listener allowed, other;
  const std::string to_other = std::to_string(other.port());
  const auto none = profile("network: {allow: []}\n", "none.yaml");
  const auto ports = profile("network: {allow: [\"tcp://*:" + std::to_string(allowed.port()) + "\"]}\n", "ports.yaml");
  EXPECT_EQ(probe(none, {"tfo", "127.0.0.1", to_other}), "errno 95") << last().err;
  EXPECT_EQ(probe(ports, {"tfo", "127.0.0.1", to_other}), "errno 95") << last().err;
  EXPECT_EQ(probe(ports, {"connect", "127.0.0.1", std::to_string(allowed.port())}), "ok") << last().err;
  const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "tfo", "127.0.0.1", to_other});
  EXPECT_EQ(unsandboxed.out, "ok\n") << unsandboxed.err;
  const auto host = profile("network: {allow: [\"tcp://127.0.0.1:" + std::to_string(allowed.port()) + "\"]}\n", "host.yaml");
  EXPECT_EQ(probe(host, {"tfo", "127.0.0.1", std::to_string(allowed.port())}), "ok") << last().err;
  EXPECT_EQ(probe(host, {"tfo", "127.0.0.1", to_other}), "errno 13") << last().err;
}

// With CAP_NET_ADMIN a root sandbox could add a route or a NAT rule that sends an allowed
// connection elsewhere (or mark packets for a routing rule): any network rule takes it and
// CAP_NET_RAW away, also in a run from the plan cache. Controls: unsandboxed, and a profile
// that allows every destination and bind, the same SO_MARK works.
TEST_F(RunNet, ANetworkPolicyTakesNetAdminFromARootSandbox) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (a non-root sandbox has no capabilities to give up)";
  const auto none = profile("", "none.yaml");
  const auto ports = profile("network: {allow: [\"tcp://*:443\"]}\n", "ports.yaml");
  const auto open = profile("network: {allow: [\"tcp://*\", \"udp://*\", \"icmp://*\"], bind: [\"*\"]}\n", "open.yaml");
  for (const std::string& p : {none, ports}) {
    EXPECT_EQ(probe(p, {"so-mark"}), "errno 1") << p << "\n" << last().err;
    EXPECT_EQ(probe(p, {"so-mark"}, {}, {"SANDLOCK_PLAN_CACHE=require"}), "errno 1") << last().err;
    EXPECT_EQ(probe(p, {"net-capabilities"}), "net_admin=0 net_raw=0") << last().err;
  }
  EXPECT_EQ(probe(open, {"so-mark"}), "ok") << last().err;
  EXPECT_EQ(probe(open, {"net-capabilities"}), "net_admin=1 net_raw=1") << last().err;
  const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "so-mark"});
  EXPECT_EQ(unsandboxed.out, "ok\n") << unsandboxed.err;
}

// With a supervisor, the domain agent's workers make unix calls outside the command's seccomp
// filter; they are not dumpable, so only CAP_SYS_PTRACE would let a root sandbox (with @debug
// re-allowed) take one over and connect anywhere: a destination policy takes it away.
// Controls: a port rule (Landlock alone, no agent) and unsandboxed, root keeps it.
TEST_F(RunNet, ADestinationPolicyTakesSysPtraceFromARootSandbox) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (a non-root sandbox has no capabilities to give up)";
  const auto host = profile("network: {allow: [\"tcp://127.0.0.1:80\"]}\nsyscalls: {allow: [\"@debug\"]}\n", "host.yaml");
  const auto ports = profile("network: {allow: [\"tcp://*:443\"]}\nsyscalls: {allow: [\"@debug\"]}\n", "ports.yaml");
  EXPECT_EQ(probe(host, {"sys-ptrace"}), "sys_ptrace=0") << last().err;
  EXPECT_EQ(probe(ports, {"sys-ptrace"}), "sys_ptrace=1") << last().err;
  const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "sys-ptrace"});
  EXPECT_EQ(unsandboxed.out, "sys_ptrace=1\n") << unsandboxed.err;
}

TEST_F(RunNet, BindOnlyOnListedPorts) {
  int free_a, free_b;
  {
    Listener a, b;  // pick two free ports, then release them
    free_a = a.port();
    free_b = b.port();
  }
  const auto p = profile("network: {bind: [" + std::to_string(free_a) + "]}\n");
  EXPECT_EQ(probe(p, {"bind", std::to_string(free_a)}), "ok") << last().err;
  EXPECT_EQ(probe(p, {"bind", std::to_string(free_b)}), "errno 13");
  const auto any = profile("network: {bind: [\"*\"]}\n", "any.yaml");
  EXPECT_EQ(probe(any, {"bind", std::to_string(free_b)}), "ok") << last().err;
}

class OutsideProcess {
 public:
  OutsideProcess() {
    pid_ = fork();
    if (pid_ == 0) {
      pause();
      _exit(0);
    }
  }
  ~OutsideProcess() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

TEST_F(RunNet, SignalScopeDeniesSignalsOutsideButNotToOwnChild) {
  OutsideProcess outside;
  const auto strict = profile("", "strict.yaml");
  const auto off = profile("protections: {signal-scope: disabled}\n", "off.yaml");
  EXPECT_EQ(probe(strict, {"kill", std::to_string(outside.pid()), "0"}), "errno 1") << last().err;
  EXPECT_EQ(probe(strict, {"kill-own-child"}), "ok") << last().err;
  EXPECT_EQ(probe(off, {"kill", std::to_string(outside.pid()), "0"}), "ok") << last().err;
}

TEST_F(RunNet, AbstractUnixScopeDeniesOutsideListenerButNotInside) {
  const std::string name = "sandlock-test-" + std::to_string(getpid());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  memcpy(addr.sun_path + 1, name.data(), name.size());
  const socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  const auto strict = profile("", "strict.yaml");
  const auto off = profile("protections: {abstract-unix-socket-scope: disabled}\n", "off.yaml");
  EXPECT_EQ(probe(strict, {"abstract-connect", name}), "errno 1") << last().err;
  EXPECT_EQ(probe(strict, {"abstract-self"}), "ok") << last().err;
  EXPECT_EQ(probe(off, {"abstract-connect", name}), "ok") << last().err;
  close(fd);
}

TEST_F(RunNet, StrictProtectionMissingAtTargetAbiRefusesToRun) {
  const auto p = profile("", "strict.yaml");
  const std::string marker = dir_.path() + "/ran";
  auto r = run(p, {"/usr/bin/touch", marker}, {"--abi", "5"});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("protection signal-scope is strict but the target Landlock ABI is 5 (needs 6)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("protection abstract-unix-socket-scope is strict but the target Landlock ABI is 5 (needs 6)"), std::string::npos) << r.err;
  EXPECT_NE(access(marker.c_str(), F_OK), 0) << "the command ran although the profile could not be enforced";
  // --allow-degraded lets it run and says so, once per protection.
  r = run(p, {kPython, "-c", "pass"}, {"--abi", "5", "--allow-degraded", "signal-scope", "--allow-degraded", "ABSTRACT-UNIX-SCOPE-SOCKET"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("protection signal-scope is degraded"), std::string::npos) << r.err;
}

TEST_F(RunNet, UnknownProtectionOverrideIsAnErrorListingNames) {
  const auto p = profile("", "p.yaml");
  auto r = run(p, {kPython, "-c", "pass"}, {"--disable", "signal-scop"});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("did you mean 'signal-scope'?"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("abstract-unix-socket-scope"), std::string::npos) << r.err;
}

TEST_F(RunNet, LastOverrideWins) {
  OutsideProcess outside;
  const auto p = profile("", "p.yaml");
  EXPECT_EQ(probe(p, {"kill", std::to_string(outside.pid()), "0"}, {"--disable", "signal-scope", "--allow-degraded", "signal-scope"}), "errno 1");
  EXPECT_EQ(probe(p, {"kill", std::to_string(outside.pid()), "0"}, {"--allow-degraded", "signal-scope", "--disable", "signal-scope"}), "ok");
}

}  // namespace
}  // namespace sandlock::testing
