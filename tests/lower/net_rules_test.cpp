// Steps 4 and 5: Landlock TCP rules, the supervisor decision, and who enforces what.
#include <gtest/gtest.h>

#include "engine/lower/net_rules.h"
#include "engine/lower/syscall_filters.h"
#include "tests/lower/graph_builder.h"

namespace sandlock {
namespace {

using testing::dest;
using uapi::kNetBindTcp;
using uapi::kNetConnectTcp;

constexpr std::uint64_t kBoth = kNetBindTcp | kNetConnectTcp;
constexpr PortRange kEvery{0, 65535};

using NetTuple = std::pair<unsigned, std::uint64_t>;

std::vector<NetTuple> ports_of(const NetLowering& n) {
  std::vector<NetTuple> out;
  for (const LandlockNetRule& r : n.rules) out.emplace_back(r.port, r.allowed_access);
  return out;
}

NetLowering lower_active(const PolicyGraph& g) {
  Diagnostics diags;
  return lower_network(g, true, kBoth, diags);
}

TEST(LowerNet, NoNetworkHandlesBothAndAllowsNothing) {
  PolicyGraph g;  // NetMode::None, no bind
  const NetLowering n = lower_active(g);
  EXPECT_EQ(n.handled_access_net, kBoth);
  EXPECT_TRUE(n.rules.empty());
  EXPECT_FALSE(n.needs_supervisor);
  EXPECT_TRUE(n.deny_non_tcp_sockets);
}

TEST(LowerNet, AnyHostWithPortsBecomesOneConnectRulePerPort) {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoTcp, {{443, 443}}), dest(kProtoTcp, {{80, 81}})};
  const NetLowering n = lower_active(g);
  EXPECT_EQ(n.handled_access_net, kBoth);
  EXPECT_EQ(ports_of(n), (std::vector<NetTuple>{{80, kNetConnectTcp}, {81, kNetConnectTcp}, {443, kNetConnectTcp}}));
  EXPECT_FALSE(n.needs_supervisor);
  ASSERT_EQ(n.enforcement.size(), 6u);
  EXPECT_EQ(n.enforcement[0].rule, "allow tcp://*:443");
  EXPECT_EQ(n.enforcement[0].mechanism, "landlock");
  EXPECT_EQ(n.enforcement[2].rule, "no udp, icmp, raw or sctp inet sockets");
  EXPECT_EQ(n.enforcement[2].mechanism, "seccomp");
}

// A TCP Fast Open send connects past Landlock's connect check: refused whenever Landlock
// alone keeps connects; not when the supervisor checks sends (or nothing is kept).
TEST(LowerNet, FastOpenIsRefusedWhereLandlockAloneKeepsConnects) {
  PolicyGraph none;
  EXPECT_TRUE(lower_active(none).refuse_fast_open);
  PolicyGraph ports;
  ports.net_mode = NetMode::Allow;
  ports.net_allow = {dest(kProtoTcp, {{443, 443}})};
  EXPECT_TRUE(lower_active(ports).refuse_fast_open);
  Diagnostics diags;
  EXPECT_FALSE(lower_network(ports, false, 0, diags).refuse_fast_open);  // no Landlock: supervised
  EXPECT_TRUE(lower_network(ports, false, 0, diags).needs_supervisor);
  PolicyGraph everything;
  everything.net_mode = NetMode::Allow;
  everything.net_allow = {dest(kProtoTcp, {})};
  EXPECT_FALSE(lower_active(everything).refuse_fast_open);
  PolicyGraph host = ports;
  host.net_allow = {dest(kProtoTcp, {{443, 443}}, "example.org")};
  EXPECT_TRUE(lower_active(host).needs_supervisor);
  EXPECT_FALSE(lower_active(host).refuse_fast_open);
}

// Any network rule to keep takes CAP_NET_ADMIN and CAP_NET_RAW (routes, NAT, marks); a
// profile that allows every destination and every bind keeps them.
TEST(LowerNet, NetworkCapabilitiesGoWhereverANetworkRuleIsKept) {
  PolicyGraph none;
  EXPECT_TRUE(lower_active(none).drop_net_capabilities);
  Diagnostics diags;
  EXPECT_TRUE(lower_network(none, false, 0, diags).drop_net_capabilities);  // seccomp refuses inet sockets
  PolicyGraph open;
  open.net_mode = NetMode::Allow;
  open.net_allow = {dest(kProtoTcp | kProtoUdp, {}), dest(kProtoIcmp, {})};
  open.bind = {kEvery};
  EXPECT_FALSE(lower_active(open).drop_net_capabilities);
  open.bind.clear();  // no bind allowed: Landlock keeps that
  EXPECT_TRUE(lower_active(open).drop_net_capabilities);
}

// explain says whether the families past the network rules are refused, which the default
// deny set does unless a profile re-allows @other-sockets.
TEST(LowerNet, OtherSocketFamiliesAreReportedAsRefusedOrNot) {
  PolicyGraph g;
  g.net_mode = NetMode::None;
  const auto families = [](const NetLowering& n) { return n.enforcement.back(); };
  EXPECT_EQ(families(lower_active(g)).rule, "no smc, rds, vsock or other socket families");
  EXPECT_EQ(families(lower_active(g)).mechanism, "none (syscalls.allow: @other-sockets)");
  g.syscall_deny[std::string(kOtherFamiliesFilter)] = Provenance{};
  EXPECT_EQ(families(lower_active(g)).mechanism, "seccomp");
}

TEST(LowerNet, AllowWithoutTcpDestinationsKeepsConnectHandledWithNoRules) {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoUdp, {{53, 53}})};
  const NetLowering n = lower_active(g);
  EXPECT_EQ(n.handled_access_net, kBoth);
  EXPECT_TRUE(n.rules.empty());
  EXPECT_TRUE(n.needs_supervisor);  // UDP is the supervisor's
  EXPECT_FALSE(n.deny_non_tcp_sockets);
  EXPECT_EQ(n.enforcement.at(0).mechanism, "supervisor");
}

TEST(LowerNet, UdpAndIcmpAllowedEverywhereNeedNoSupervisor) {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoUdp | kProtoIcmp, {}), dest(kProtoUdp, {{53, 53}}, "dns.example")};
  NetLowering n = lower_active(g);
  EXPECT_FALSE(n.needs_supervisor);
  EXPECT_FALSE(n.deny_non_tcp_sockets);
  EXPECT_EQ(n.enforcement.at(0).rule, "allow udp+icmp://*:*");
  EXPECT_EQ(n.enforcement.at(0).mechanism, "none (allows everything)");
  EXPECT_EQ(n.enforcement.at(1).mechanism, "none (allows everything)");  // subsumed by the first

  g.net_allow = {dest(kProtoUdp, {})};  // every UDP, but ICMP is still restricted
  n = lower_active(g);
  EXPECT_TRUE(n.needs_supervisor);
  EXPECT_EQ(n.enforcement.at(0).mechanism, "supervisor");
}

TEST(LowerNet, EveryPortLeavesConnectUnhandled) {
  for (std::vector<PortRange> every : {std::vector<PortRange>{}, std::vector<PortRange>{kEvery},
                                       std::vector<PortRange>{{1, 65535}}}) {
    PolicyGraph g;
    g.net_mode = NetMode::Allow;
    g.net_allow = {dest(kProtoTcp, {{443, 443}}), dest(kProtoTcp, every, "example.com")};
    const NetLowering n = lower_active(g);
    EXPECT_EQ(n.handled_access_net, kNetBindTcp);
    EXPECT_TRUE(n.rules.empty());
    EXPECT_TRUE(n.needs_supervisor);  // hosts are refined by the supervisor
    EXPECT_EQ(n.enforcement.at(1).rule, "allow tcp://example.com:" + std::string(every.empty() ? "*" : every[0].lo == 0 ? "0-65535" : "1-65535"));
    EXPECT_EQ(n.enforcement.at(1).mechanism, "supervisor");
  }
}

TEST(LowerNet, HostWithPortsIsLandlockPlusSupervisor) {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoTcp, {{443, 443}}, "example.com")};
  const NetLowering n = lower_active(g);
  EXPECT_EQ(ports_of(n), (std::vector<NetTuple>{{443, kNetConnectTcp}}));
  EXPECT_TRUE(n.needs_supervisor);
  EXPECT_EQ(n.enforcement.at(0).mechanism, "landlock+supervisor");
}

TEST(LowerNet, DenyListLeavesConnectToTheSupervisor) {
  PolicyGraph g;
  g.net_mode = NetMode::DenyList;
  NetDest d = dest(kProtoTcp, {});
  d.target.kind = NetTarget::Kind::Cidr;
  g.net_deny = {d};
  const NetLowering n = lower_active(g);
  EXPECT_EQ(n.handled_access_net, kNetBindTcp);
  EXPECT_TRUE(n.needs_supervisor);
  EXPECT_FALSE(n.deny_non_tcp_sockets);
  EXPECT_EQ(n.enforcement.at(0).mechanism, "supervisor");
}

TEST(LowerNet, BindAndConnectOnOnePortMergeAndPortZeroIsNeverEmitted) {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoTcp, {{0, 2}, {8080, 8080}})};
  g.bind = {{8080, 8080}};
  const NetLowering n = lower_active(g);
  EXPECT_EQ(n.handled_access_net, kBoth);
  EXPECT_EQ(ports_of(n), (std::vector<NetTuple>{{1, kNetConnectTcp}, {2, kNetConnectTcp}, {8080, kBoth}}));
  ASSERT_EQ(n.enforcement.size(), 6u);
  EXPECT_EQ(n.enforcement[1].rule, "bind 8080");
  EXPECT_EQ(n.enforcement[1].mechanism, "landlock");
}

TEST(LowerNet, BindEverywhereLeavesBindUnhandled) {
  PolicyGraph g;
  g.bind = {kEvery};
  const NetLowering n = lower_active(g);
  EXPECT_EQ(n.handled_access_net, kNetConnectTcp);
  EXPECT_TRUE(n.rules.empty());
}

TEST(LowerNet, WithoutNetTcpTheSupervisorEnforcesTcpUnlessEverythingIsAllowed) {
  Diagnostics diags;
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoTcp, {{443, 443}})};
  NetLowering n = lower_network(g, false, kBoth, diags);
  EXPECT_EQ(n.handled_access_net, 0u);
  EXPECT_TRUE(n.rules.empty());
  EXPECT_TRUE(n.needs_supervisor);
  EXPECT_TRUE(n.notify_bind);  // no bind allowed, and only the supervisor can say so
  EXPECT_EQ(n.enforcement.at(0).mechanism, "supervisor");

  g.net_allow = {dest(kProtoTcp, {})};
  g.bind = {kEvery};
  n = lower_network(g, false, kBoth, diags);
  EXPECT_FALSE(n.needs_supervisor);
  EXPECT_FALSE(n.notify_bind);
}

TEST(LowerNet, LongPortListsAreWarnedAbout) {
  PolicyGraph g;
  g.net_mode = NetMode::Allow;
  g.net_allow = {dest(kProtoTcp, {{1000, 2500}})};
  Diagnostics diags;
  const NetLowering n = lower_network(g, true, kBoth, diags);
  EXPECT_EQ(n.rules.size(), 1501u);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "lower.port-expansion");
}

TEST(LowerNet, CoversAllPorts) {
  EXPECT_TRUE(covers_all_ports({kEvery}));
  EXPECT_TRUE(covers_all_ports({{1, 100}, {101, 65535}}));
  EXPECT_TRUE(covers_all_ports({{50, 65535}, {0, 60}}));  // order does not matter
  EXPECT_FALSE(covers_all_ports({}));
  EXPECT_FALSE(covers_all_ports({{1, 100}, {102, 65535}}));
  EXPECT_FALSE(covers_all_ports({{0, 65534}}));
}

}  // namespace
}  // namespace sandlock
