// answer_call's choice between checking the notification is still live and letting the
// taking of the socket stand in for that check (task_handles.h), seen through a "listener"
// that fails every check: a call that checks is answered ESRCH and makes nothing; one that
// may rely on its pidfd makes its call. The caller is this very thread, its socket and
// address real, its peers live listeners on loopback.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>

#include "engine/apply/destinations.h"
#include "engine/apply/supervised_calls.h"
#include "engine/apply/task_handles.h"
#include "engine/apply/unique_fd.h"
#include "tests/apply/net_helpers.h"

namespace sandlock {
namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// A socket of `type` bound to 127.0.0.1 on a free port (listening for streams), non-blocking.
struct Peer {
  UniqueFd fd;
  std::uint16_t port = 0;

  explicit Peer(int type) : fd(socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {
    sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&a), len) != 0) return;
    if (type == SOCK_STREAM && listen(fd.get(), 8) != 0) return;
    getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  // Whether a connection or a datagram arrived.
  bool reached() const {
    char byte;
    const UniqueFd conn(accept4(fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    return conn || recv(fd.get(), &byte, 1, 0) >= 0;
  }
};

DestinationPolicy allowing(unsigned protos, std::uint16_t port) {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(protos, cidr(AF_INET, "127.0.0.1", 32), {{port, port}})};
  return policy_for(g);
}

class SupervisedCallsTest : public ::testing::Test {
 protected:
  // Every live check fails: /dev/null is no seccomp listener.
  UniqueFd not_a_listener{open("/dev/null", O_RDONLY | O_CLOEXEC)};
  InFlightSockets in_flight;
  TaskHandles tasks;

  CallAnswer call(const DestinationPolicy& policy, long nr, std::array<std::uint64_t, 6> args,
                  std::uint64_t handles_before) {
    const CallContext ctx{policy, not_a_listener.get(), in_flight, tasks, nullptr};
    SupervisedCall c{1, static_cast<pid_t>(syscall(SYS_gettid)), static_cast<int>(nr), args, handles_before};
    return answer_call(ctx, c);
  }
  CallAnswer connect_call(const DestinationPolicy& policy, int sock, const sockaddr_in& to, std::uint64_t mark) {
    return call(policy, SYS_connect,
                {static_cast<std::uint64_t>(sock), reinterpret_cast<std::uint64_t>(&to), sizeof to, 0, 0, 0}, mark);
  }
};

TEST_F(SupervisedCallsTest, AConnectTrustsOnlyAPidfdOpenedBeforeItWasReceived) {
  const Peer peer(SOCK_STREAM);
  ASSERT_NE(peer.port, 0);
  const DestinationPolicy policy = allowing(kProtoTcp, peer.port);
  const sockaddr_in to = loopback(peer.port);

  // Received before this thread's pidfd was opened: the live check is made, and fails.
  const UniqueFd first(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const std::uint64_t before = tasks.mark();
  const CallAnswer checked = connect_call(policy, first.get(), to, before);
  EXPECT_EQ(tasks.mark(), before + 1);  // the pidfd was opened (and the socket taken): ESRCH is the check's
  EXPECT_EQ(checked.error, ESRCH);
  EXPECT_FALSE(peer.reached());

  // Received after it (the pidfd is cached now): the taking stands in for the check, and
  // the connection is made (the control: the same call can succeed here).
  const UniqueFd second(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const CallAnswer made = connect_call(policy, second.get(), to, tasks.mark());
  EXPECT_EQ(made.error, 0);
  EXPECT_TRUE(peer.reached());
}

TEST_F(SupervisedCallsTest, TheShortcutStillRefusesWhatThePolicyRefuses) {
  const Peer allowed(SOCK_STREAM), other(SOCK_STREAM);
  ASSERT_NE(allowed.port, 0);
  ASSERT_NE(other.port, 0);
  const DestinationPolicy policy = allowing(kProtoTcp, allowed.port);
  tasks.open(static_cast<pid_t>(syscall(SYS_gettid)));  // cached before the calls below
  const UniqueFd refused(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_EQ(connect_call(policy, refused.get(), loopback(other.port), tasks.mark()).error, EACCES);
  EXPECT_FALSE(other.reached());
  const UniqueFd made(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_EQ(connect_call(policy, made.get(), loopback(allowed.port), tasks.mark()).error, 0);
  EXPECT_TRUE(allowed.reached());
}

TEST_F(SupervisedCallsTest, ABindTakesTheShortcutAndStillObeysTheBindPorts) {
  Peer taken(SOCK_STREAM);  // a port known free of others: released just below
  ASSERT_NE(taken.port, 0);
  const std::uint16_t port = taken.port;
  taken.fd.reset();
  DestinationPolicy policy = allowing(kProtoTcp, port);
  policy.net.bind = {{port, port}};
  tasks.open(static_cast<pid_t>(syscall(SYS_gettid)));
  const auto bind_call = [&](int sock, const sockaddr_in& at) {
    return call(policy, SYS_bind, {static_cast<std::uint64_t>(sock), reinterpret_cast<std::uint64_t>(&at), sizeof at, 0, 0, 0},
                tasks.mark());
  };
  const UniqueFd refused(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_EQ(bind_call(refused.get(), loopback(static_cast<std::uint16_t>(port == 65535 ? 1024 : port + 1))).error, EACCES);
  const UniqueFd bound(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  EXPECT_EQ(bind_call(bound.get(), loopback(port)).error, 0);
  sockaddr_in at{};
  socklen_t len = sizeof at;
  ASSERT_EQ(getsockname(bound.get(), reinterpret_cast<sockaddr*>(&at), &len), 0);
  EXPECT_EQ(ntohs(at.sin_port), port);  // made on this thread's own socket
}

// A connect is decided by the rules of its socket's protocol, which a TCP socket proves in one
// call (speaks_tcp) and any other the long way: an address allowed for one protocol is
// refused to a socket of the other, and a file that is no socket is no socket.
TEST_F(SupervisedCallsTest, TheSocketsProtocolDecidesWhichRulesAConnectMeets) {
  const Peer listener(SOCK_STREAM), receiver(SOCK_DGRAM);
  ASSERT_NE(listener.port, 0);
  ASSERT_NE(receiver.port, 0);
  tasks.open(static_cast<pid_t>(syscall(SYS_gettid)));
  const auto connect_new = [&](int type, unsigned protos, std::uint16_t port) {
    const UniqueFd s(socket(AF_INET, type | SOCK_CLOEXEC, 0));
    return connect_call(allowing(protos, port), s.get(), loopback(port), tasks.mark()).error;
  };
  EXPECT_EQ(connect_new(SOCK_STREAM, kProtoUdp, listener.port), EACCES);
  EXPECT_FALSE(listener.reached());
  EXPECT_EQ(connect_new(SOCK_STREAM, kProtoTcp, listener.port), 0);
  EXPECT_TRUE(listener.reached());

  EXPECT_EQ(connect_new(SOCK_DGRAM, kProtoTcp, receiver.port), EACCES);
  // The control: a UDP socket the UDP rule lets connect delivers there.
  const UniqueFd udp(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  EXPECT_EQ(connect_call(allowing(kProtoUdp, receiver.port), udp.get(), loopback(receiver.port), tasks.mark()).error, 0);
  ASSERT_EQ(send(udp.get(), "x", 1, 0), 1);
  EXPECT_TRUE(receiver.reached());

  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  const UniqueFd r(p[0]), w(p[1]);
  EXPECT_EQ(connect_call(allowing(kProtoTcp | kProtoUdp, listener.port), r.get(), loopback(listener.port), tasks.mark()).error,
            ENOTSOCK);
}

// sendto reads its payload after taking the socket: the taking proves nothing about those
// reads, so the live check is always made (and fails here), even through a trusted pidfd.
TEST_F(SupervisedCallsTest, ASendtoIsAlwaysCheckedLive) {
  const Peer receiver(SOCK_DGRAM);
  ASSERT_NE(receiver.port, 0);
  const DestinationPolicy policy = allowing(kProtoUdp, receiver.port);
  tasks.open(static_cast<pid_t>(syscall(SYS_gettid)));
  const UniqueFd sender(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const sockaddr_in to = loopback(receiver.port);
  const char payload[] = "x";
  const CallAnswer a = call(policy, SYS_sendto,
                            {static_cast<std::uint64_t>(sender.get()), reinterpret_cast<std::uint64_t>(payload), 1, 0,
                             reinterpret_cast<std::uint64_t>(&to), sizeof to},
                            tasks.mark());
  EXPECT_EQ(a.error, ESRCH);
  EXPECT_FALSE(receiver.reached());
  // The control: the same datagram, sent directly, arrives.
  ASSERT_EQ(sendto(sender.get(), payload, 1, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to), 1);
  EXPECT_TRUE(receiver.reached());
}

}  // namespace
}  // namespace sandlock
