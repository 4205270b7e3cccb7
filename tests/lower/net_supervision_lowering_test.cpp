// The seccomp side of network supervision: which sockets BPF refuses, when connect and
// friends are supervised, and that send() on an established connection is not.
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

#include "engine/lower/net_rules.h"
#include "engine/lower/seccomp_build.h"
#include "engine/lower/seccomp_rules.h"
#include "engine/lower/syscall_filters.h"
#include "tests/lower/graph_builder.h"

namespace sandlock {
namespace {

using testing::dest;

NetLowering lower_net(const PolicyGraph& g, bool net_tcp_active) {
  Diagnostics diags;
  return lower_network(g, net_tcp_active, uapi::kNetBindTcp | uapi::kNetConnectTcp, diags);
}

SeccompPlan lower_sec(const PolicyGraph& g, const NetLowering& n) {
  Diagnostics diags;
  SeccompPlan plan = lower_seccomp(g, n, diags);
  EXPECT_TRUE(diags.empty());
  std::string error;
  EXPECT_TRUE(build_seccomp(plan, error)) << error;
  return plan;
}

// The socket() rules' verdict for (family, type, protocol): the errno, or 0 when allowed.
int socket_errno(const std::vector<SeccompRule>& rules, std::uint64_t family, std::uint64_t type, std::uint64_t proto) {
  const std::array<std::uint64_t, 3> args{family, type, proto};
  for (const SeccompRule& r : rules) {
    if (r.syscall != "socket") continue;
    const bool all = std::all_of(r.args.begin(), r.args.end(), [&](const SeccompArgCmp& c) {
      if (c.op == SeccompArgCmp::Op::Eq) return args[c.arg] == c.datum_a;
      return c.op == SeccompArgCmp::Op::MaskedEq && (args[c.arg] & c.datum_a) == c.datum_b;
    });
    if (all) return r.errno_value;
  }
  return 0;
}

TEST(NetSupervisionLowering, NoNetworkWithoutNetTcpRefusesInetSocketsWithEaccesAndNeedsNoSupervisor) {
  const PolicyGraph g;  // NetMode::None
  const NetLowering n = lower_net(g, false);
  EXPECT_TRUE(n.deny_inet_sockets);
  EXPECT_FALSE(n.needs_supervisor);
  const SeccompPlan plan = lower_sec(g, n);
  EXPECT_EQ(socket_errno(plan.rules, AF_INET, SOCK_STREAM, 0), EACCES);
  EXPECT_EQ(socket_errno(plan.rules, AF_INET6, SOCK_DGRAM, 0), EACCES);
  EXPECT_EQ(socket_errno(plan.rules, AF_UNIX, SOCK_STREAM, 0), 0);
  // With net-tcp active, Landlock refuses TCP; no blanket socket denial.
  const NetLowering active = lower_net(g, true);
  EXPECT_FALSE(active.deny_inet_sockets);
  EXPECT_EQ(socket_errno(lower_sec(g, active).rules, AF_INET, SOCK_STREAM, 0), 0);
}

TEST(NetSupervisionLowering, NoNetworkWithABindListStaysSupervised) {
  PolicyGraph g;
  g.bind = {{8080, 8080}};
  const NetLowering n = lower_net(g, false);
  EXPECT_FALSE(n.deny_inet_sockets);
  EXPECT_TRUE(n.needs_supervisor);
  EXPECT_TRUE(n.notify_bind);
}

TEST(NetSupervisionLowering, UdpRuleAllowsDatagramSocketsButNeverRawOnes) {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoUdp, {{53, 53}}, "dns.example")};
  const NetLowering n = lower_net(g, true);
  EXPECT_TRUE(n.needs_supervisor);
  EXPECT_TRUE(n.stream_or_dgram_only);
  EXPECT_FALSE(n.deny_non_tcp_sockets);
  const SeccompPlan plan = lower_sec(g, n);
  for (std::uint64_t family : {AF_INET, AF_INET6})
    for (std::uint64_t kind = 0; kind < 16; ++kind)
      for (std::uint64_t flags : {std::uint64_t{0}, std::uint64_t{SOCK_NONBLOCK | SOCK_CLOEXEC}})
        EXPECT_EQ(socket_errno(plan.rules, family, kind | flags, 0), kind == SOCK_STREAM || kind == SOCK_DGRAM ? 0 : EPERM)
            << family << " " << kind;
  EXPECT_EQ(socket_errno(plan.rules, AF_INET, SOCK_DGRAM, IPPROTO_ICMP), 0);  // ping sockets: the supervisor decides
  EXPECT_EQ(socket_errno(plan.rules, AF_INET, SOCK_STREAM, IPPROTO_SCTP), EPERM);
  EXPECT_EQ(socket_errno(plan.rules, AF_INET, SOCK_RAW, IPPROTO_ICMP), EPERM);
}

TEST(NetSupervisionLowering, SendtoIsSupervisedOnlyWithAnAddress) {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoTcp, {{80, 80}}, "web.example")};
  const SeccompPlan plan = lower_sec(g, lower_net(g, true));
  const auto sendto = std::find_if(plan.rules.begin(), plan.rules.end(), [](const SeccompRule& r) { return r.syscall == "sendto"; });
  ASSERT_NE(sendto, plan.rules.end());
  EXPECT_EQ(sendto->action, SeccompRule::Action::Notify);
  ASSERT_EQ(sendto->args.size(), 1u);
  EXPECT_EQ(sendto->args[0].arg, 4u);
  EXPECT_EQ(sendto->args[0].op, SeccompArgCmp::Op::Ge);
  EXPECT_EQ(sendto->args[0].datum_a, 1u);
  const auto connect = std::find_if(plan.rules.begin(), plan.rules.end(), [](const SeccompRule& r) { return r.syscall == "connect"; });
  ASSERT_NE(connect, plan.rules.end());
  EXPECT_EQ(connect->action, SeccompRule::Action::Notify);
  EXPECT_TRUE(connect->args.empty());
}

// A supervised filter hands out a listener, and a call once taken waits for its answer
// (killable only): a signal must not make the caller retry what the supervisor did.
TEST(NetSupervisionLowering, ASupervisedFilterIsLoadedWithAListenerAndKillableWaits) {
  const auto load_flags = [](const PolicyGraph& g, bool net_tcp_active) {
    const SeccompPlan plan = lower_sec(g, lower_net(g, net_tcp_active));
    std::string error;
    const SeccompFilter filter = build_seccomp(plan, error);
    return seccomp_load_flags(plan, filter);
  };
  PolicyGraph supervised;
  supervised.net_mode = NetMode::Allow;
  supervised.net_allow = {dest(kProtoTcp, {{80, 80}}, "web.example")};
  const unsigned on = load_flags(supervised, true);
  EXPECT_TRUE(on & SECCOMP_FILTER_FLAG_NEW_LISTENER);
  EXPECT_TRUE(on & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
  const unsigned off = load_flags(PolicyGraph{}, true);  // no destination policy: the kernel decides
  EXPECT_FALSE(off & SECCOMP_FILTER_FLAG_NEW_LISTENER);
  EXPECT_FALSE(off & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
}

}  // namespace
}  // namespace sandlock
