// The network part of the graph: rules folded, merged and sorted into one canonical form.
#pragma once

#include <vector>

#include "engine/compile/graph.h"

namespace sandlock {

struct NetRuleIn {
  const NetRule* rule;
  Provenance from;
};

// Folds IPv4-mapped IPv6 to IPv4, merges ports per (protocol, target), then groups
// protocols that share a target and port set. Output is sorted and deterministic.
std::vector<NetDest> normalize_net_rules(const std::vector<NetRuleIn>& rules);

std::vector<PortRange> merge_port_ranges(std::vector<PortRange> ranges);
// True for a destination's port list that means every port: empty, or covering 1..65535.
bool means_every_port(const std::vector<PortRange>& ranges);

NetTarget fold_v4_mapped(NetTarget t);
bool target_contains(const NetTarget& t, int family, const std::array<std::uint8_t, 16>& addr);

}  // namespace sandlock
