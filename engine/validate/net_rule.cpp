// Network rules: [tcp://|udp://|icmp://]TARGET[:PORTS], parsed and printed back.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "engine/util/text.h"
#include "engine/validate/profile.h"

namespace sandlock {
namespace {

constexpr std::string_view kBracketHint = "bracket IPv6 addresses that have a port: [::1]:8080";

std::nullopt_t fail(NetRuleError& error, std::string code, std::string message, std::string hint = {}) {
  error = NetRuleError{std::move(code), std::move(message), std::move(hint)};
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::optional<unsigned long> to_number(std::string_view s) {
  if (!all_digits(s) || s.size() > 9) return std::nullopt;
  unsigned long n = 0;
  std::from_chars(s.data(), s.data() + s.size(), n);
  return n;
}

std::optional<std::uint16_t> parse_port(std::string_view s, NetRuleError& error) {
  const auto n = to_number(s);
  if (!n) return fail(error, "net.port", "invalid port '" + std::string(s) + "': expected a number");
  if (*n == 0 || *n > 65535)
    return fail(error, "net.port", "port " + std::string(s) + " is out of range", "ports are 1-65535");
  return static_cast<std::uint16_t>(*n);
}

std::optional<PortRange> parse_port_item(std::string_view item, NetRuleError& error) {
  const auto dash = item.find('-');
  const auto lo = parse_port(item.substr(0, dash), error);
  if (!lo) return std::nullopt;
  if (dash == std::string_view::npos) return PortRange{*lo, *lo};
  const auto hi = parse_port(item.substr(dash + 1), error);
  if (!hi) return std::nullopt;
  if (*hi < *lo)
    return fail(error, "net.port", "port range '" + std::string(item) + "' is reversed",
                "write it low-high: " + std::to_string(*hi) + "-" + std::to_string(*lo));
  return PortRange{*lo, *hi};
}

bool valid_hostname(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = host.find('.', start);
    const auto label = host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (unsigned char c : label)
      if (!std::isalnum(c) && c != '-') return false;
    if (dot == std::string_view::npos) return !all_digits(label);  // "10.0.0.300" is a broken IP, not a name
    start = dot + 1;
  }
}

// Clears the bits past the prefix; true when any was set.
bool zero_host_bits(NetTarget& t) {
  const int bytes = t.family == 4 ? 4 : 16;
  bool had_host_bits = false;
  for (int i = 0; i < bytes; ++i) {
    const int keep = std::clamp(t.prefix - 8 * i, 0, 8);
    const auto kept = static_cast<std::uint8_t>(t.addr[i] & (0xff00 >> keep));
    had_host_bits = had_host_bits || kept != t.addr[i];
    t.addr[i] = kept;
  }
  return had_host_bits;
}

// An IP literal, optionally with /prefix; nullopt (without error) when it is not an IP at all.
std::optional<NetTarget> parse_ip(std::string_view text, NetRuleError& error, bool& failed) {
  const auto slash = text.find('/');
  const std::string addr(text.substr(0, slash));
  NetTarget t;
  t.kind = NetTarget::Kind::Cidr;
  if (inet_pton(AF_INET, addr.c_str(), t.addr.data()) == 1) {
    t.family = 4;
  } else if (inet_pton(AF_INET6, addr.c_str(), t.addr.data()) == 1) {
    t.family = 6;
  } else {
    return std::nullopt;
  }
  const int max_prefix = t.family == 4 ? 32 : 128;
  t.prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const auto prefix_text = text.substr(slash + 1);
    const auto n = to_number(prefix_text);
    if (!n) {
      failed = true;
      return fail(error, "net.cidr", "invalid CIDR prefix '/" + std::string(prefix_text) + "'",
                  "write a prefix length such as /24");
    }
    if (*n > static_cast<unsigned long>(max_prefix)) {
      failed = true;
      return fail(error, "net.cidr",
                  "CIDR prefix /" + std::to_string(*n) + " is longer than " + std::to_string(max_prefix) + " bits",
                  "IPv" + std::to_string(t.family) + " prefixes are 0-" + std::to_string(max_prefix));
    }
    t.prefix = static_cast<int>(*n);
    // 10.1.2.3/8 reads as either the network 10.0.0.0/8 or the one host; the wider reading
    // would grant sixteen million addresses in silence, so the author says which.
    NetTarget network = t;
    if (zero_host_bits(network)) {
      failed = true;
      NetTarget host = t;
      host.prefix = max_prefix;
      return fail(error, "net.cidr-host-bits",
                  "'" + std::string(text) + "' has bits set past its /" + std::to_string(t.prefix) + " prefix",
                  "write " + format_net_target(network) + " for the network, or " + format_net_target(host) +
                      " for the one address");
    }
  }
  return t;
}

std::optional<NetTarget> parse_target(std::string_view text, bool bracketed, NetRuleError& error) {
  if (text.empty() || text == "*") {
    if (bracketed) return fail(error, "net.syntax", "empty brackets", "write an IPv6 address: [::1]");
    return NetTarget{};
  }
  bool failed = false;
  if (auto ip = parse_ip(text, error, failed)) {
    if (bracketed && ip->family != 6)
      return fail(error, "net.syntax", "only IPv6 addresses are bracketed", "write " + std::string(text));
    return ip;
  }
  if (failed) return std::nullopt;
  const std::string host = to_lower(text);
  if (bracketed || host.find(':') != std::string::npos || host.find('/') != std::string::npos)
    return fail(error, "net.syntax", "'" + std::string(text) + "' is not a valid IP address or CIDR");
  if (!valid_hostname(host))
    return fail(error, "net.syntax", "'" + std::string(text) + "' is not a valid hostname or IP address",
                "hostnames are letters, digits, hyphens and dots");
  NetTarget t;
  t.kind = NetTarget::Kind::Host;
  t.host = host;
  return t;
}

std::optional<unsigned> parse_scheme(std::string_view& rest, NetRuleError& error) {
  const auto sep = rest.find("://");
  if (sep == std::string_view::npos) return kProtoTcp | kProtoUdp;
  const std::string scheme = to_lower(rest.substr(0, sep));
  rest.remove_prefix(sep + 3);
  if (scheme == "tcp") return kProtoTcp;
  if (scheme == "udp") return kProtoUdp;
  if (scheme == "icmp") return kProtoIcmp;
  return fail(error, "net.syntax", "unknown scheme '" + scheme + "://'",
              "use tcp://, udp:// or icmp://, or no scheme for TCP and UDP");
}

struct Split {
  std::string_view target;
  std::optional<std::string_view> ports;
  bool bracketed = false;
};

// Separates TARGET from PORTS; unbracketed text with several colons is an IPv6 address without a port.
std::optional<Split> split_target(std::string_view rest, NetRuleError& error) {
  Split s;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return fail(error, "net.syntax", "missing ']'", std::string(kBracketHint));
    s.target = rest.substr(1, close - 1);
    s.bracketed = true;
    const auto after = rest.substr(close + 1);
    if (after.empty()) return s;
    if (after.front() != ':')
      return fail(error, "net.syntax", "unexpected '" + std::string(after) + "' after ']'", std::string(kBracketHint));
    s.ports = after.substr(1);
    return s;
  }
  const auto colons = std::count(rest.begin(), rest.end(), ':');
  if (colons == 1) {
    const auto colon = rest.find(':');
    s.target = rest.substr(0, colon);
    s.ports = rest.substr(colon + 1);
  } else {
    s.target = rest;
  }
  return s;
}

std::string_view scheme_prefix(unsigned protos) {
  switch (protos) {
    case kProtoTcp: return "tcp://";
    case kProtoUdp: return "udp://";
    case kProtoIcmp: return "icmp://";
    default: return "";  // TCP and UDP: the scheme-less default
  }
}

}  // namespace

std::string format_ports(const std::vector<PortRange>& ports) {
  std::string out;
  for (const auto& p : ports) {
    if (!out.empty()) out += ',';
    out += std::to_string(p.lo);
    if (p.hi != p.lo) out += '-' + std::to_string(p.hi);
  }
  return out;
}

std::optional<std::vector<PortRange>> parse_port_list(std::string_view text, NetRuleError& error) {
  if (text == "*") return std::vector<PortRange>{};
  std::vector<PortRange> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    const auto item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    if (item == "*")
      return fail(error, "net.port", "'*' cannot be combined with other ports", "write '*' alone for every port");
    if (item.empty()) return fail(error, "net.port", "empty port in '" + std::string(text) + "'");
    const auto range = parse_port_item(item, error);
    if (!range) return std::nullopt;
    out.push_back(*range);
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

std::optional<NetRule> parse_net_rule(const std::string& text, bool deny_list, NetRuleError& error) {
  if (text.empty()) return fail(error, "net.syntax", "empty network rule", "write a host, IP or CIDR, e.g. 10.0.0.0/8");
  std::string_view rest = text;
  const auto protos = parse_scheme(rest, error);
  if (!protos) return std::nullopt;
  const auto split = split_target(rest, error);
  if (!split) return std::nullopt;
  auto target = parse_target(split->target, split->bracketed, error);
  if (!target) {
    if (!split->bracketed && std::count(rest.begin(), rest.end(), ':') > 1 && error.code == "net.syntax")
      error.hint = kBracketHint;
    return std::nullopt;
  }
  NetRule rule;
  rule.protos = *protos;
  rule.text = text;
  if (split->ports) {
    if (*protos == kProtoIcmp)
      return fail(error, "net.icmp-port", "ICMP rules take no port", "remove ':" + std::string(*split->ports) + "'");
    if (split->ports->empty()) return fail(error, "net.port", "missing port after ':'", "write a port, e.g. :443");
    auto ports = parse_port_list(*split->ports, error);
    if (!ports) return std::nullopt;
    rule.ports = std::move(*ports);
  }
  if (deny_list && target->kind == NetTarget::Kind::Host)
    return fail(error, "net.deny-host", "deny rules take IP addresses or CIDRs, not hostname '" + target->host + "'",
                "a hostname's addresses change; list its IPs or CIDRs");
  rule.target = std::move(*target);
  return rule;
}

std::string format_net_target(const NetTarget& t) {
  switch (t.kind) {
    case NetTarget::Kind::Any: return "*";
    case NetTarget::Kind::Host: return t.host;
    case NetTarget::Kind::Cidr: break;
  }
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(t.family == 4 ? AF_INET : AF_INET6, t.addr.data(), buf, sizeof buf);
  const int max_prefix = t.family == 4 ? 32 : 128;
  std::string out = buf;
  if (t.prefix != max_prefix) out += "/" + std::to_string(t.prefix);
  return t.family == 6 ? "[" + out + "]" : out;
}

std::string format_net_rule(const NetRule& rule) {
  std::string out = std::string(scheme_prefix(rule.protos)) + format_net_target(rule.target);
  if (!rule.ports.empty()) out += ":" + format_ports(rule.ports);
  return out;
}

}  // namespace sandlock
