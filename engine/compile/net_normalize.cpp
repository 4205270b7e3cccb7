#include "engine/compile/net_normalize.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace sandlock {

std::vector<PortRange> merge_port_ranges(std::vector<PortRange> ranges) {
  std::sort(ranges.begin(), ranges.end());
  std::vector<PortRange> out;
  for (const auto& r : ranges) {
    if (!out.empty() && static_cast<unsigned>(r.lo) <= static_cast<unsigned>(out.back().hi) + 1)
      out.back().hi = std::max(out.back().hi, r.hi);
    else
      out.push_back(r);
  }
  return out;
}

bool means_every_port(const std::vector<PortRange>& ranges) {
  if (ranges.empty()) return true;
  const auto merged = merge_port_ranges(ranges);
  // Port 0 is never a destination; 1..65535 is every port.
  return merged.size() == 1 && merged[0].lo <= 1 && merged[0].hi == 65535;
}

NetTarget fold_v4_mapped(NetTarget t) {
  if (t.kind != NetTarget::Kind::Cidr || t.family != 6 || t.prefix < 96) return t;
  static constexpr std::array<std::uint8_t, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (!std::equal(kMapped.begin(), kMapped.end(), t.addr.begin())) return t;
  NetTarget v4;
  v4.kind = NetTarget::Kind::Cidr;
  v4.family = 4;
  std::copy(t.addr.begin() + 12, t.addr.end(), v4.addr.begin());
  v4.prefix = t.prefix - 96;
  return v4;
}

bool target_contains(const NetTarget& t, int family, const std::array<std::uint8_t, 16>& addr) {
  if (t.kind == NetTarget::Kind::Any) return true;
  if (t.kind != NetTarget::Kind::Cidr || t.family != family) return false;
  int bits = t.prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((addr[i] & mask) != (t.addr[i] & mask)) return false;
  }
  return true;
}

std::vector<NetDest> normalize_net_rules(const std::vector<NetRuleIn>& rules) {
  struct Acc {
    std::vector<PortRange> ports;
    bool all_ports = false;
    std::vector<Provenance> from;
  };
  // (proto, target) → accumulated ports.
  std::map<std::pair<unsigned, NetTarget>, Acc> per_proto;
  for (const auto& in : rules) {
    const NetTarget target = fold_v4_mapped(in.rule->target);
    for (unsigned proto : {kProtoTcp, kProtoUdp, kProtoIcmp}) {
      if (!(in.rule->protos & proto)) continue;
      Acc& acc = per_proto[{proto, target}];
      if (in.rule->ports.empty() || means_every_port(in.rule->ports))
        acc.all_ports = true;
      else
        acc.ports.insert(acc.ports.end(), in.rule->ports.begin(), in.rule->ports.end());
      acc.from.push_back(in.from);
    }
  }
  // Regroup: (target, ports) → protocols.
  std::map<std::pair<NetTarget, std::vector<PortRange>>, NetDest> grouped;
  for (auto& [key, acc] : per_proto) {
    std::vector<PortRange> ports = acc.all_ports ? std::vector<PortRange>{} : merge_port_ranges(acc.ports);
    NetDest& d = grouped[{key.second, ports}];
    d.protos |= key.first;
    d.target = key.second;
    d.ports = ports;
    for (auto& f : acc.from) {
      const bool seen = std::any_of(d.from.begin(), d.from.end(), [&](const Provenance& p) { return p.where == f.where; });
      if (!seen) d.from.push_back(f);
    }
  }
  std::vector<NetDest> out;
  for (auto& [_, d] : grouped) out.push_back(std::move(d));
  return out;
}

namespace {

// One address as a target, an IPv4-mapped IPv6 one as the IPv4 address it is.
NetTarget single_address(int family, const std::array<std::uint8_t, 16>& addr) {
  NetTarget t;
  t.kind = NetTarget::Kind::Cidr;
  t.family = family;
  t.addr = addr;
  t.prefix = family == 4 ? 32 : 128;
  return fold_v4_mapped(t);
}

}  // namespace

bool net_allows(const PolicyGraph& graph, NetProto proto, int family, const std::array<std::uint8_t, 16>& addr,
                std::uint16_t port) {
  const NetTarget probe = single_address(family, addr);
  auto matches = [&](const NetDest& d) {
    if (!(d.protos & proto) || !target_contains(d.target, probe.family, probe.addr)) return false;
    if (d.ports.empty() || proto == kProtoIcmp) return true;
    return std::any_of(d.ports.begin(), d.ports.end(), [&](const PortRange& r) { return port >= r.lo && port <= r.hi; });
  };
  switch (graph.net_mode) {
    case NetMode::None: return false;
    case NetMode::Allow: return std::any_of(graph.net_allow.begin(), graph.net_allow.end(), matches);
    case NetMode::DenyList: return std::none_of(graph.net_deny.begin(), graph.net_deny.end(), matches);
  }
  return false;
}

bool net_reach_allowed(const PolicyGraph& graph, NetProto proto, int family, const std::array<std::uint8_t, 16>& addr,
                       std::uint16_t port) {
  const NetTarget d = single_address(family, addr);  // ::ffff:0.0.0.0 is 0.0.0.0
  if (!net_allows(graph, proto, d.family, d.addr, port)) return false;
  const std::size_t n = d.family == 4 ? 4 : 16;
  if (!std::all_of(d.addr.begin(), d.addr.begin() + static_cast<std::ptrdiff_t>(n), [](std::uint8_t b) { return b == 0; }))
    return true;
  std::array<std::uint8_t, 16> v4{127, 0, 0, 1}, v6{};
  v6[15] = 1;
  return net_allows(graph, proto, 4, v4, port) && net_allows(graph, proto, 6, v6, port);
}

bool pin_unspecified_address(int family, std::array<std::uint8_t, 16>& addr) {
  const auto zero = [&](std::size_t from, std::size_t to) {
    return std::all_of(addr.begin() + static_cast<std::ptrdiff_t>(from), addr.begin() + static_cast<std::ptrdiff_t>(to),
                       [](std::uint8_t b) { return b == 0; });
  };
  if (family == 4 && zero(0, 4)) {
    addr[0] = 127;
    addr[3] = 1;
    return true;
  }
  if (family != 6) return false;
  if (zero(0, 16)) {
    addr[15] = 1;
    return true;
  }
  if (zero(0, 10) && addr[10] == 0xff && addr[11] == 0xff && zero(12, 16)) {  // ::ffff:0.0.0.0
    addr[12] = 127;
    addr[15] = 1;
    return true;
  }
  return false;
}

}  // namespace sandlock
