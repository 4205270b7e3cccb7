// Network diff: normalized destinations compared by coverage, the mode by openness
// (no network < allow list < deny list), and bind ports as sets.
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

std::string ports_text(const std::vector<PortRange>& ranges) {
  std::string s;
  for (const auto& r : ranges) s += (s.empty() ? "" : ",") + (r.lo == r.hi ? std::to_string(r.lo) : std::to_string(r.lo) + "-" + std::to_string(r.hi));
  return s;
}

void diff_bind(const PolicyGraph& o, const PolicyGraph& n, std::vector<PolicyChange>& out) {
  if (auto added = subtract(n.bind, o.bind); !added.empty())
    out.push_back({ChangeKind::Widening, "bind", ports_text(added), "may now bind these ports", std::nullopt, first(n.bind_from)});
  if (auto removed = subtract(o.bind, n.bind); !removed.empty())
    out.push_back({ChangeKind::Narrowing, "bind", ports_text(removed), "may no longer bind these ports", first(o.bind_from), std::nullopt});
}

}  // namespace

void diff_network(const PolicyGraph& o, const PolicyGraph& n, std::vector<PolicyChange>& out) {
  const int a = openness(o.net_mode), b = openness(n.net_mode);
  const bool o_deny = o.net_mode == NetMode::DenyList, n_deny = n.net_mode == NetMode::DenyList;
  if (o_deny != n_deny) {
    out.push_back({b > a ? ChangeKind::Widening : ChangeKind::Narrowing, "network", "mode",
                   mode_name(o.net_mode) + " -> " + mode_name(n.net_mode), std::nullopt, std::nullopt});
  }
  if (!o_deny && !n_deny) {  // allow lists (no network = an empty one)
    uncovered(n.net_allow, o.net_allow, ChangeKind::Widening, true, "newly allowed destination", out);
    uncovered(o.net_allow, n.net_allow, ChangeKind::Narrowing, false, "no longer allowed", out);
  } else if (o_deny && n_deny) {
    uncovered(o.net_deny, n.net_deny, ChangeKind::Widening, false, "deny removed: now reachable", out);
    uncovered(n.net_deny, o.net_deny, ChangeKind::Narrowing, true, "newly denied destination", out);
  }
  diff_bind(o, n, out);
}

}  // namespace sandlock
