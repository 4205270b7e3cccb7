// Network rule grammar: accepted spellings, rejected ones with their exact messages, round trip.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "engine/validate/profile.h"

namespace sandlock {
namespace {

NetRule parse_ok(const std::string& text, bool deny_list = false) {
  NetRuleError error;
  auto rule = parse_net_rule(text, deny_list, error);
  EXPECT_TRUE(rule) << text << ": " << error.message;
  return rule.value_or(NetRule{});
}

struct GoodRule {
  std::string text;
  unsigned protos;
  std::string target;     // format_net_target
  std::string canonical;  // format_net_rule
};

TEST(NetRule, AcceptsTheGrammar) {
  const unsigned both = kProtoTcp | kProtoUdp;
  const std::vector<GoodRule> table = {
      {"tcp://127.0.0.1:8080", kProtoTcp, "127.0.0.1", "tcp://127.0.0.1:8080"},
      {"udp://[::1]:53", kProtoUdp, "[::1]", "udp://[::1]:53"},
      {"api.example.com:443", both, "api.example.com", "api.example.com:443"},
      {"API.Example.COM", both, "api.example.com", "api.example.com"},
      {"TCP://host-1.internal:*", kProtoTcp, "host-1.internal", "tcp://host-1.internal"},
      {"10.0.0.0/8", both, "10.0.0.0/8", "10.0.0.0/8"},
      {"0.0.0.0/0", both, "0.0.0.0/0", "0.0.0.0/0"},
      {"10.1.2.3/32", both, "10.1.2.3", "10.1.2.3"},
      {"::1", both, "[::1]", "[::1]"},
      {"2001:db8::/32", both, "[2001:db8::/32]", "[2001:db8::/32]"},
      {"[2001:db8::/32]:443", both, "[2001:db8::/32]", "[2001:db8::/32]:443"},
      {"::ffff:1.2.3.4", both, "[::ffff:1.2.3.4]", "[::ffff:1.2.3.4]"},
      {"*:80,443,8000-8080", both, "*", "*:80,443,8000-8080"},
      {"tcp://:443", kProtoTcp, "*", "tcp://*:443"},
      {"*", both, "*", "*"},
      {"icmp://10.0.0.1", kProtoIcmp, "10.0.0.1", "icmp://10.0.0.1"},
      {"udp://1.2.3.4:1-65535", kProtoUdp, "1.2.3.4", "udp://1.2.3.4:1-65535"},
  };
  for (const auto& row : table) {
    SCOPED_TRACE(row.text);
    const NetRule rule = parse_ok(row.text);
    EXPECT_EQ(rule.protos, row.protos);
    EXPECT_EQ(format_net_target(rule.target), row.target);
    EXPECT_EQ(format_net_rule(rule), row.canonical);
    EXPECT_EQ(rule.text, row.text);
  }
}

TEST(NetRule, ParsesFieldsExactly) {
  const NetRule v4 = parse_ok("tcp://10.0.0.0/12:80,8000-8080");
  EXPECT_EQ(v4.target.kind, NetTarget::Kind::Cidr);
  EXPECT_EQ(v4.target.family, 4);
  EXPECT_EQ(v4.target.prefix, 12);
  EXPECT_EQ((std::array<std::uint8_t, 4>{v4.target.addr[0], v4.target.addr[1], v4.target.addr[2], v4.target.addr[3]}),
            (std::array<std::uint8_t, 4>{10, 0, 0, 0}));
  EXPECT_EQ(v4.ports, (std::vector<PortRange>{{80, 80}, {8000, 8080}}));

  const NetRule v6 = parse_ok("[::1]:8080");
  EXPECT_EQ(v6.target.family, 6);
  EXPECT_EQ(v6.target.prefix, 128);
  EXPECT_EQ(v6.target.addr[15], 1);
  EXPECT_EQ(v6.ports, (std::vector<PortRange>{{8080, 8080}}));

  const NetRule host = parse_ok("Example.org");
  EXPECT_EQ(host.target.kind, NetTarget::Kind::Host);
  EXPECT_EQ(host.target.host, "example.org");
  EXPECT_TRUE(host.ports.empty());

  EXPECT_EQ(parse_ok("10.0.0.0/8", /*deny_list=*/true).target.prefix, 8);
}

struct BadRule {
  std::string text;
  bool deny_list;
  std::string code;
  std::string message;
  std::string hint;
};

TEST(NetRule, RejectsBadRulesWithExactMessages) {
  const std::string bracket = "bracket IPv6 addresses that have a port: [::1]:8080";
  const std::vector<BadRule> table = {
      {"", false, "net.syntax", "empty network rule", "write a host, IP or CIDR, e.g. 10.0.0.0/8"},
      {"tcp://h:0", false, "net.port", "port 0 is out of range", "ports are 1-65535"},
      {"h:65536", false, "net.port", "port 65536 is out of range", "ports are 1-65535"},
      {"h:http", false, "net.port", "invalid port 'http': expected a number", ""},
      {"h:*,80", false, "net.port", "'*' cannot be combined with other ports", "write '*' alone for every port"},
      {"h:80,*", false, "net.port", "'*' cannot be combined with other ports", "write '*' alone for every port"},
      {"h:90-80", false, "net.port", "port range '90-80' is reversed", "write it low-high: 80-90"},
      {"h:80,,90", false, "net.port", "empty port in '80,,90'", ""},
      {"h:", false, "net.port", "missing port after ':'", "write a port, e.g. :443"},
      {"10.0.0.0/33", false, "net.cidr", "CIDR prefix /33 is longer than 32 bits", "IPv4 prefixes are 0-32"},
      {"[2001:db8::/129]:80", false, "net.cidr", "CIDR prefix /129 is longer than 128 bits", "IPv6 prefixes are 0-128"},
      {"10.1.2.3/8", false, "net.cidr-host-bits", "'10.1.2.3/8' has bits set past its /8 prefix",
       "write 10.0.0.0/8 for the network, or 10.1.2.3 for the one address"},
      {"192.168.1.77/0", true, "net.cidr-host-bits", "'192.168.1.77/0' has bits set past its /0 prefix",
       "write 0.0.0.0/0 for the network, or 192.168.1.77 for the one address"},
      {"udp://[2001:db8::1/32]:53", false, "net.cidr-host-bits", "'2001:db8::1/32' has bits set past its /32 prefix",
       "write [2001:db8::/32] for the network, or [2001:db8::1] for the one address"},
      {"10.0.0.0/x", false, "net.cidr", "invalid CIDR prefix '/x'", "write a prefix length such as /24"},
      {"icmp://10.0.0.1:80", false, "net.icmp-port", "ICMP rules take no port", "remove ':80'"},
      {"example.com", true, "net.deny-host", "deny rules take IP addresses or CIDRs, not hostname 'example.com'",
       "a hostname's addresses change; list its IPs or CIDRs"},
      {"http://example.com", false, "net.syntax", "unknown scheme 'http://'",
       "use tcp://, udp:// or icmp://, or no scheme for TCP and UDP"},
      {"under_score.com", false, "net.syntax", "'under_score.com' is not a valid hostname or IP address",
       "hostnames are letters, digits, hyphens and dots"},
      {"10.0.0.300", false, "net.syntax", "'10.0.0.300' is not a valid hostname or IP address",
       "hostnames are letters, digits, hyphens and dots"},
      {"-bad.example", false, "net.syntax", "'-bad.example' is not a valid hostname or IP address",
       "hostnames are letters, digits, hyphens and dots"},
      {"host:80:90", false, "net.syntax", "'host:80:90' is not a valid IP address or CIDR", bracket},
      {"[10.0.0.1]:80", false, "net.syntax", "only IPv6 addresses are bracketed", "write 10.0.0.1"},
      {"[::1", false, "net.syntax", "missing ']'", bracket},
      {"[::1]80", false, "net.syntax", "unexpected '80' after ']'", bracket},
      {"[]:80", false, "net.syntax", "empty brackets", "write an IPv6 address: [::1]"},
  };
  for (const auto& row : table) {
    SCOPED_TRACE(row.text);
    NetRuleError error;
    EXPECT_FALSE(parse_net_rule(row.text, row.deny_list, error));
    EXPECT_EQ(error.code, row.code);
    EXPECT_EQ(error.message, row.message);
    EXPECT_EQ(error.hint, row.hint);
  }
}

TEST(NetRule, PortListStarMeansEveryPort) {
  NetRuleError error;
  const auto ports = parse_port_list("*", error);
  ASSERT_TRUE(ports);
  EXPECT_TRUE(ports->empty());
}

// --- round trip -------------------------------------------------------------

// Draws a target inside a property (host bits of a CIDR already zero, as parsing leaves them).
NetTarget draw_target() {
  NetTarget t;
  switch (*rc::gen::inRange(0, 3)) {
    case 0: return t;  // any
    case 1: {
      t.kind = NetTarget::Kind::Host;
      t.host = *rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::inRange('a', static_cast<char>('z' + 1))));
      t.host = t.host.substr(0, 63) + ".example";  // DNS labels are at most 63 characters
      return t;
    }
    default: break;
  }
  t.kind = NetTarget::Kind::Cidr;
  t.family = *rc::gen::element(4, 6);
  const int bits = t.family == 4 ? 32 : 128;
  t.prefix = *rc::gen::inRange(0, bits + 1);
  for (int i = 0; i < bits / 8; ++i) t.addr[i] = *rc::gen::arbitrary<std::uint8_t>();
  for (int bit = t.prefix; bit < bits; ++bit) t.addr[bit / 8] &= static_cast<std::uint8_t>(~(0x80 >> (bit % 8)));
  return t;
}

rc::Gen<std::vector<PortRange>> gen_ports() {
  return rc::gen::container<std::vector<PortRange>>(
      rc::gen::map(rc::gen::pair(rc::gen::inRange(1, 65536), rc::gen::inRange(0, 100)), [](std::pair<int, int> p) {
        const int hi = std::min(65535, p.first + (p.second < 50 ? 0 : p.second));
        return PortRange{static_cast<std::uint16_t>(p.first), static_cast<std::uint16_t>(hi)};
      }));
}

TEST(NetRule, FormatThenParseRoundTrips) {
  const bool ok = rc::check([] {
    NetRule rule;
    rule.protos = *rc::gen::element(unsigned{kProtoTcp}, unsigned{kProtoUdp}, unsigned{kProtoIcmp},
                                    unsigned{kProtoTcp | kProtoUdp});
    rule.target = draw_target();
    if (rule.protos != kProtoIcmp) rule.ports = *rc::gen::resize(4, gen_ports());
    const std::string text = format_net_rule(rule);
    NetRuleError error;
    const auto back = parse_net_rule(text, false, error);
    RC_ASSERT(back.has_value());
    RC_ASSERT(back->protos == rule.protos);
    RC_ASSERT(back->target == rule.target);
    RC_ASSERT(back->ports == rule.ports);
    RC_ASSERT(format_net_rule(*back) == text);
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace sandlock
