// `sandlock run` with the network supervisor: hosts, CIDRs, IPv6, UDP, deny lists and the
// bypass attempts, against live peers on 127.0.0.1, 127.0.0.2 and ::1 started here. Every
// denial is paired with an allowed control that really connects or delivers.
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <set>
#include <stdexcept>

#include "engine/apply/pids_cgroup.h"
#include "engine/apply/unique_fd.h"
#include "tests/cli/run_fixture.h"

namespace sandlock::testing {
namespace {

// A TCP listener or UDP receiver that can tell how many connections/datagrams reached it.
class Peer {
 public:
  Peer(const char* ip, int type, int port = 0) {
    const int family = std::string(ip).find(':') == std::string::npos ? AF_INET : AF_INET6;
    fd_ = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_storage ss{};
    socklen_t len = family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    ss.ss_family = static_cast<sa_family_t>(family);
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (family == AF_INET) {
      inet_pton(AF_INET, ip, &sin->sin_addr);
      sin->sin_port = htons(static_cast<std::uint16_t>(port));
    } else {
      inet_pton(AF_INET6, ip, &sin6->sin6_addr);
      sin6->sin6_port = htons(static_cast<std::uint16_t>(port));
    }
    const int one = 1, big = 4 << 20;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);  // every datagram of a burst kept
    if (bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0 || (type == SOCK_STREAM && listen(fd_, 1024) != 0))
      throw std::runtime_error(std::string("cannot listen on ") + ip);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len);
    port_ = ntohs(family == AF_INET ? sin->sin_port : sin6->sin6_port);
    type_ = type;
  }
  ~Peer() { close(fd_); }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  int port() const { return port_; }
  std::string port_text() const { return std::to_string(port_); }
  // Connections accepted or datagrams received since the last call.
  int arrived() {
    int n = 0;
    char buf[64];
    for (;;) {
      const int got = type_ == SOCK_STREAM ? accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC) : static_cast<int>(recv(fd_, buf, sizeof buf, 0));
      if (got < 0) return n;
      if (type_ == SOCK_STREAM) close(got);
      ++n;
    }
  }
  // The datagrams received since the last call, in order.
  std::vector<std::string> datagrams() {
    std::vector<std::string> out;
    char buf[64];
    for (ssize_t got; (got = recv(fd_, buf, sizeof buf, 0)) >= 0;) out.emplace_back(buf, static_cast<std::size_t>(got));
    return out;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  int type_ = SOCK_STREAM;
};

// A loopback TCP listener whose backlog (0: one connection) is full, with a connection
// made here: later SYNs are dropped, so a blocking connect to it waits (for the kernel's
// connect timeout, about two minutes).
class FullListener {
 public:
  FullListener() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(listener_.get(), reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(listener_.get(), 0) != 0 ||
        getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0 ||
        connect(filler_.get(), reinterpret_cast<sockaddr*>(&a), len) != 0)
      throw std::runtime_error("cannot set up a full listener");
    port_ = ntohs(a.sin_port);
  }
  std::string port_text() const { return std::to_string(port_); }

 private:
  UniqueFd listener_{socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  UniqueFd filler_{socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  int port_ = 0;
};

class RunSupervised : public RunTest {
 protected:
  std::string allow(const std::string& rules, const std::string& name = "p.yaml") {
    return profile("network: {allow: [" + rules + "]}\n", name);
  }
  std::string quoted(const std::string& rule) { return "\"" + rule + "\""; }
  // A profile for the probe with a deny list (python3's profile has an allow list, which a
  // deny list cannot combine with).
  std::string deny(const std::string& rules, const std::string& name) {
    return dir_.write(name,
                      "version: 1\nextends: [base/minimal]\n"
                      "filesystem: {exec: [/usr/bin/python3, /usr/bin/python3.11], read: [/usr/lib/python3, "
                      "/usr/lib/python3.11, /usr/local/lib/python3.11, /etc/python3.11]}\n"
                      "network: {deny: [" + rules + "]}\n");
  }
};

TEST_F(RunSupervised, EgressMatrix) {
  Peer p("127.0.0.1", SOCK_STREAM), q("127.0.0.1", SOCK_STREAM), other_host("127.0.0.2", SOCK_STREAM, p.port());
  const auto none = profile("filesystem: {read: [/usr/share]}\nnetwork: {allow: []}\n", "none.yaml");
  const auto exact = allow(quoted("tcp://127.0.0.1:" + p.port_text()), "exact.yaml");
  const auto with_fs = profile("filesystem: {read: [/usr/share]}\nnetwork: {allow: [" +
                                   quoted("tcp://127.0.0.1:" + p.port_text()) + "]}\n", "fs.yaml");
  const auto any = allow(quoted("*"), "any.yaml");
  EXPECT_EQ(probe(none, {"connect", "127.0.0.1", p.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(p.arrived(), 0);
  EXPECT_EQ(probe(exact, {"connect", "127.0.0.1", p.port_text()}), "ok") << last().err;
  EXPECT_EQ(p.arrived(), 1);
  EXPECT_EQ(probe(exact, {"connect", "127.0.0.2", p.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(probe(exact, {"connect", "127.0.0.1", q.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(other_host.arrived() + q.arrived(), 0);
  EXPECT_EQ(probe(with_fs, {"connect", "127.0.0.1", p.port_text()}), "ok") << last().err;
  EXPECT_EQ(probe(with_fs, {"connect", "127.0.0.2", p.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(probe(any, {"connect", "127.0.0.2", p.port_text()}), "ok") << last().err;
  EXPECT_EQ(probe(any, {"connect", "127.0.0.1", q.port_text()}), "ok") << last().err;
  EXPECT_EQ(p.arrived(), 1);
  EXPECT_EQ(other_host.arrived(), 1);
  EXPECT_EQ(q.arrived(), 1);
}

// With a supervisor the child is forked (it hands its listener over before exec): a step
// failing there still refuses the run, names the step, and does not hang the handoff.
TEST_F(RunSupervised, AFailedStepInTheForkedChildIs125AndNamed) {
  Peer p("127.0.0.1", SOCK_STREAM);
  const auto rule = quoted("tcp://127.0.0.1:" + p.port_text());
  const auto good = profile("program: {cwd: /tmp}\nnetwork: {allow: [" + rule + "]}\n", "good.yaml");
  const auto bad = profile("program: {cwd: /sandlock-no-such-dir}\nnetwork: {allow: [" + rule + "]}\n", "bad.yaml");
  EXPECT_EQ(probe(good, {"connect", "127.0.0.1", p.port_text()}), "ok") << last().err;
  EXPECT_EQ(p.arrived(), 1);
  EXPECT_EQ(probe(bad, {"connect", "127.0.0.1", p.port_text()}), "");
  EXPECT_EQ(last().exit_code, 125);
  EXPECT_NE(last().err.find("chdir /sandlock-no-such-dir failed: No such file or directory; the command was not run"),
            std::string::npos)
      << last().err;
  EXPECT_EQ(p.arrived(), 0);
}

TEST_F(RunSupervised, CidrRuleCoversItsAddressesOnly) {
  Peer one("127.0.0.1", SOCK_STREAM), two("127.0.0.2", SOCK_STREAM, one.port());
  const auto p = allow(quoted("tcp://127.0.0.0/31:" + one.port_text()));
  EXPECT_EQ(probe(p, {"connect", "127.0.0.1", one.port_text()}), "ok") << last().err;
  EXPECT_EQ(probe(p, {"connect", "127.0.0.2", one.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(one.arrived(), 1);
  EXPECT_EQ(two.arrived(), 0);
}

// An IPv4 CIDR never covers an IPv6 address, though ::1 begins with the byte 0.0.0.0/8
// names. Control: a rule for [::1] lets the same connect through.
TEST_F(RunSupervised, AnIpv4CidrDoesNotCoverIpv6Addresses) {
  Peer v6("::1", SOCK_STREAM);
  const auto v4_cidr = allow(quoted("tcp://0.0.0.0/8:" + v6.port_text()), "v4.yaml");
  const auto v6_rule = allow(quoted("tcp://[::1]:" + v6.port_text()), "v6.yaml");
  EXPECT_EQ(probe(v4_cidr, {"connect", "::1", v6.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(v6.arrived(), 0);
  EXPECT_EQ(probe(v6_rule, {"connect", "::1", v6.port_text()}), "ok") << last().err;
  EXPECT_EQ(v6.arrived(), 1);
}

TEST_F(RunSupervised, Ipv6RuleAndIpv4MappedAddresses) {
  Peer v6("::1", SOCK_STREAM), v4("127.0.0.1", SOCK_STREAM), v4_other("127.0.0.2", SOCK_STREAM);
  const auto p = allow(quoted("tcp://[::1]:" + v6.port_text()) + ", " + quoted("tcp://127.0.0.1:" + v4.port_text()));
  EXPECT_EQ(probe(p, {"connect", "::1", v6.port_text()}), "ok") << last().err;
  EXPECT_EQ(v6.arrived(), 1);
  // ::ffff:a.b.c.d is checked as the IPv4 address it is: allowed for .1, refused for .2.
  EXPECT_EQ(probe(p, {"connect", "::ffff:127.0.0.1", v4.port_text()}), "ok") << last().err;
  EXPECT_EQ(v4.arrived(), 1);
  EXPECT_EQ(probe(p, {"connect", "::ffff:127.0.0.2", v4_other.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(v4_other.arrived(), 0);
}

TEST_F(RunSupervised, LocalhostIsResolvedOnceAndPinned) {
  Peer p("127.0.0.1", SOCK_STREAM), other("127.0.0.2", SOCK_STREAM, p.port());
  const auto prof = allow(quoted("tcp://localhost:" + p.port_text()));
  EXPECT_EQ(probe(prof, {"connect", "127.0.0.1", p.port_text()}, {"--verbose"}), "ok") << last().err;
  EXPECT_NE(last().err.find("sandlock: resolved localhost -> 127.0.0.1"), std::string::npos) << last().err;
  EXPECT_EQ(probe(prof, {"connect", "127.0.0.2", p.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(p.arrived(), 1);
  EXPECT_EQ(other.arrived(), 0);
}

TEST_F(RunSupervised, UnresolvableHostRefusesTheRun) {
  const auto prof = allow(quoted("tcp://no-such-host.invalid:80"));
  probe(prof, {"connect", "127.0.0.1", "1"});
  EXPECT_EQ(last().exit_code, 125);
  EXPECT_EQ(last().out, "");
  EXPECT_NE(last().err.find("cannot resolve the network target 'no-such-host.invalid'"), std::string::npos) << last().err;
}

TEST_F(RunSupervised, UdpDeliversToAllowedPortOnly) {
  // The TCP listener first: its ephemeral port is free of TCP sockets in any state.
  Peer tcp("127.0.0.1", SOCK_STREAM);
  Peer good("127.0.0.1", SOCK_DGRAM, tcp.port()), bad("127.0.0.1", SOCK_DGRAM);
  const auto p = allow(quoted("udp://127.0.0.1:" + good.port_text()));
  EXPECT_EQ(probe(p, {"udp-send", "127.0.0.1", good.port_text()}), "ok") << last().err;
  EXPECT_EQ(good.arrived(), 1);
  EXPECT_EQ(probe(p, {"udp-send", "127.0.0.1", bad.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(bad.arrived(), 0);
  EXPECT_EQ(probe(p, {"udp-sendmsg", "127.0.0.1", good.port_text()}), "ok") << last().err;
  EXPECT_EQ(good.arrived(), 1);
  EXPECT_EQ(probe(p, {"udp-sendmsg", "127.0.0.1", bad.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(bad.arrived(), 0);
  // The UDP rule does not open TCP to the same address and port.
  EXPECT_EQ(probe(p, {"connect", "127.0.0.1", good.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(tcp.arrived(), 0);
}

TEST_F(RunSupervised, SendmmsgChecksEveryMessage) {
  Peer good("127.0.0.1", SOCK_DGRAM), bad("127.0.0.1", SOCK_DGRAM);
  const auto p = allow(quoted("udp://127.0.0.1:" + good.port_text()));
  const std::string g = good.port_text(), b = bad.port_text();
  // Two allowed, then a refused one: the batch stops there and reports 2, each sent message
  // with its byte count written back into its msg_len, as the kernel does.
  EXPECT_EQ(probe(p, {"udp-sendmmsg", "127.0.0.1", g, "127.0.0.1", g, "127.0.0.1", b}), "sent 2 len 8,8")
      << last().err;
  EXPECT_EQ(good.arrived(), 2);
  EXPECT_EQ(bad.arrived(), 0);
  EXPECT_EQ(probe(p, {"udp-sendmmsg", "127.0.0.1", b, "127.0.0.1", g}), "errno 13") << last().err;
  EXPECT_EQ(good.arrived() + bad.arrived(), 0);
}

// A signal that interrupts a call the supervisor has taken up would make the kernel drop
// the notification and the program retry a send that was already made (before the fix,
// ~4 of 300 datagrams arrived twice here). Taken calls wait for their answer instead
// (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV); a call not yet taken still fails with EINTR,
// which the probe must meet for the run to show anything.
TEST_F(RunSupervised, ASignalDuringASupervisedSendNeverRepeatsIt) {
  Peer udp("127.0.0.1", SOCK_DGRAM);
  const auto p = allow(quoted("udp://127.0.0.1:" + udp.port_text()));
  constexpr int kSends = 300;
  EXPECT_EQ(probe(p, {"udp-send-signalled", "127.0.0.1", udp.port_text(), std::to_string(kSends)}),
            "signals many, interrupted some")
      << last().err;
  const std::vector<std::string> got = udp.datagrams();
  EXPECT_EQ(got.size(), static_cast<std::size_t>(kSends));
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size()) << "a datagram arrived twice";
}

// A caller waits for the supervisor's answer killable only, so a signal it handles waits
// too; the supervisor interrupts the call it is making for it (EINTR), and the handler runs
// at once, as without a sandbox (where the control shows it does). Before, this connect
// waited for the kernel's connect timeout, about two minutes.
TEST_F(RunSupervised, ASignalHandlerInterruptsABlockedSupervisedConnect) {
  const FullListener full;
  const std::string port = full.port_text();
  const auto p = allow(quoted("tcp://127.0.0.1:" + port));
  EXPECT_EQ(probe(p, {"connect-interrupted", "127.0.0.1", port}), "interrupted") << last().err;
  const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "connect-interrupted", "127.0.0.1", port});
  EXPECT_EQ(unsandboxed.out, "interrupted\n") << unsandboxed.err;
}

TEST_F(RunSupervised, DenyListBlocksListedTargetsOnly) {
  Peer p("127.0.0.1", SOCK_STREAM), listed("127.0.0.2", SOCK_STREAM, p.port());
  Peer udp_listed("127.0.0.2", SOCK_DGRAM), udp_ok("127.0.0.1", SOCK_DGRAM, udp_listed.port());
  const auto prof = deny(quoted("127.0.0.2"), "deny.yaml");
  EXPECT_EQ(probe(prof, {"connect", "127.0.0.1", p.port_text()}), "ok") << last().err;
  EXPECT_EQ(probe(prof, {"connect", "127.0.0.2", p.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(probe(prof, {"udp-send", "127.0.0.1", udp_ok.port_text()}), "ok") << last().err;
  EXPECT_EQ(probe(prof, {"udp-send", "127.0.0.2", udp_listed.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(p.arrived(), 1);
  EXPECT_EQ(listed.arrived(), 0);
  EXPECT_EQ(udp_ok.arrived(), 1);
  EXPECT_EQ(udp_listed.arrived(), 0);
}

TEST_F(RunSupervised, RewritingTheAddressWhileConnectingNeverReachesTheOtherPort) {
  Peer good("127.0.0.1", SOCK_STREAM), bad("127.0.0.1", SOCK_STREAM);
  const auto p = allow(quoted("tcp://127.0.0.1:" + good.port_text()));
  const std::string answer = probe(p, {"race-connect", good.port_text(), bad.port_text(), "400"});
  EXPECT_EQ(bad.arrived(), 0) << answer;
  // Every attempt either connected to the allowed port or was refused (EACCES), nothing else.
  const int connected = good.arrived();
  EXPECT_GT(connected, 0) << answer;
  const std::string ok = "ok=" + std::to_string(connected);
  EXPECT_EQ(answer, connected == 400 ? ok : "errno 13=" + std::to_string(400 - connected) + " " + ok) << last().err;
}

// The same race between two hosts on one port, which Landlock (ports only) cannot tell
// apart: only the supervisor stands between the sandbox and 127.0.0.2. It makes the connect
// with the address it checked; had it let the kernel make the call (CONTINUE), the kernel
// would read the address again, and the flipped one would get through.
TEST_F(RunSupervised, RewritingTheAddressWhileConnectingNeverReachesTheOtherHost) {
  Peer good("127.0.0.1", SOCK_STREAM), bad("127.0.0.2", SOCK_STREAM, good.port());
  const std::string port = good.port_text();
  const auto p = allow(quoted("tcp://127.0.0.1:" + port));
  // Every attempt either connected to the allowed host or was refused (EACCES), nothing
  // else. The flipper can fall into step with the supervisor's reads and have every one
  // refused: a round that connects none is run again, so the allowed side shows it works.
  int connected = 0;
  for (int round = 0; round < 3 && connected == 0; ++round) {
    const std::string answer = probe(p, {"race-connect", "127.0.0.1:" + port, "127.0.0.2:" + port, "400"});
    EXPECT_EQ(bad.arrived(), 0) << answer;
    connected = good.arrived();
    std::string expected = connected < 400 ? "errno 13=" + std::to_string(400 - connected) : "";
    if (connected > 0) expected += (expected.empty() ? "ok=" : " ok=") + std::to_string(connected);
    EXPECT_EQ(answer, expected) << last().err;
  }
  EXPECT_GT(connected, 0);
}

TEST_F(RunSupervised, SocketPassedInFromAForkedChildIsStillChecked) {
  Peer good("127.0.0.1", SOCK_STREAM), bad("127.0.0.1", SOCK_STREAM);
  const auto p = allow(quoted("tcp://127.0.0.1:" + good.port_text()));
  EXPECT_EQ(probe(p, {"connect-passed-socket", "127.0.0.1", bad.port_text()}), "errno 13") << last().err;
  EXPECT_EQ(probe(p, {"connect-passed-socket", "127.0.0.1", good.port_text()}), "ok") << last().err;
  EXPECT_EQ(bad.arrived(), 0);
  EXPECT_EQ(good.arrived(), 1);
}

// A unix socket bound at `path` (stream: listening).
int unix_socket_at(const std::string& path, int type) {
  const int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) throw std::runtime_error("socket path too long: " + path);
  memcpy(addr.sun_path, path.data(), path.size());
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());  // exact: abstract names
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || (type == SOCK_STREAM && listen(fd, 8) != 0))
    throw std::runtime_error("cannot bind " + path);
  return fd;
}

// Reads what arrives on the descriptor passed over an accepted connection of `listener`.
std::string read_passed_descriptor(int listener) {
  const int conn = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (conn < 0) return "no connection";
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  std::string out = "no descriptor";
  if (recvmsg(conn, &m, MSG_CMSG_CLOEXEC) == 1 && CMSG_FIRSTHDR(&m) && CMSG_FIRSTHDR(&m)->cmsg_type == SCM_RIGHTS) {
    int passed = -1;
    memcpy(&passed, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof passed);
    char buf[16] = {};
    out = read(passed, buf, sizeof buf - 1) > 0 ? buf : "unreadable descriptor";
    close(passed);
  }
  close(conn);
  return out;
}

// The uid a connected unix peer reports (SO_PEERCRED) for the next connection on `listener`.
std::string peer_uid(int listener) {
  fcntl(listener, F_SETFL, O_NONBLOCK);  // the probe has connected (or not) by now
  const int conn = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (conn < 0) return "no connection";
  ucred cred{};
  socklen_t len = sizeof cred;
  const std::string out = getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 ? std::to_string(cred.uid) : "?";
  close(conn);
  return out;
}

// The domain agent makes a unix call with the caller's credentials, not with those the
// sandbox started with: a command that gave up root cannot reach a root-only socket file
// (or bind in a root-only directory) through it, and its peer sees the uid it has. Controls:
// as root it can; unsandboxed, as nobody it cannot; a socket open to all takes nobody.
TEST_F(RunSupervised, UnixCallsAreMadeWithTheCallersCredentials) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (the command gives up root before its unix calls)";
  ASSERT_EQ(chmod(dir_.path().c_str(), 0755), 0);
  const std::string sockets = dir_.path() + "/sockets", root_dir = dir_.path() + "/root-only";
  ASSERT_EQ(mkdir(sockets.c_str(), 0755), 0);
  ASSERT_EQ(mkdir(root_dir.c_str(), 0755), 0);
  const int root_only = unix_socket_at(sockets + "/root.sock", SOCK_STREAM);
  const int open_to_all = unix_socket_at(sockets + "/open.sock", SOCK_STREAM);
  ASSERT_EQ(chmod((sockets + "/root.sock").c_str(), 0600), 0);
  ASSERT_EQ(chmod((sockets + "/open.sock").c_str(), 0666), 0);
  const auto p = profile("network: {allow: [\"tcp://127.0.0.1:1\"]}\nfilesystem: {write: [" + root_dir + "]}\n");
  const std::string nobody = "65534";

  EXPECT_EQ(probe(p, {"unix-as", "0", "connect", sockets + "/root.sock"}), "ok") << last().err;
  EXPECT_EQ(peer_uid(root_only), "0");
  EXPECT_EQ(probe(p, {"unix-as", nobody, "connect", sockets + "/root.sock"}), "errno 13") << last().err;
  EXPECT_EQ(peer_uid(root_only), "no connection");
  EXPECT_EQ(probe(p, {"unix-as", nobody, "connect", sockets + "/open.sock"}), "ok") << last().err;
  EXPECT_EQ(peer_uid(open_to_all), nobody);
  // bind is supervised where Landlock cannot keep a bind list (ABI < 4).
  const auto binds = profile("network: {bind: [1]}\nfilesystem: {write: [" + root_dir +
                                 "]}\nprotections: {net-tcp: degradable, fs-ioctl-dev: degradable, signal-scope: "
                                 "degradable, abstract-unix-socket-scope: degradable}\n",
                             "binds.yaml");
  EXPECT_EQ(probe(binds, {"unix-as", nobody, "bind", root_dir + "/b.sock"}, {"--abi", "3"}), "errno 13") << last().err;
  EXPECT_EQ(probe(binds, {"unix-as", "0", "bind", root_dir + "/b.sock"}, {"--abi", "3"}), "ok") << last().err;
  for (const std::string op : {"connect", "bind"}) {
    const std::string target = op == "bind" ? root_dir + "/c.sock" : sockets + "/root.sock";
    const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "unix-as", nobody, op, target});
    EXPECT_EQ(unsandboxed.out, "errno 13\n") << op << " " << unsandboxed.err;
  }
  close(root_only);
  close(open_to_all);
}

// Unix sockets are not the destination policy's business, but the supervisor sees their
// connect/sendmsg calls too: it hands them to a helper inside the sandbox's own Landlock
// domain, so they behave as without a supervisor — relative paths, passed descriptors,
// datagrams — and the abstract-socket scope still holds (denied outside, allowed inside).
TEST_F(RunSupervised, UnixSocketsBehaveAsWithoutTheSupervisor) {
  const std::string sockets = dir_.path() + "/sockets";
  ASSERT_EQ(mkdir(sockets.c_str(), 0755), 0);
  const int stream = unix_socket_at(sockets + "/s.sock", SOCK_STREAM);
  const int dgram = unix_socket_at(sockets + "/d.sock", SOCK_DGRAM);
  const auto p = allow(quoted("tcp://127.0.0.1:1"));
  EXPECT_EQ(probe(p, {"unix-connect-in", sockets, "s.sock"}), "ok") << last().err;
  EXPECT_EQ(probe(p, {"unix-connect-in", sockets, "missing.sock"}), "errno 2") << last().err;
  EXPECT_EQ(probe(p, {"unix-send-fd", sockets + "/s.sock"}), "ok") << last().err;
  const int first = accept4(stream, nullptr, nullptr, SOCK_CLOEXEC);  // the unix-connect-in one
  EXPECT_GE(first, 0);
  close(first);
  EXPECT_EQ(read_passed_descriptor(stream), "fd-ok");
  EXPECT_EQ(probe(p, {"unix-dgram-sendto", sockets + "/d.sock"}), "ok") << last().err;
  char buf[16] = {};
  EXPECT_EQ(recv(dgram, buf, sizeof buf - 1, MSG_DONTWAIT), 8);
  EXPECT_STREQ(buf, "dgram-ok");

  const std::string name = "sandlock-supervised-" + std::to_string(getpid());
  const int outside = unix_socket_at(std::string(1, '\0') + name, SOCK_STREAM);
  EXPECT_EQ(probe(p, {"abstract-connect", name}), "errno 1") << last().err;
  EXPECT_EQ(probe(p, {"abstract-self"}), "ok") << last().err;
  const auto unscoped = profile("network: {allow: [\"tcp://127.0.0.1:1\"]}\nprotections: {abstract-unix-socket-scope: disabled}\n",
                                "unscoped.yaml");
  EXPECT_EQ(probe(unscoped, {"abstract-connect", name}), "ok") << last().err;
  for (const int fd : {stream, dgram, outside}) close(fd);
}

// An SCM_RIGHTS message whose cmsg_len runs past the control data is refused (EINVAL), as
// the kernel refuses it; the supervisor took the descriptor numbers to pass from beyond the
// copy of the control data (its own heap: EBADF when they were not the caller's).
// Control: the same message, well formed, passes its descriptor.
TEST_F(RunSupervised, AnScmRightsMessageLongerThanItsControlDataIsRefused) {
  const auto p = allow(quoted("tcp://127.0.0.1:1"));
  EXPECT_EQ(probe(p, {"unix-send-rights-past-control", "fits"}), "ok") << last().err;
  EXPECT_EQ(probe(p, {"unix-send-rights-past-control", "past"}), "errno 22") << last().err;
  const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "unix-send-rights-past-control", "past"});
  EXPECT_EQ(unsandboxed.out, "errno 22\n") << unsandboxed.err;
}

// Unix calls are made by helpers in the sandbox's domain, a worker per call: a send that
// blocks (its peer reads nothing) does not hold up another thread's send, as without a
// sandbox (with one helper for all calls it did, until the first send ended).
TEST_F(RunSupervised, ABlockedUnixSendDoesNotHoldUpAnother) {
  const auto p = allow(quoted("tcp://127.0.0.1:1"));
  EXPECT_EQ(probe(p, {"unix-send-beside-a-blocked-one"}), "both") << last().err;
  const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "unix-send-beside-a-blocked-one"});
  EXPECT_EQ(unsandboxed.out, "both\n") << unsandboxed.err;
}

// A unix call blocked in a worker is interrupted for a signal its caller handles, as the
// kernel would interrupt it: the handler runs at once (before, the send went on until its
// 8 s send timeout: "interrupted late").
TEST_F(RunSupervised, ASignalHandlerInterruptsABlockedUnixSend) {
  const auto p = allow(quoted("tcp://127.0.0.1:1"));
  EXPECT_EQ(probe(p, {"unix-send-interrupted"}), "interrupted") << last().err;
  const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "unix-send-interrupted"});
  EXPECT_EQ(unsandboxed.out, "interrupted\n") << unsandboxed.err;
}

// With no room in the sandbox's process limit for a worker (the command and the first agent
// use it up), the first agent makes the unix call itself, for callers with its credentials.
TEST_F(RunSupervised, UnixCallsWorkWhenNoWorkerCanBeForked) {
  std::string why;
  if (!PidsCgroup::create(8, why))
    GTEST_SKIP() << "SKIP: no pids cgroup here, so `processes` (RLIMIT_NPROC, set after the agent starts) "
                    "would not bind the agent: "
                 << why;
  const std::string sockets = dir_.path() + "/sockets";
  ASSERT_EQ(mkdir(sockets.c_str(), 0755), 0);
  const int dgram = unix_socket_at(sockets + "/d.sock", SOCK_DGRAM);
  const auto tight = profile("network: {allow: [\"tcp://127.0.0.1:1\"]}\nlimits: {processes: 2}\n", "tight.yaml");
  EXPECT_EQ(probe(tight, {"unix-dgram-sendto", sockets + "/d.sock"}), "ok") << last().err;
  char buf[16] = {};
  EXPECT_EQ(recv(dgram, buf, sizeof buf - 1, MSG_DONTWAIT), 8);
  EXPECT_STREQ(buf, "dgram-ok");
  // The limit is really that tight: the command cannot fork.
  EXPECT_EQ(probe(tight, {"fork-many", "1"}), "errno 11") << last().err;
  close(dgram);
  if (geteuid() != 0) return;
  // A caller that gave up root is not served by the first agent, which has the credentials
  // the sandbox started with: EACCES (fail closed). Control: the same call unchanged is.
  ASSERT_EQ(chmod(dir_.path().c_str(), 0755), 0);
  const int open_to_all = unix_socket_at(sockets + "/open.sock", SOCK_STREAM);
  ASSERT_EQ(chmod((sockets + "/open.sock").c_str(), 0666), 0);
  EXPECT_EQ(probe(tight, {"unix-as", "65534", "connect", sockets + "/open.sock"}), "errno 13") << last().err;
  EXPECT_EQ(probe(tight, {"unix-connect-in", sockets, "open.sock"}), "ok") << last().err;
  close(open_to_all);
}

// sandlock itself not root: its workers take on credentials they already have, which needs
// no privilege (setgroups alone would want CAP_SETGID, even for the same list: every unix
// call failed with EACCES). Control: unsandboxed, the same user connects.
TEST_F(RunSupervised, UnixCallsWorkWhenSandlockIsNotRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (to start sandlock as another user with setpriv)";
  if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "SKIP: /usr/bin/setpriv (util-linux) is not installed";
  const std::vector<std::string> as_nobody{"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  for (const std::string& needed : {sandlock_binary(), source_dir() + "/policies/python3.yaml"}) {
    std::vector<std::string> check = as_nobody;
    check.insert(check.end(), {"/usr/bin/test", "-r", needed});
    if (run_process(check).exit_code != 0) GTEST_SKIP() << "SKIP: uid 65534 cannot read " << needed;
  }
  ASSERT_EQ(chmod(dir_.path().c_str(), 0755), 0);
  const std::string sockets = dir_.path() + "/sockets";
  ASSERT_EQ(mkdir(sockets.c_str(), 0755), 0);
  const int open_to_all = unix_socket_at(sockets + "/open.sock", SOCK_STREAM);
  ASSERT_EQ(chmod((sockets + "/open.sock").c_str(), 0666), 0);
  const auto p = allow(quoted("tcp://127.0.0.1:1"));
  ASSERT_EQ(chmod(p.c_str(), 0644), 0);
  const std::vector<std::string> connect{kPython, "-c", probe_code_, "unix-connect-in", sockets, "open.sock"};
  std::vector<std::string> sandboxed = as_nobody;
  for (const std::string& a : {sandlock_binary(), std::string("run"), std::string("--profile"), p, std::string("--")})
    sandboxed.push_back(a);
  sandboxed.insert(sandboxed.end(), connect.begin(), connect.end());
  const ProcessResult r = run_process(sandboxed, {"SANDLOCK_PLAN_CACHE=off"});
  EXPECT_EQ(r.out, "ok\n") << r.err;
  EXPECT_EQ(peer_uid(open_to_all), "65534");
  std::vector<std::string> unsandboxed = as_nobody;
  unsandboxed.insert(unsandboxed.end(), connect.begin(), connect.end());
  EXPECT_EQ(run_process(unsandboxed).out, "ok\n");
  close(open_to_all);
}

// With room for one worker only, idle with the credentials of a call made before, a caller
// with other credentials gets it: the idle one makes room (before, the call waited for ever
// and sandlock with it, past --timeout).
TEST_F(RunSupervised, AtTheLimitAnIdleWorkerMakesRoomForOtherCredentials) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (the command gives up root between its calls)";
  std::string why;
  if (!PidsCgroup::create(8, why)) GTEST_SKIP() << "SKIP: no pids cgroup here: " << why;
  ASSERT_EQ(chmod(dir_.path().c_str(), 0755), 0);
  const std::string sockets = dir_.path() + "/sockets";
  ASSERT_EQ(mkdir(sockets.c_str(), 0755), 0);
  const int open_to_all = unix_socket_at(sockets + "/open.sock", SOCK_STREAM);
  ASSERT_EQ(chmod((sockets + "/open.sock").c_str(), 0666), 0);
  // The command, the first agent and one worker.
  const auto one_worker = profile("network: {allow: [\"tcp://127.0.0.1:1\"]}\nlimits: {processes: 3}\n");
  EXPECT_EQ(probe(one_worker, {"unix-connect-then-as", "65534", sockets + "/open.sock"}, {"--timeout", "20"}), "ok")
      << last().err;
  EXPECT_EQ(peer_uid(open_to_all), "0");
  EXPECT_EQ(peer_uid(open_to_all), "65534");
  close(open_to_all);
}

// The same when no worker can be had and the first agent makes the call itself: the
// launcher hands the supervisor that agent's pidfd too (before, "interrupted late").
TEST_F(RunSupervised, ASignalHandlerInterruptsAUnixSendTheFirstAgentMakes) {
  std::string why;
  if (!PidsCgroup::create(8, why))
    GTEST_SKIP() << "SKIP: no pids cgroup here, so `processes` (RLIMIT_NPROC, set after the agent starts) "
                    "would not bind the agent: "
                 << why;
  const auto tight = profile("network: {allow: [\"tcp://127.0.0.1:1\"]}\nlimits: {processes: 2}\n", "tight.yaml");
  EXPECT_EQ(probe(tight, {"unix-send-interrupted"}), "interrupted") << last().err;
  // The limit is really that tight: the command cannot fork, so no worker can be.
  EXPECT_EQ(probe(tight, {"fork-many", "1"}), "errno 11") << last().err;
}

// The domain agent is sandlock's child, not the command's: a command that waits for any
// child, having made none, is told at once that it has none (it waited for the agent for
// good). Control: the same probe under a profile without the supervisor.
TEST_F(RunSupervised, TheCommandHasNoChildItDidNotMake) {
  EXPECT_EQ(probe(allow(quoted("tcp://127.0.0.1:1")), {"wait-any"}), "no children") << last().err;
  EXPECT_EQ(probe(profile(""), {"wait-any"}), "no children") << last().err;
}

// Nor can the command move the agent out of the process group sandlock kills (setpgid
// works on one's own children only): with the agent stopped and a unix send waiting for it,
// --timeout still ends the run (the command had moved the agent away and stopped it, and
// sandlock waited for its answer for good).
TEST_F(RunSupervised, TheCommandCannotKeepTheAgentFromTheTimeout) {
  const std::string sockets = dir_.path() + "/sockets";
  ASSERT_EQ(mkdir(sockets.c_str(), 0755), 0);
  const int dgram = unix_socket_at(sockets + "/d.sock", SOCK_DGRAM);
  const auto start = std::chrono::steady_clock::now();
  const std::string out = probe(allow(quoted("tcp://127.0.0.1:1")), {"stop-group-then-send", sockets + "/d.sock"},
                                {"--timeout", "2"});
  EXPECT_EQ(last().exit_code, 124) << last().err;
  EXPECT_EQ(last().err.find("moved"), std::string::npos) << last().err;
  EXPECT_NE(last().err.find("setpgid"), std::string::npos) << last().err;  // it found the agent
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  close(dgram);
}

// A signal to the sandbox's process group that the command survives (a hang-up it ignores)
// must not take the domain agent with it: unix calls go on working.
TEST_F(RunSupervised, UnixCallsSurviveASignalTheCommandIgnores) {
  const std::string sockets = dir_.path() + "/sockets";
  ASSERT_EQ(mkdir(sockets.c_str(), 0755), 0);
  const int dgram = unix_socket_at(sockets + "/d.sock", SOCK_DGRAM);
  const auto p = allow(quoted("tcp://127.0.0.1:1"));
  EXPECT_EQ(probe(p, {"unix-dgram-sendto-after-sighup", sockets + "/d.sock"}), "ok") << last().err;
  char buf[16] = {};
  EXPECT_EQ(recv(dgram, buf, sizeof buf - 1, MSG_DONTWAIT), 8);
  EXPECT_STREQ(buf, "dgram-ok");
  close(dgram);
}

// The supervisor's decision about a unix socket must not carry over to a TCP socket that
// another thread dup2()s onto the same fd number meanwhile. The allowed rule names another
// host on the same port, so Landlock (ports only) lets the port through and only the
// supervisor stands between the sandbox and 127.0.0.1.
TEST_F(RunSupervised, SwappingATcpSocketOntoAUnixSocketsNumberNeverConnectsUnchecked) {
  Peer bad("127.0.0.1", SOCK_STREAM);
  const auto p = allow(quoted("tcp://127.0.0.2:" + bad.port_text()));
  const std::string answer = probe(p, {"race-fd-swap", "127.0.0.1", bad.port_text(), "1000"});
  EXPECT_EQ(bad.arrived(), 0) << answer;
  // TCP: refused by the supervisor (EACCES); unix: an inet address is invalid for it (EINVAL).
  EXPECT_NE(answer.find("errno 13="), std::string::npos) << answer << last().err;
  EXPECT_EQ(answer.find("ok"), std::string::npos) << answer;
  // Control: when the destination is allowed, the same race does connect.
  const auto control = allow(quoted("tcp://127.0.0.1:" + bad.port_text()), "control.yaml");
  const std::string allowed = probe(control, {"race-fd-swap", "127.0.0.1", bad.port_text(), "300"});
  EXPECT_NE(allowed.find("ok="), std::string::npos) << allowed << last().err;
  EXPECT_GT(bad.arrived(), 0);
}

// A send made on the caller's behalf to a closed peer: the caller gets EPIPE, and SIGPIPE
// unless it asked for MSG_NOSIGNAL — the signal never lands on sandlock itself.
TEST_F(RunSupervised, SendToAClosedPeerSignalsTheCallerNotSandlock) {
  const auto p = profile("network: {allow: [\"tcp://127.0.0.1\"], bind: [\"*\"]}\n");
  EXPECT_EQ(probe(p, {"send-to-closed-peer", "nosignal"}), "errno 32") << last().err;
  EXPECT_EQ(last().exit_code, 0);
  EXPECT_EQ(probe(p, {"send-to-closed-peer", "signal"}), "sigpipe errno 32") << last().err;
  EXPECT_EQ(last().exit_code, 0) << last().err;
}

// A ping socket (SOCK_DGRAM, IPPROTO_ICMP) is checked against the ICMP rules, not the UDP
// ones, though it is a datagram socket too: a UDP rule for every port of 127.0.0.1 does not
// let it ping there (EACCES); an ICMP rule does (the reply arrives). Ping sockets need a
// group in net.ipv4.ping_group_range, which is per network namespace: the runs are made
// from a child in a namespace of its own, with its loopback up. Control: unsandboxed there,
// the ping is answered.
TEST_F(RunSupervised, APingSocketMeetsTheIcmpRulesNotTheUdpOnes) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (a network namespace that allows ping sockets)";
  const auto udp = allow(quoted("udp://127.0.0.1"), "udp.yaml");
  const auto icmp = allow(quoted("icmp://127.0.0.1"), "icmp.yaml");
  const std::string report = in_ping_namespace([&] {
    const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "ping", "127.0.0.1"});
    return "unsandboxed " + unsandboxed.out + "udp rule " + probe(udp, {"ping", "127.0.0.1"}) + "\n" +
           "icmp rule " + probe(icmp, {"ping", "127.0.0.1"}) + "\n";
  });
  EXPECT_EQ(report, "unsandboxed ok\nudp rule errno 13\nicmp rule ok\n");
}

// A profile that allows TCP only, by port, is kept by Landlock alone (no supervisor), and
// Landlock sees TCP only: seccomp refuses the UDP socket itself (EPERM), or a datagram could
// go anywhere. Controls: TCP connects under the same profile, and a UDP rule lets the same
// datagram through.
TEST_F(RunSupervised, ATcpOnlyProfileWithoutASupervisorRefusesUdpSockets) {
  Peer tcp("127.0.0.1", SOCK_STREAM), udp("127.0.0.1", SOCK_DGRAM);
  const auto tcp_only = allow(quoted("tcp://*:" + tcp.port_text()), "tcp.yaml");
  EXPECT_EQ(probe(tcp_only, {"connect", "127.0.0.1", tcp.port_text()}), "ok") << last().err;
  EXPECT_EQ(tcp.arrived(), 1);
  EXPECT_EQ(probe(tcp_only, {"udp-send", "127.0.0.1", udp.port_text()}), "errno 1") << last().err;
  EXPECT_EQ(udp.arrived(), 0);
  const auto control = allow(quoted("udp://127.0.0.1:" + udp.port_text()), "udp.yaml");
  EXPECT_EQ(probe(control, {"udp-send", "127.0.0.1", udp.port_text()}), "ok") << last().err;
  EXPECT_EQ(udp.arrived(), 1);
}

TEST_F(RunSupervised, IoUringAndRawSocketsStayDenied) {
  const auto p = allow(quoted("udp://127.0.0.1:53") + ", " + quoted("icmp://127.0.0.1"));
  EXPECT_EQ(probe(p, {"io_uring_setup"}), "errno 1") << last().err;
  EXPECT_EQ(probe(p, {"raw-socket"}), "errno 1") << last().err;
  Peer udp("127.0.0.1", SOCK_DGRAM, 0);
  const auto control = allow(quoted("udp://127.0.0.1:" + udp.port_text()), "control.yaml");
  EXPECT_EQ(probe(control, {"udp-send", "127.0.0.1", udp.port_text()}), "ok") << last().err;
  EXPECT_EQ(udp.arrived(), 1);
}

TEST_F(RunSupervised, AbiThreeStillEnforcesTcpRulesThroughTheSupervisor) {
  Peer p("127.0.0.1", SOCK_STREAM), q("127.0.0.1", SOCK_STREAM), other("127.0.0.2", SOCK_STREAM, p.port());
  const auto prof = profile("network: {allow: [" + quoted("tcp://127.0.0.1:" + p.port_text()) +
                            "]}\nprotections: {net-tcp: degradable, fs-ioctl-dev: degradable, signal-scope: "
                            "degradable, abstract-unix-socket-scope: degradable}\n");
  EXPECT_EQ(probe(prof, {"connect", "127.0.0.1", p.port_text()}, {"--abi", "3"}), "ok") << last().err;
  EXPECT_NE(last().err.find("net-tcp is degraded"), std::string::npos) << last().err;
  EXPECT_EQ(probe(prof, {"connect", "127.0.0.1", q.port_text()}, {"--abi", "3"}), "errno 13") << last().err;
  EXPECT_EQ(probe(prof, {"connect", "127.0.0.2", p.port_text()}, {"--abi", "3"}), "errno 13") << last().err;
  EXPECT_EQ(p.arrived(), 1);
  EXPECT_EQ(q.arrived() + other.arrived(), 0);
}

// A source route sends the packet first to a hop the supervisor never checked (the checked
// destination rides in the route): the socket options that set one are refused, and so are
// control messages but a few that neither route nor need a privilege (the supervisor's
// would be used, not the caller's). Controls: the same options and messages unsandboxed,
// and an allowed control message (IP_TTL) delivered under the supervisor.
TEST_F(RunSupervised, SourceRoutesAndPrivilegedControlMessagesAreRefused) {
  Peer udp("127.0.0.1", SOCK_DGRAM, 0);
  const auto p = allow(quoted("udp://127.0.0.1:" + udp.port_text()));
  for (const char* family : {"v4", "v6"}) {
    EXPECT_EQ(probe(p, {"source-route", family}), "errno 1") << family << " " << last().err;
    const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "source-route", family});
    EXPECT_EQ(unsandboxed.out, "ok\n") << family << " " << unsandboxed.err;
  }
  EXPECT_EQ(probe(p, {"udp-cmsg", "127.0.0.1", udp.port_text(), "ttl"}), "ok") << last().err;
  EXPECT_EQ(udp.arrived(), 1);
  EXPECT_EQ(probe(p, {"udp-cmsg", "127.0.0.1", udp.port_text(), "retopts"}), "errno 1") << last().err;
  EXPECT_EQ(udp.arrived(), 0);
  const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "udp-cmsg", "127.0.0.1", udp.port_text(), "retopts"});
  EXPECT_EQ(unsandboxed.out, "ok\n") << unsandboxed.err;
  EXPECT_EQ(udp.arrived(), 1);
}

// Where the supervisor makes binds (Landlock without TCP rules), a privileged port needs the
// caller's CAP_NET_BIND_SERVICE, not the supervisor's: a command that gave up root gets
// EACCES as without a sandbox. Control: the same bind as root is made.
TEST_F(RunSupervised, APrivilegedBindNeedsTheCallersCapability) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (the command gives up root before binding)";
  int port = 0;
  for (int candidate = 1023; candidate > 900 && !port; --candidate) {  // a free privileged port
    const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(candidate));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) port = candidate;
    close(s);
  }
  ASSERT_NE(port, 0) << "no free port below 1024";
  const auto prof = profile("network: {bind: [" + std::to_string(port) +
                            "]}\nprotections: {net-tcp: degradable, fs-ioctl-dev: degradable, signal-scope: "
                            "degradable, abstract-unix-socket-scope: degradable}\n");
  EXPECT_EQ(probe(prof, {"bind", std::to_string(port)}, {"--abi", "3"}), "ok") << last().err;
  EXPECT_EQ(probe(prof, {"bind-as-nobody", std::to_string(port)}, {"--abi", "3"}), "errno 13") << last().err;
  const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "bind-as-nobody", std::to_string(port)});
  EXPECT_EQ(unsandboxed.out, "errno 13\n") << unsandboxed.err;
}

// Without Landlock's TCP rules (--abi 3, net-tcp degraded) only the supervisor keeps the bind
// list: a bind on a listed port is made, one on another port is refused (EACCES), as with
// Landlock. Control: with every port listed, the same bind is made.
TEST_F(RunSupervised, AbiThreeStillEnforcesTheBindListThroughTheSupervisor) {
  int listed, other;
  {
    Listener a, b;  // two free ports, released
    listed = a.port();
    other = b.port();
  }
  const std::string degradable =
      "protections: {net-tcp: degradable, fs-ioctl-dev: degradable, signal-scope: degradable, "
      "abstract-unix-socket-scope: degradable}\n";
  const auto p = profile("network: {bind: [" + std::to_string(listed) + "]}\n" + degradable);
  const auto any = profile("network: {bind: [\"*\"]}\n" + degradable, "any.yaml");
  EXPECT_EQ(probe(p, {"bind", std::to_string(listed)}, {"--abi", "3"}), "ok") << last().err;
  EXPECT_NE(last().err.find("net-tcp is degraded"), std::string::npos) << last().err;
  EXPECT_EQ(probe(p, {"bind", std::to_string(other)}, {"--abi", "3"}), "errno 13") << last().err;
  EXPECT_EQ(probe(any, {"bind", std::to_string(other)}, {"--abi", "3"}), "ok") << last().err;
}

// An unspecified destination means "this host": the kernel picks the socket's own address,
// its device's or loopback, from state another thread can change. The supervisor pins it to
// its family's loopback and checks that. A deny list naming loopback keeps 0.0.0.0 out, and
// [::] from an IPv6 socket bound to an IPv4-mapped address (which the kernel sends to
// 127.0.0.1) never reaches 127.0.0.1: pinned to ::1, that socket cannot send there (before,
// it was checked as ::1 and went to 127.0.0.1). Controls: unsandboxed both arrive, and
// under a deny list that does not name loopback 0.0.0.0 does.
TEST_F(RunSupervised, AnUnspecifiedDestinationIsPinnedToLoopback) {
  Peer udp("127.0.0.1", SOCK_DGRAM, 0);
  const auto loopback = deny(quoted("127.0.0.0/8"), "loopback.yaml");
  const auto other = deny(quoted("10.0.0.0/8"), "other.yaml");
  EXPECT_EQ(probe(loopback, {"udp-any", udp.port_text()}), "errno 13") << last().err;
  // ::1 from a socket bound to an IPv4-mapped address: the kernel's own EAFNOSUPPORT.
  EXPECT_EQ(probe(loopback, {"udp-v6-any", udp.port_text()}), "errno 97") << last().err;
  EXPECT_EQ(udp.arrived(), 0);
  for (const char* op : {"udp-any", "udp-v6-any"}) {
    const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, op, udp.port_text()});
    EXPECT_EQ(unsandboxed.out, "ok\n") << op << " " << unsandboxed.err;
  }
  EXPECT_EQ(udp.arrived(), 2);
  EXPECT_EQ(probe(other, {"udp-any", udp.port_text()}), "ok") << last().err;
  EXPECT_EQ(udp.arrived(), 1);
}

// A send names its destination each time: an unspecified one is pinned there too. The kernel
// sends 0.0.0.0 from a socket bound to 127.0.0.2 to 127.0.0.2 itself, which no rule allows;
// checked unpinned (0.0.0.0 and both loopbacks, which the rules allow) it went there.
// Pinned, it goes to 127.0.0.1, as checked; so does ::ffff:0.0.0.0 from an IPv6 socket bound
// to ::ffff:127.0.0.2. Control: unsandboxed, the same sends reach 127.0.0.2.
TEST_F(RunSupervised, AnUnspecifiedSendDestinationIsPinnedToLoopback) {
  Peer loopback("127.0.0.1", SOCK_DGRAM), bound("127.0.0.2", SOCK_DGRAM, loopback.port());
  const std::string port = loopback.port_text();
  const auto p = allow(quoted("udp://0.0.0.0:" + port) + ", " + quoted("udp://127.0.0.1:" + port) + ", " +
                       quoted("udp://[::1]:" + port));
  for (const char* from : {"127.0.0.2", "::ffff:127.0.0.2"}) {
    EXPECT_EQ(probe(p, {"udp-send-any-from", from, port}), "ok") << from << " " << last().err;
    EXPECT_EQ(loopback.arrived(), 1) << from;
    EXPECT_EQ(bound.arrived(), 0) << from;
    const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "udp-send-any-from", from, port});
    EXPECT_EQ(unsandboxed.out, "ok\n") << from << " " << unsandboxed.err;
    EXPECT_EQ(bound.arrived(), 1) << from;
  }
}

// sendto with an address of length 0 names an empty address, which a datagram socket
// refuses (EINVAL) even when connected; sendmsg would drop it and send to the peer. The
// supervisor answers as the kernel does. Control: the plain send after it arrives, and
// unsandboxed the answers are the same.
TEST_F(RunSupervised, SendtoWithAnEmptyAddressIsRefusedAsByTheKernel) {
  Peer udp("127.0.0.1", SOCK_DGRAM);
  const auto p = allow(quoted("udp://127.0.0.1:" + udp.port_text()));
  EXPECT_EQ(probe(p, {"udp-sendto-empty-name", "127.0.0.1", udp.port_text()}), "errno 22, then ok") << last().err;
  EXPECT_EQ(udp.datagrams(), std::vector<std::string>{"plain"});
  const ProcessResult unsandboxed = run_process({kPython, "-c", probe_code_, "udp-sendto-empty-name", "127.0.0.1", udp.port_text()});
  EXPECT_EQ(unsandboxed.out, "errno 22, then ok\n") << unsandboxed.err;
  EXPECT_EQ(udp.datagrams(), std::vector<std::string>{"plain"});
}

// An IPv6 UDP socket reads an AF_UNSPEC destination as "no address" (the connected peer) and
// ignores the bytes after the family; an IPv4 one reads them as an address. IPV6_ADDRFORM
// makes the one the other while the supervisor is between its check and its send (a batch
// of sendmmsg is such a window): those bytes, never checked, named 127.0.0.1:BAD, and every
// later message of the batch went there. Zeroed, they are port 0 to an IPv4 socket: the
// kernel's EINVAL, which cuts the batch short. Controls: unsandboxed the same race reaches
// BAD, and once the socket is IPv4 such a send is checked as IPv4: refused (EACCES) when BAD
// is not allowed, delivered when it is.
TEST_F(RunSupervised, AFamilyChangedMidSendCannotRedirectAnUnspecifiedDestination) {
  Peer good("127.0.0.1", SOCK_DGRAM), bad("127.0.0.1", SOCK_DGRAM);
  const auto p = allow(quoted("udp://127.0.0.1:" + good.port_text()));
  EXPECT_EQ(probe(p, {"udp-addrform-race", good.port_text(), bad.port_text(), "20"}), "cut, after errno 13")
      << last().err;
  EXPECT_EQ(bad.arrived(), 0);
  const ProcessResult unsandboxed =
      run_process({kPython, "-c", probe_code_, "udp-addrform-race", good.port_text(), bad.port_text(), "1"});
  EXPECT_EQ(unsandboxed.out, "never, after ok\n") << unsandboxed.err;
  EXPECT_GT(bad.arrived(), 0);
  const auto both = allow(quoted("udp://127.0.0.1:" + good.port_text()) + ", " + quoted("udp://127.0.0.1:" + bad.port_text()),
                          "both.yaml");
  const std::string allowed = probe(both, {"udp-addrform-race", good.port_text(), bad.port_text(), "1"});
  EXPECT_NE(allowed.find("after ok"), std::string::npos) << allowed << " " << last().err;
  EXPECT_GT(bad.arrived(), 0);
}

TEST_F(RunSupervised, NoNetworkAtAbiThreeRefusesInetSocketsWithoutASupervisor) {
  Peer p("127.0.0.1", SOCK_STREAM);
  const std::string degradable =
      "protections: {net-tcp: degradable, fs-ioctl-dev: degradable, signal-scope: degradable, "
      "abstract-unix-socket-scope: degradable}\n";
  const auto none = profile(degradable, "none.yaml");
  const auto any = profile("network: {allow: [\"tcp://*\"]}\n" + degradable, "any.yaml");
  EXPECT_EQ(probe(none, {"connect", "127.0.0.1", p.port_text()}, {"--abi", "3"}), "errno 13") << last().err;
  EXPECT_EQ(p.arrived(), 0);
  EXPECT_EQ(probe(any, {"connect", "127.0.0.1", p.port_text()}, {"--abi", "3"}), "ok") << last().err;
  EXPECT_EQ(p.arrived(), 1);
}

// A connect the supervisor makes on behalf of one thread blocks (the peer's backlog is
// full); the other threads' connects go on meanwhile, and the run still ends promptly.
TEST_F(RunSupervised, OneBlockedConnectDoesNotStallTheOthers) {
  Peer good("127.0.0.1", SOCK_STREAM);
  const FullListener full;
  const std::string blocked = full.port_text();
  const auto p = allow(quoted("tcp://127.0.0.1:" + good.port_text()) + ", " + quoted("tcp://127.0.0.1:" + blocked));
  EXPECT_EQ(probe(p, {"connect-while-blocked", good.port_text(), blocked, "25"}), "ok") << last().err;
  EXPECT_EQ(good.arrived(), 200);
}

// Kill sandlock (the supervisor's process): a grandchild that outlives it (PDEATHSIG takes
// only the direct child) can no longer connect: the kernel fails supervised calls (ENOSYS).
TEST_F(RunSupervised, KillingSandlockLeavesTheSandboxNoNetwork) {
  Peer p("127.0.0.1", SOCK_STREAM);
  const std::string flag = dir_.file("go"), out = dir_.file("answers");
  const auto prof = profile("filesystem: {write: [" + dir_.path() + "]}\nnetwork: {allow: [" +
                            quoted("tcp://127.0.0.1:" + p.port_text()) + "]}\n");
  int from_child[2];
  ASSERT_EQ(pipe2(from_child, O_CLOEXEC), 0);
  const pid_t sandlock = fork();
  ASSERT_GE(sandlock, 0);
  if (sandlock == 0) {
    dup2(from_child[1], STDOUT_FILENO);
    const std::string bin = sandlock_binary();
    execl(bin.c_str(), bin.c_str(), "run", "--profile", prof.c_str(), "--", kPython, "-c", probe_code_.c_str(),
          "connect-again-after", p.port_text().c_str(), flag.c_str(), out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(from_child[1]);
  char ready[6] = {};
  ASSERT_EQ(read(from_child[0], ready, 5), 5);
  close(from_child[0]);
  EXPECT_STREQ(ready, "ready");
  kill(sandlock, SIGKILL);
  waitpid(sandlock, nullptr, 0);
  dir_.write("go", "");
  std::string answers;
  for (int i = 0; i < 250 && answers.empty(); ++i) {
    usleep(20'000);
    answers = read_file(out);
  }
  EXPECT_EQ(answers, "ok,errno 38");  // connected under the supervisor; ENOSYS without it
  EXPECT_EQ(p.arrived(), 1);
}

}  // namespace
}  // namespace sandlock::testing
