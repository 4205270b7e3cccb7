// Network diff: normalized destinations compared by coverage, the mode by openness
// (no network < allow list < deny list), and bind ports as sets. Between an allow list and a
// deny list the destinations are compared too: what the deny list refused and the allow list
// allows, and what the allow list left out that the deny list allows.
#include <algorithm>
#include <set>

#include "engine/compile/net_normalize.h"
#include "engine/lower/net_rules.h"
#include "engine/review/diff_parts.h"
#include "engine/review/net_match.h"

namespace sandlock {
namespace {

int openness(NetMode m) { return m == NetMode::None ? 0 : m == NetMode::Allow ? 1 : 2; }

std::string mode_name(NetMode m) {
  return m == NetMode::None ? "no network" : m == NetMode::Allow ? "allow list" : "deny list (default allow)";
}

std::optional<Provenance> first(const std::vector<Provenance>& from) {
  if (from.empty()) return std::nullopt;
  return from.front();
}

// Destinations of `from` that `against` does not cover, reported as `kind`.
void uncovered(const std::vector<NetDest>& from, const std::vector<NetDest>& against, ChangeKind kind, bool from_is_new,
               const std::string& detail, std::vector<PolicyChange>& out) {
  for (const auto& d : from) {
    if (dests_cover(against, d)) continue;
    PolicyChange c{kind, "network", net_dest_text(d), detail, {}, {}};
    (from_is_new ? c.new_from : c.old_from) = first(d.from);
    out.push_back(std::move(c));
  }
}

// Every protocol, address and port: what an allow list must cover to allow all a deny list could.
NetDest everything() {
  NetDest d;
  d.protos = kProtoTcp | kProtoUdp | kProtoIcmp;
  return d;
}

// The addresses both targets name. A host name (allow lists only) is resolved when the sandbox
// starts, so it may lie in any address range: it meets every range, as itself.
std::optional<NetTarget> target_meet(const NetTarget& x, const NetTarget& y) {
  using K = NetTarget::Kind;
  if (x.kind == K::Any) return y;
  if (y.kind == K::Any) return x;
  if (x.kind == K::Host && y.kind == K::Host) return x.host == y.host ? std::optional(x) : std::nullopt;
  if (x.kind == K::Host) return x;
  if (y.kind == K::Host) return y;
  if (x.family != y.family) return std::nullopt;
  const NetTarget& wide = x.prefix <= y.prefix ? x : y;
  const NetTarget& narrow = x.prefix <= y.prefix ? y : x;
  if (!target_contains(wide, narrow.family, narrow.addr)) return std::nullopt;
  return narrow;
}

// The ports both lists name (empty = every port); nullopt when none.
std::optional<std::vector<PortRange>> ports_meet(const std::vector<PortRange>& x, const std::vector<PortRange>& y) {
  if (means_every_port(x)) return y;
  if (means_every_port(y)) return x;
  std::vector<PortRange> both;
  for (const auto& r : x)
    for (const auto& s : y) {
      const auto lo = std::max(r.lo, s.lo), hi = std::min(r.hi, s.hi);
      if (lo <= hi) both.push_back({lo, hi});
    }
  if (both.empty()) return std::nullopt;
  return merge_port_ranges(both);
}

// The destinations both `x` and `y` name: at most one for TCP/UDP (ports apply) and one for
// ICMP (no ports).
std::vector<NetDest> dest_meet(const NetDest& x, const NetDest& y) {
  std::vector<NetDest> out;
  const auto target = target_meet(x.target, y.target);
  if (!target) return out;
  if (const unsigned ip = x.protos & y.protos & (kProtoTcp | kProtoUdp); ip) {
    if (auto ports = ports_meet(x.ports, y.ports)) {
      NetDest d;
      d.protos = ip;
      d.target = *target;
      d.ports = means_every_port(*ports) ? std::vector<PortRange>{} : *ports;
      out.push_back(std::move(d));
    }
  }
  if (x.protos & y.protos & kProtoIcmp) {
    NetDest d;
    d.protos = kProtoIcmp;
    d.target = *target;
    out.push_back(std::move(d));
  }
  return out;
}

// Destinations a deny list names that an allow list allows, reported as `kind`: a deny entry
// the allow list covers whole as itself, otherwise each part an allow entry shares with it.
// (Old side = the deny list for a widening, the allow list for a narrowing.)
void denied_and_allowed(const std::vector<NetDest>& deny, const std::vector<NetDest>& allow, ChangeKind kind,
                        const std::string& detail, std::vector<PolicyChange>& out) {
  const bool deny_is_old = kind == ChangeKind::Widening;
  std::set<std::string> seen;
  auto report = [&](const NetDest& subject, const NetDest& d, const NetDest& a) {
    const std::string text = net_dest_text(subject);
    if (!seen.insert(text).second) return;
    const bool name = subject.target.kind == NetTarget::Kind::Host;  // resolved at start: may or may not lie in d
    PolicyChange c{kind, "network", text,
                   detail + (name ? " if the name resolves into " : " (") + "deny " + net_dest_text(d) + (name ? "" : ", allow " + net_dest_text(a) + ")"),
                   {}, {}};
    (deny_is_old ? c.old_from : c.new_from) = first(d.from);
    (deny_is_old ? c.new_from : c.old_from) = first(a.from);
    out.push_back(std::move(c));
  };
  for (const auto& d : deny) {
    const bool whole = dests_cover(allow, d);
    for (const auto& a : allow)
      for (const auto& part : dest_meet(d, a)) report(whole ? d : part, d, a);
  }
}

// Port ranges of `a` not in `b`.
std::vector<PortRange> subtract(const std::vector<PortRange>& a, const std::vector<PortRange>& b) {
  std::vector<PortRange> out;
  for (auto r : a) {
    int lo = r.lo;
    for (const auto& x : b) {
      if (x.hi < lo || x.lo > r.hi) continue;
      if (x.lo > lo) out.push_back({static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(x.lo - 1)});
      lo = x.hi + 1;
      if (lo > r.hi) break;
    }
    if (lo <= r.hi) out.push_back({static_cast<std::uint16_t>(lo), r.hi});
  }
  return out;
}


// A bind list that covers 1-65535 is `*` (0-65535): run enforces neither (port 0 asks the
// kernel for any free port), so `1-65535` and `*` mean the same.
std::vector<PortRange> bind_ports(const std::vector<PortRange>& bind) {
  if (!bind.empty() && covers_all_ports(bind)) return {{0, 65535}};
  return bind;
}

void diff_bind(const PolicyGraph& o, const PolicyGraph& n, std::vector<PolicyChange>& out) {
  const auto ob = bind_ports(o.bind), nb = bind_ports(n.bind);
  if (auto added = subtract(nb, ob); !added.empty())
    out.push_back({ChangeKind::Widening, "bind", format_ports(added), "may now bind these ports", std::nullopt, first(n.bind_from)});
  if (auto removed = subtract(ob, nb); !removed.empty())
    out.push_back({ChangeKind::Narrowing, "bind", format_ports(removed), "may no longer bind these ports", first(o.bind_from), std::nullopt});
}

}  // namespace

void diff_network(const PolicyGraph& o, const PolicyGraph& n, std::vector<PolicyChange>& out) {
  const int a = openness(o.net_mode), b = openness(n.net_mode);
  const bool o_deny = o.net_mode == NetMode::DenyList, n_deny = n.net_mode == NetMode::DenyList;
  if (!o_deny && !n_deny) {  // allow lists (no network = an empty one)
    uncovered(n.net_allow, o.net_allow, ChangeKind::Widening, true, "newly allowed destination", out);
    uncovered(o.net_allow, n.net_allow, ChangeKind::Narrowing, false, "no longer allowed", out);
  } else if (o_deny && n_deny) {
    uncovered(o.net_deny, n.net_deny, ChangeKind::Widening, false, "deny removed: now reachable", out);
    uncovered(n.net_deny, o.net_deny, ChangeKind::Narrowing, true, "newly denied destination", out);
  } else {
    // A deny list allows everything it does not name. Against an allow list, the mode change
    // is reported unless the allow list allows everything too (then only the denies differ);
    // the deny entries are compared with what the allow list allows.
    const PolicyGraph& allow_side = o_deny ? n : o;
    if (!dests_cover(allow_side.net_allow, everything()))
      out.push_back({b > a ? ChangeKind::Widening : ChangeKind::Narrowing, "network", "mode",
                     mode_name(o.net_mode) + " -> " + mode_name(n.net_mode), std::nullopt, std::nullopt});
    if (o_deny)
      denied_and_allowed(o.net_deny, n.net_allow, ChangeKind::Widening, "denied before, allowed now", out);
    else
      denied_and_allowed(n.net_deny, o.net_allow, ChangeKind::Narrowing, "allowed before, denied now", out);
  }
  diff_bind(o, n, out);
}

}  // namespace sandlock
