// socket_kind against the kernel's own answers (SO_DOMAIN, SO_TYPE, SO_PROTOCOL) for every
// kind of socket this machine makes — and for the ones whose name says less than it seems:
// accepted sockets (named after their listener) and an IPv6 socket IPV6_ADDRFORM turned into
// an IPv4 one (named after what created it). The inet sockets the supervisor meets most are
// recognised by their name, which is what saves the calls; a connect's TCP socket by one
// option (speaks_tcp), checked here against the same answers.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "engine/apply/socket_kind.h"
#include "engine/apply/unique_fd.h"
#include "tests/support/process.h"

namespace sandlock {
namespace {

constexpr int kIpprotoSmc = 256;  // an inet SMC socket (Linux 6.11+): a name the table leaves alone

struct Made {
  int family, type, protocol;
};

std::string text(const std::optional<SocketKind>& k) {
  if (!k) return "none (" + std::string(std::strerror(errno)) + ")";
  return "{" + std::to_string(k->family) + ", " + std::to_string(k->type) + ", " + std::to_string(k->protocol) + "}";
}

std::string name_of(int fd) {
  char name[64] = {};
  return fgetxattr(fd, "system.sockprotoname", name, sizeof name - 1) > 0 ? name : "";
}

// Whether the options show a socket the supervisor may connect as TCP once speaks_tcp says so.
bool tcp_by_options(const std::optional<SocketKind>& k) {
  return k && (k->family == AF_INET || k->family == AF_INET6) && k->type == SOCK_STREAM &&
         (k->protocol == IPPROTO_TCP || k->protocol == IPPROTO_MPTCP || k->protocol == kIpprotoSmc);
}

// "" when socket_kind and speaks_tcp agree with the options for `fd`, else what differs.
std::string disagreement(int fd, const std::string& what) {
  const auto fast = socket_kind(fd);
  const auto slow = socket_kind_by_options(fd);
  std::string out;
  if (fast != slow || !fast)
    out += what + " (" + name_of(fd) + "): socket_kind " + text(fast) + ", options " + text(slow) + "\n";
  if (speaks_tcp(fd) != tcp_by_options(slow))
    out += what + " (" + name_of(fd) + "): speaks_tcp " + (tcp_by_options(slow) ? "false" : "true") + ", options " +
           text(slow) + "\n";
  return out;
}

// Makes each kind it can; returns the disagreements, and counts what was made.
std::string check_kinds(const std::vector<Made>& kinds, int& made) {
  std::string out;
  for (const Made& m : kinds) {
    const UniqueFd s(socket(m.family, m.type | SOCK_CLOEXEC, m.protocol));
    if (!s) continue;  // not on this kernel, or not for this user
    ++made;
    out += disagreement(s.get(), std::to_string(m.family) + "/" + std::to_string(m.type) + "/" + std::to_string(m.protocol));
  }
  return out;
}

TEST(SocketKind, AgreesWithTheSocketOptionsForEveryKindThisMachineMakes) {
  std::vector<Made> kinds;
  for (const int family : {AF_INET, AF_INET6})
    for (const Made m : {Made{0, SOCK_STREAM, 0}, Made{0, SOCK_STREAM, IPPROTO_TCP}, Made{0, SOCK_STREAM, IPPROTO_MPTCP},
                         Made{0, SOCK_STREAM, IPPROTO_SCTP}, Made{0, SOCK_SEQPACKET, IPPROTO_SCTP},
                         Made{0, SOCK_STREAM, kIpprotoSmc}, Made{0, SOCK_DGRAM, 0}, Made{0, SOCK_DGRAM, IPPROTO_UDPLITE},
                         Made{0, SOCK_RAW, IPPROTO_TCP}, Made{0, SOCK_RAW, IPPROTO_UDP}, Made{0, SOCK_RAW, IPPROTO_RAW}})
      kinds.push_back({family, m.type, m.protocol});
  for (const int type : {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET}) kinds.push_back({AF_UNIX, type, 0});
  kinds.push_back({AF_NETLINK, SOCK_RAW, NETLINK_ROUTE});
  kinds.push_back({AF_NETLINK, SOCK_RAW, 6});  // NETLINK_XFRM: protocol 6, as IPPROTO_TCP
  kinds.push_back({AF_PACKET, SOCK_DGRAM, 0});
  kinds.push_back({AF_TIPC, SOCK_STREAM, 0});  // answers TCP options with no value (where the kernel has TIPC)
  int made = 0;
  EXPECT_EQ(check_kinds(kinds, made), "");
  EXPECT_GE(made, 10);  // at least TCP, UDP and UDP-Lite in both families, and the unix ones
}

// Ping sockets need a group in net.ipv4.ping_group_range, which is per network namespace:
// made in a namespace of their own, in a child that reports back.
TEST(SocketKind, AgreesForPingSockets) {
  using testing::in_ping_namespace;
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (a network namespace that allows ping sockets)";
  const std::string report = in_ping_namespace([] {
    int made = 0;
    std::string r = check_kinds({{AF_INET, SOCK_DGRAM, IPPROTO_ICMP}, {AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6}}, made);
    if (made != 2) r += "made " + std::to_string(made) + " of 2 ping sockets";
    return r;
  });
  EXPECT_EQ(report, "");
}

// An accepted socket is named after its listener; one a dual-stack IPv6 listener accepts from
// an IPv4 peer is an IPv6 socket all the same.
TEST(SocketKind, AgreesForAcceptedSockets) {
  struct Case {
    int family;
    const char* listen_on;
    int peer_family;
    const char* peer;
  };
  for (const Case c : {Case{AF_INET, "127.0.0.1", AF_INET, "127.0.0.1"}, Case{AF_INET6, "::1", AF_INET6, "::1"},
                       Case{AF_INET6, "::", AF_INET, "127.0.0.1"}}) {
    const UniqueFd l(socket(c.family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_storage a{};
    socklen_t len = c.family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    a.ss_family = static_cast<sa_family_t>(c.family);
    inet_pton(c.family, c.listen_on,
              c.family == AF_INET ? static_cast<void*>(&reinterpret_cast<sockaddr_in&>(a).sin_addr)
                                  : static_cast<void*>(&reinterpret_cast<sockaddr_in6&>(a).sin6_addr));
    if (bind(l.get(), reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(l.get(), 4) != 0) {
      ADD_FAILURE() << "listening on " << c.listen_on << ": " << std::strerror(errno);
      continue;
    }
    getsockname(l.get(), reinterpret_cast<sockaddr*>(&a), &len);
    const std::uint16_t port = reinterpret_cast<sockaddr_in&>(a).sin_port;  // sin_port and sin6_port share their place
    sockaddr_storage p{};
    p.ss_family = static_cast<sa_family_t>(c.peer_family);
    reinterpret_cast<sockaddr_in&>(p).sin_port = port;
    inet_pton(c.peer_family, c.peer,
              c.peer_family == AF_INET ? static_cast<void*>(&reinterpret_cast<sockaddr_in&>(p).sin_addr)
                                       : static_cast<void*>(&reinterpret_cast<sockaddr_in6&>(p).sin6_addr));
    const UniqueFd client(socket(c.peer_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_EQ(connect(client.get(), reinterpret_cast<sockaddr*>(&p),
                      c.peer_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6)),
              0)
        << std::strerror(errno);
    const UniqueFd accepted(accept4(l.get(), nullptr, nullptr, SOCK_CLOEXEC));
    ASSERT_TRUE(accepted) << std::strerror(errno);
    EXPECT_EQ(disagreement(accepted.get(), std::string("accepted on ") + c.listen_on), "");
    EXPECT_EQ(socket_kind(accepted.get())->family, c.family);
  }
}

// IPV6_ADDRFORM makes an IPv4 socket of an IPv6 one connected to an IPv4-mapped address; its
// file keeps the name "UDPv6". The family must be the socket's as it is now: the supervisor
// reads an AF_UNSPEC destination differently for the two families.
TEST(SocketKind, TakesTheFamilyASocketHasNowNotTheOneItWasMadeWith) {
  const UniqueFd receiver(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in r{};
  r.sin_family = AF_INET;
  r.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof r;
  ASSERT_EQ(bind(receiver.get(), reinterpret_cast<sockaddr*>(&r), len), 0);
  getsockname(receiver.get(), reinterpret_cast<sockaddr*>(&r), &len);
  const UniqueFd s(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in6 mapped{};
  mapped.sin6_family = AF_INET6;
  mapped.sin6_port = r.sin_port;
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr);
  ASSERT_EQ(connect(s.get(), reinterpret_cast<sockaddr*>(&mapped), sizeof mapped), 0) << std::strerror(errno);
  const int inet4 = AF_INET;
  ASSERT_EQ(setsockopt(s.get(), IPPROTO_IPV6, IPV6_ADDRFORM, &inet4, sizeof inet4), 0) << std::strerror(errno);
  EXPECT_EQ(name_of(s.get()), "UDPv6");  // the case is real: the name still says IPv6
  EXPECT_EQ(disagreement(s.get(), "UDPv6 after IPV6_ADDRFORM"), "");
  EXPECT_EQ(socket_kind(s.get())->family, AF_INET);
}

// What saves the calls: the common inet sockets are recognised by name. (Were the table
// wrong, socket_kind would still agree with the options above, only slower.)
TEST(SocketKind, TheCommonInetSocketsAreRecognisedByTheirName) {
  for (const Made m : {Made{AF_INET, SOCK_STREAM, IPPROTO_TCP}, Made{AF_INET6, SOCK_STREAM, IPPROTO_TCP},
                       Made{AF_INET, SOCK_DGRAM, IPPROTO_UDP}, Made{AF_INET6, SOCK_DGRAM, IPPROTO_UDP}}) {
    const UniqueFd s(socket(m.family, m.type | SOCK_CLOEXEC, m.protocol));
    ASSERT_TRUE(s) << std::strerror(errno);
    const std::string name = name_of(s.get());
    const auto k = inet_kind_of_name(name);
    ASSERT_TRUE(k) << "'" << name << "' is not recognised";
    EXPECT_EQ(k->type, m.type) << name;
    EXPECT_EQ(k->protocol, m.protocol) << name;
  }
  EXPECT_FALSE(inet_kind_of_name("RAW"));
  EXPECT_FALSE(inet_kind_of_name("UNIX-STREAM"));
  EXPECT_FALSE(inet_kind_of_name(""));
}

TEST(SocketKind, ADescriptorThatIsNoSocketHasNoKind) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  const UniqueFd r(p[0]), w(p[1]);
  errno = 0;
  EXPECT_FALSE(socket_kind(r.get()));
  EXPECT_EQ(errno, ENOTSOCK);
  const UniqueFd file(open("/dev/null", O_RDONLY | O_CLOEXEC));
  EXPECT_FALSE(socket_kind(file.get()));
  EXPECT_FALSE(socket_kind(-1));
  EXPECT_EQ(errno, EBADF);
  errno = 0;
  EXPECT_FALSE(speaks_tcp(r.get()));
  EXPECT_EQ(errno, ENOTSOCK);
  EXPECT_FALSE(speaks_tcp(file.get()));
}

}  // namespace
}  // namespace sandlock
