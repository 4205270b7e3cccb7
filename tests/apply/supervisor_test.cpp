// The network supervisor below the CLI: the destination decision on exact sockaddr bytes
// (as the kernel reads them), host pinning, and fail-closed when the supervisor stops.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/apply/confine.h"
#include "engine/apply/listener_handoff.h"
#include "engine/apply/task_status.h"
#include "engine/apply/unique_fd.h"
#include "engine/util/disk.h"
#include "tests/apply/net_helpers.h"

namespace sandlock {
namespace {

DestinationPolicy loopback_port_80() {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoTcp, cidr(AF_INET, "127.0.0.1", 32), {{80, 80}})};
  g.bind = {{8000, 8001}};
  return policy_for(g);
}

TEST(Destinations, DecidesOnTheAddressAsTheKernelReadsIt) {
  const DestinationPolicy p = loopback_port_80();
  const auto check = [&](AddressUse use, const sockaddr_storage& a, std::size_t len, int socket_family = AF_INET,
                         NetProto proto = kProtoTcp) { return destination_errno(p, proto, socket_family, use, a, len); };
  EXPECT_EQ(check(AddressUse::Connect, v4("127.0.0.1", 80), sizeof(sockaddr_in)), 0);
  EXPECT_EQ(check(AddressUse::Connect, v4("127.0.0.1", 81), sizeof(sockaddr_in)), EACCES);
  EXPECT_EQ(check(AddressUse::Connect, v4("127.0.0.2", 80), sizeof(sockaddr_in)), EACCES);
  EXPECT_EQ(check(AddressUse::Connect, v4("127.0.0.1", 80), sizeof(sockaddr_in), AF_INET, kProtoUdp), EACCES);
  EXPECT_EQ(check(AddressUse::Connect, v4("127.0.0.1", 80), 8), EINVAL);  // short: the kernel's EINVAL
  EXPECT_EQ(check(AddressUse::Connect, v4("127.0.0.1", 80), 1), EINVAL);
  // IPv4-mapped IPv6 is the IPv4 address it is.
  EXPECT_EQ(check(AddressUse::Connect, v6("::ffff:127.0.0.1", 80), sizeof(sockaddr_in6), AF_INET6), 0);
  EXPECT_EQ(check(AddressUse::Connect, v6("::ffff:127.0.0.2", 80), sizeof(sockaddr_in6), AF_INET6), EACCES);
  EXPECT_EQ(check(AddressUse::Connect, v6("::1", 80), sizeof(sockaddr_in6), AF_INET6), EACCES);
  // AF_UNSPEC: connect disassociates; UDP on an AF_INET socket reads it as an IPv4 address.
  EXPECT_EQ(check(AddressUse::Connect, v4("127.0.0.2", 80, AF_UNSPEC), sizeof(sockaddr_in)), 0);
  EXPECT_EQ(check(AddressUse::Send, v4("127.0.0.2", 80, AF_UNSPEC), sizeof(sockaddr_in)), EACCES);
  EXPECT_EQ(check(AddressUse::Send, v4("127.0.0.1", 80, AF_UNSPEC), sizeof(sockaddr_in)), 0);
  EXPECT_EQ(check(AddressUse::Send, v4("127.0.0.2", 80, AF_UNSPEC), sizeof(sockaddr_in), AF_INET6), 0);
  // An inet socket takes no other family.
  EXPECT_EQ(check(AddressUse::Connect, v4("127.0.0.1", 80, AF_UNIX), sizeof(sockaddr_in)), EAFNOSUPPORT);
  // Bind: the TCP bind list; other protocols are not its business.
  EXPECT_EQ(check(AddressUse::Bind, v4("0.0.0.0", 8001), sizeof(sockaddr_in)), 0);
  EXPECT_EQ(check(AddressUse::Bind, v4("0.0.0.0", 8002), sizeof(sockaddr_in)), EACCES);
  EXPECT_EQ(check(AddressUse::Bind, v4("0.0.0.0", 8002), sizeof(sockaddr_in), AF_INET, kProtoUdp), 0);
}

TEST(Destinations, UnspecifiedAddressPassesOnlyWhenWhereItGoesDoes) {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoTcp, cidr(AF_INET, "0.0.0.0", 32), {{80, 80}})};
  const DestinationPolicy only_any = policy_for(g);
  EXPECT_EQ(destination_errno(only_any, kProtoTcp, AF_INET, AddressUse::Connect, v4("0.0.0.0", 80), 16), EACCES);
  g.net_allow.push_back(dest(kProtoTcp, cidr(AF_INET, "127.0.0.1", 32), {{80, 80}}));
  // :: on a socket bound to an IPv4-mapped address goes to 127.0.0.1, so both loopbacks
  // are where an unspecified destination may go, whatever its family.
  EXPECT_EQ(destination_errno(policy_for(g), kProtoTcp, AF_INET, AddressUse::Connect, v4("0.0.0.0", 80), 16), EACCES);
  g.net_allow.push_back(dest(kProtoTcp, cidr(AF_INET6, "::1", 128), {{80, 80}}));
  const DestinationPolicy both = policy_for(g);
  EXPECT_EQ(destination_errno(both, kProtoTcp, AF_INET, AddressUse::Connect, v4("0.0.0.0", 80), 16), 0);
  // Pinned, an unspecified destination is its family's loopback, and only that is checked.
  sockaddr_storage any4 = v4("0.0.0.0", 80), any6 = v6("::", 80), mapped = v6("::ffff:0.0.0.0", 80);
  pin_unspecified_destination(any4, sizeof(sockaddr_in));
  pin_unspecified_destination(any6, sizeof(sockaddr_in6));
  pin_unspecified_destination(mapped, sizeof(sockaddr_in6));
  const auto same = [](const sockaddr_storage& a, const sockaddr_storage& b, std::size_t len) {
    return std::memcmp(&a, &b, len) == 0;
  };
  EXPECT_TRUE(same(any4, v4("127.0.0.1", 80), sizeof(sockaddr_in)));
  EXPECT_TRUE(same(any6, v6("::1", 80), sizeof(sockaddr_in6)));
  EXPECT_TRUE(same(mapped, v6("::ffff:127.0.0.1", 80), sizeof(sockaddr_in6)));
  sockaddr_storage other = v4("10.0.0.1", 80);
  pin_unspecified_destination(other, sizeof(sockaddr_in));
  EXPECT_TRUE(same(other, v4("10.0.0.1", 80), sizeof(sockaddr_in)));
  PolicyGraph v4_only;
  v4_only.net_mode = NetMode::Allow;
  v4_only.net_allow = {dest(kProtoTcp, cidr(AF_INET, "127.0.0.1", 32), {{80, 80}})};
  EXPECT_EQ(destination_errno(policy_for(v4_only), kProtoTcp, AF_INET, AddressUse::Connect, any4, 16), 0);
  // A deny list naming loopback also covers 0.0.0.0, which reaches it.
  PolicyGraph d;
  d.net_mode = NetMode::DenyList;
  d.net_deny = {dest(kProtoTcp | kProtoUdp, cidr(AF_INET, "127.0.0.0", 8), {})};
  const DestinationPolicy deny = policy_for(d);
  EXPECT_EQ(destination_errno(deny, kProtoTcp, AF_INET, AddressUse::Connect, v4("0.0.0.0", 80), 16), EACCES);
  EXPECT_EQ(destination_errno(deny, kProtoTcp, AF_INET, AddressUse::Connect, v4("10.0.0.1", 80), 16), 0);
}

TEST(Destinations, HostNamesArePinnedToTheirAddresses) {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  NetTarget host;
  host.kind = NetTarget::Kind::Host;
  host.host = "localhost";
  g.net_allow = {dest(kProtoTcp, host, {{80, 80}})};
  const DestinationPolicy p = policy_for(g);
  ASSERT_EQ(p.pinned.size(), 1u);
  EXPECT_EQ(p.pinned[0].rfind("localhost -> 127.0.0.1", 0), 0u) << p.pinned[0];
  for (const NetDest& d : p.net.net_allow) EXPECT_EQ(d.target.kind, NetTarget::Kind::Cidr);
  EXPECT_EQ(destination_errno(p, kProtoTcp, AF_INET, AddressUse::Connect, v4("127.0.0.1", 80), 16), 0);
  EXPECT_EQ(destination_errno(p, kProtoTcp, AF_INET, AddressUse::Connect, v4("127.0.0.2", 80), 16), EACCES);

  g.net_allow[0].target.host = "no-such-host.invalid";
  std::string error;
  EXPECT_FALSE(resolve_destinations(g, error));
  EXPECT_EQ(error.rfind("cannot resolve the network target 'no-such-host.invalid': ", 0), 0u) << error;
}

int connect_loopback(std::uint16_t port) {
  const UniqueFd s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_storage a = v4("127.0.0.1", port);
  return connect(s.get(), reinterpret_cast<const sockaddr*>(&a), sizeof(sockaddr_in)) == 0 ? 0 : errno;
}

// A forked child under a connect-notifying filter, answered by a supervisor that allows
// 127.0.0.1; `body` runs in the child with its end of a channel to the test.
class SupervisedChild {
 public:
  template <class Body>
  explicit SupervisedChild(Body body) {
    SeccompPlan plan;
    plan.rules.push_back({"connect", SeccompRule::Action::Notify, 0, {}, "test"});
    PreparedSeccomp seccomp;
    if (prepare_seccomp(plan, seccomp)) return;
    int chan[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan) != 0) return;
    channel_ = UniqueFd(chan[0]);
    UniqueFd child_end(chan[1]);
    pid_ = fork();
    if (pid_ == 0) {
      int listener = -1;
      if (set_no_new_privs() || load_seccomp(seccomp, listener) || hand_over_listener(listener, -1, child_end.get()))
        _exit(100);
      _exit(body(child_end.get()));
    }
    // Our copy of the child's end goes, so a child that dies early gives EOF, not a hang.
    child_end.reset();
    PolicyGraph g;
    g.net_mode = NetMode::Allow;
    g.net_allow = {dest(kProtoTcp, cidr(AF_INET, "127.0.0.1", 32), {})};
    ChildFailure failure{};
    started_ = pid_ > 0 && start_supervisor(channel_.get(), pid_, std::make_shared<const DestinationPolicy>(policy_for(g)),
                                            UniqueFd(), supervisor_, failure, error_) == Handoff::Started;
  }
  ~SupervisedChild() {
    if (supervisor_) supervisor_->stop();
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }
  SupervisedChild(const SupervisedChild&) = delete;
  SupervisedChild& operator=(const SupervisedChild&) = delete;

  bool started() const { return started_; }
  const std::string& error() const { return error_; }
  int channel() const { return channel_.get(); }
  Supervisor& supervisor() { return *supervisor_; }
  int exit_code() {
    int status = 0;
    if (waitpid(pid_, &status, 0) != pid_) return -1;
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  UniqueFd channel_;
  pid_t pid_ = -1;
  std::unique_ptr<Supervisor> supervisor_;
  std::string error_;
  bool started_ = false;
};

int read_int(int fd) {
  int v = -1;
  return read(fd, &v, sizeof v) == static_cast<ssize_t>(sizeof v) ? v : -1;
}
bool write_int(int fd, int v) { return write(fd, &v, sizeof v) == static_cast<ssize_t>(sizeof v); }

// A child under a connect-notifying filter connects while the supervisor runs (allowed:
// it connects), then after the supervisor stopped: the kernel fails the call (ENOSYS), and
// the listener sees nothing more.
TEST(Supervisor, FailsClosedOnceStopped) {
  const LoopbackListener listener;
  ASSERT_NE(listener.port, 0);
  SupervisedChild child([port = listener.port](int chan) {
    char go = 0;
    if (!write_int(chan, connect_loopback(port)) || read(chan, &go, 1) != 1) return 101;
    return write_int(chan, connect_loopback(port)) ? 0 : 102;
  });
  ASSERT_TRUE(child.started()) << child.error();
  const int first = read_int(child.channel());
  EXPECT_EQ(first, 0) << std::strerror(first);
  EXPECT_EQ(accepted(listener.fd.get()), 1);

  child.supervisor().stop();
  ASSERT_EQ(write(child.channel(), "g", 1), 1);
  const int second = read_int(child.channel());
  EXPECT_EQ(second, ENOSYS) << std::strerror(second);
  EXPECT_EQ(child.exit_code(), 0);
  EXPECT_EQ(accepted(listener.fd.get()), 0);
}

// This process's threads but the calling one (the supervisor's): how many, and how many
// times they went to sleep (voluntary context switches), from /proc.
struct SupervisorThreads {
  int count = 0;
  long sleeps = 0;
  long cpu_ticks = 0;  // user + system time, in clock ticks
};
SupervisorThreads supervisor_threads() {
  SupervisorThreads t;
  const pid_t self = gettid();
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    const pid_t tid = static_cast<pid_t>(std::stol(task.path().filename()));
    const auto status = read_task_status(tid);
    // Not through a stream: reading a thread's file after it left fails (ESRCH), which a
    // stream buffer throws from the middle of the read.
    const std::string text = disk::read_file((task.path() / "stat").string()).value_or("");
    const std::size_t comm_end = text.rfind(')');
    if (tid == self || !status || comm_end == std::string::npos) continue;  // a thread that just left
    ++t.count;
    t.sleeps += static_cast<long>(status_field(*status, "voluntary_ctxt_switches", 10));
    std::istringstream fields(text.substr(comm_end + 1));  // after "pid (comm)": state is field 3
    std::string field;
    for (int i = 3; i <= 15 && fields >> field; ++i)
      if (i == 14 || i == 15) t.cpu_ticks += std::stol(field);  // utime, stime
  }
  return t;
}

// Threads waiting for calls must not all be woken by each one (the receive's own wait
// queue would wake every thread waiting there, on the caller's CPU, for all but one to
// sleep again). After a burst of blocked connects has left the supervisor with many
// threads, N sequential calls put its threads to sleep about N times, not N per thread.
TEST(Supervisor, EachCallWakesOneWaitingThread) {
  constexpr int kBlocked = 8, kCalls = 300;
  const LoopbackListener listener;
  ASSERT_NE(listener.port, 0);
  // A listener whose backlog is full: connects to it block in the supervisor, which adds
  // threads meanwhile, until it is closed (their next SYN is then refused).
  UniqueFd stuck(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_storage a = v4("127.0.0.1", 0);
  socklen_t len = sizeof(sockaddr_in);
  ASSERT_EQ(bind(stuck.get(), reinterpret_cast<sockaddr*>(&a), len), 0);
  ASSERT_EQ(listen(stuck.get(), 0), 0);
  getsockname(stuck.get(), reinterpret_cast<sockaddr*>(&a), &len);
  const std::uint16_t stuck_port = ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
  SupervisedChild child([&](int chan) {
    stuck.reset();  // the test's copy alone keeps it open
    std::vector<std::thread> blocked;
    for (int i = 0; i < kBlocked + 1; ++i)  // the first fills the backlog (0 + 1)
      blocked.emplace_back([stuck_port] { connect_loopback(stuck_port); });
    for (std::thread& t : blocked) t.join();
    if (!write_int(chan, 0)) return 101;
    int failed = 0;
    for (int i = 0; i < kCalls; ++i) failed += connect_loopback(listener.port) != 0;
    return write_int(chan, failed) ? 0 : 102;
  });
  ASSERT_TRUE(child.started()) << child.error();
  usleep(200 * 1000);  // the blocked connects reach the supervisor, which adds threads
  // The case this is about: a thread per blocked connect, one receiving, the watchdog; and
  // no more (a thread is added only when none is receiving).
  const int threads = supervisor_threads().count;
  EXPECT_GE(threads, kBlocked + 1);
  EXPECT_LE(threads, kBlocked + 3);
  stuck.reset();
  ASSERT_EQ(read_int(child.channel()), 0);  // every blocked connect has ended
  const long before = supervisor_threads().sleeps;
  EXPECT_EQ(read_int(child.channel()), 0);
  const long sleeps = supervisor_threads().sleeps - before;
  EXPECT_EQ(accepted(listener.fd.get()), kCalls);
  // At most one per call, and a few more (a connect that waits for its handshake; fewer
  // when the next call is already there). Before, every waiting thread slept once per call.
  EXPECT_LT(sleeps, kCalls * 3 / 2) << sleeps << " sleeps for " << kCalls << " calls";
}

// Once no task of the sandbox is left, the receive answers at once (ENOENT) forever: the
// supervisor must stop asking, not spin until sandlock stops it.
TEST(Supervisor, ASandboxWithNoTaskLeftCostsNoCpu) {
  const LoopbackListener listener;
  ASSERT_NE(listener.port, 0);
  SupervisedChild child([port = listener.port](int chan) { return write_int(chan, connect_loopback(port)) ? 0 : 101; });
  ASSERT_TRUE(child.started()) << child.error();
  EXPECT_EQ(read_int(child.channel()), 0);  // a call went through the supervisor
  EXPECT_EQ(child.exit_code(), 0);
  usleep(50 * 1000);
  const long before = supervisor_threads().cpu_ticks;
  usleep(300 * 1000);
  const long used = supervisor_threads().cpu_ticks - before;
  EXPECT_LT(used * 1000 / sysconf(_SC_CLK_TCK), 30) << "ms of CPU in 300 ms with no sandbox left";
}

}  // namespace
}  // namespace sandlock
