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

#include "engine/apply/confine.h"
#include "engine/apply/listener_handoff.h"
#include "engine/apply/unique_fd.h"

namespace sandlock {
namespace {

NetTarget cidr(int family, const char* text, int prefix) {
  NetTarget t;
  t.kind = NetTarget::Kind::Cidr;
  t.family = family == AF_INET ? 4 : 6;
  t.prefix = prefix;
  inet_pton(family, text, t.addr.data());
  return t;
}

NetDest dest(unsigned protos, NetTarget target, std::vector<PortRange> ports) {
  return NetDest{protos, std::move(target), std::move(ports), {}};
}

sockaddr_storage v4(const char* ip, std::uint16_t port, sa_family_t family = AF_INET) {
  sockaddr_storage ss{};
  auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
  sin->sin_family = family;
  sin->sin_port = htons(port);
  inet_pton(AF_INET, ip, &sin->sin_addr);
  return ss;
}

sockaddr_storage v6(const char* ip, std::uint16_t port) {
  sockaddr_storage ss{};
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(port);
  inet_pton(AF_INET6, ip, &sin6->sin6_addr);
  return ss;
}

DestinationPolicy policy_for(PolicyGraph g) {
  std::string error;
  auto p = resolve_destinations(g, error);
  EXPECT_TRUE(p) << error;
  return p ? *p : DestinationPolicy{};
}

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

TEST(Destinations, UnspecifiedAddressPassesOnlyWhenLoopbackDoes) {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoTcp, cidr(AF_INET, "0.0.0.0", 32), {{80, 80}})};
  const DestinationPolicy only_any = policy_for(g);
  EXPECT_EQ(destination_errno(only_any, kProtoTcp, AF_INET, AddressUse::Connect, v4("0.0.0.0", 80), 16), EACCES);
  g.net_allow.push_back(dest(kProtoTcp, cidr(AF_INET, "127.0.0.1", 32), {{80, 80}}));
  const DestinationPolicy both = policy_for(g);
  EXPECT_EQ(destination_errno(both, kProtoTcp, AF_INET, AddressUse::Connect, v4("0.0.0.0", 80), 16), 0);
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

int accepted(int listener) {
  int n = 0;
  for (int c; (c = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0; ++n) close(c);
  return n;
}

// A child under a connect-notifying filter connects while the supervisor runs (allowed:
// it connects), then after the supervisor stopped: the kernel fails the call (ENOSYS), and
// the listener sees nothing more.
TEST(Supervisor, FailsClosedOnceStopped) {
  const UniqueFd listener(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  sockaddr_storage a = v4("127.0.0.1", 0);
  socklen_t len = sizeof(sockaddr_in);
  ASSERT_EQ(bind(listener.get(), reinterpret_cast<sockaddr*>(&a), len), 0);
  ASSERT_EQ(listen(listener.get(), 16), 0);
  getsockname(listener.get(), reinterpret_cast<sockaddr*>(&a), &len);
  const std::uint16_t port = ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);

  SeccompPlan plan;
  plan.rules.push_back({"connect", SeccompRule::Action::Notify, 0, {}, "test"});
  PreparedSeccomp seccomp;
  ASSERT_FALSE(prepare_seccomp(plan, seccomp));
  int chan[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan), 0);
  const UniqueFd parent_end(chan[0]);
  UniqueFd child_end(chan[1]);

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int listener = -1;
    if (set_no_new_privs() || load_seccomp(seccomp, listener) || hand_over_listener(listener, child_end.get()))
      _exit(100);
    int result = connect_loopback(port);
    char go = 0;
    if (write(child_end.get(), &result, sizeof result) != sizeof result || read(child_end.get(), &go, 1) != 1) _exit(101);
    result = connect_loopback(port);
    _exit(write(child_end.get(), &result, sizeof result) == sizeof result ? 0 : 102);
  }
  // Our copy of the child's end goes, so a child that dies early gives EOF, not a hang.
  child_end.reset();
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoTcp, cidr(AF_INET, "127.0.0.1", 32), {})};
  std::unique_ptr<Supervisor> supervisor;
  ChildFailure failure{};
  std::string error;
  ASSERT_EQ(start_supervisor(parent_end.get(), child, std::make_shared<const DestinationPolicy>(policy_for(g)),
                             UniqueFd(), supervisor, failure, error),
            Handoff::Started)
      << error;
  int result = -1;
  ASSERT_EQ(read(parent_end.get(), &result, sizeof result), static_cast<ssize_t>(sizeof result));
  EXPECT_EQ(result, 0) << std::strerror(result);
  EXPECT_EQ(accepted(listener.get()), 1);

  supervisor->stop();
  const char go = 1;
  ASSERT_EQ(write(parent_end.get(), &go, 1), 1);
  ASSERT_EQ(read(parent_end.get(), &result, sizeof result), static_cast<ssize_t>(sizeof result));
  EXPECT_EQ(result, ENOSYS) << std::strerror(result);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(accepted(listener.get()), 0);
}

}  // namespace
}  // namespace sandlock
