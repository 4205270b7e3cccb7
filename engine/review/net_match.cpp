#include "engine/review/net_match.h"

#include <arpa/inet.h>

#include <algorithm>

#include "engine/compile/net_normalize.h"

namespace sandlock {
namespace {

bool target_covers(const NetTarget& outer, const NetTarget& inner) {
  switch (outer.kind) {
    case NetTarget::Kind::Any: return true;
    case NetTarget::Kind::Host: return inner.kind == NetTarget::Kind::Host && inner.host == outer.host;
    case NetTarget::Kind::Cidr:
      return inner.kind == NetTarget::Kind::Cidr && inner.family == outer.family && inner.prefix >= outer.prefix &&
             target_contains(outer, inner.family, inner.addr);
  }
  return false;
}

// Port lists are merged and sorted, so a covered range lies inside one outer range.
bool ports_cover(const std::vector<PortRange>& outer, const std::vector<PortRange>& inner) {
  if (means_every_port(outer)) return true;
  if (means_every_port(inner)) return false;
  return std::all_of(inner.begin(), inner.end(), [&](const PortRange& r) {
    return std::any_of(outer.begin(), outer.end(), [&](const PortRange& o) { return o.lo <= r.lo && r.hi <= o.hi; });
  });
}

}  // namespace

bool dests_cover(const std::vector<NetDest>& outer, const NetDest& inner) {
  for (unsigned proto : {kProtoTcp, kProtoUdp, kProtoIcmp}) {
    if (!(inner.protos & proto)) continue;
    const bool icmp = proto == kProtoIcmp;  // ICMP has no ports
    const bool covered = std::any_of(outer.begin(), outer.end(), [&](const NetDest& o) {
      return (o.protos & proto) && target_covers(o.target, inner.target) && (icmp || ports_cover(o.ports, inner.ports));
    });
    if (!covered) return false;
  }
  return true;
}

bool means_any_destination(const NetTarget& target) {
  return target.kind == NetTarget::Kind::Any || (target.kind == NetTarget::Kind::Cidr && target.prefix == 0);
}

std::string net_dest_text(const NetDest& dest) {
  NetRule rule;
  rule.protos = dest.protos;
  rule.target = dest.target;
  rule.ports = dest.ports;
  return format_net_rule(rule);
}

NetDecision net_decide(const PolicyGraph& graph, NetProto proto, int family, const std::array<std::uint8_t, 16>& addr,
                       std::uint16_t port) {
  NetDecision d;
  d.allowed = net_allows(graph, proto, family, addr, port);
  const auto& list = graph.net_mode == NetMode::DenyList ? graph.net_deny : graph.net_allow;
  if (graph.net_mode == NetMode::None) return d;
  // Find the entry that decided: the single-address probe is covered by it.
  NetDest probe;
  probe.protos = proto;
  probe.target.kind = NetTarget::Kind::Cidr;
  probe.target.family = family;
  probe.target.addr = addr;
  probe.target.prefix = family == 4 ? 32 : 128;
  probe.target = fold_v4_mapped(probe.target);
  probe.ports = {{port, port}};
  for (const auto& dest : list)
    if (dests_cover({dest}, probe)) {
      d.rule = &dest;
      break;
    }
  return d;
}

bool parse_ip_literal(const std::string& text, int& family, std::array<std::uint8_t, 16>& addr) {
  std::string t = text;
  if (t.size() > 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
  addr = {};
  if (inet_pton(AF_INET, t.c_str(), addr.data()) == 1) {
    family = 4;
    return true;
  }
  if (inet_pton(AF_INET6, t.c_str(), addr.data()) == 1) {
    family = 6;
    return true;
  }
  return false;
}

}  // namespace sandlock
