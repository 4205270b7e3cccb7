// Network destinations compared by meaning: coverage (for diff and lint) and the
// destination that decides a connection (for query and test).
#pragma once

#include <optional>
#include <string>

#include "engine/compile/graph.h"

namespace sandlock {

// True when every (protocol, address, port) that `inner` names is also named by one of `outer`.
bool dests_cover(const std::vector<NetDest>& outer, const NetDest& inner);

// True for a target that names every address: `*`, or a prefix-0 CIDR (0.0.0.0/0 every IPv4
// address, ::/0 every IPv6 one). lint and the exposure score count these as open.
bool means_any_destination(const NetTarget& target);

// The canonical text of a destination: "tcp://10.0.0.0/8:443", "*".
std::string net_dest_text(const NetDest& dest);

struct NetDecision {
  bool allowed = false;
  const NetDest* rule = nullptr;  // the matching allow (Allow mode) or deny (DenyList mode) entry
};
NetDecision net_decide(const PolicyGraph& graph, NetProto proto, int family, const std::array<std::uint8_t, 16>& addr,
                       std::uint16_t port);

// Parses an IP literal ("127.0.0.1", "::1", "[::1]") into family and bytes.
bool parse_ip_literal(const std::string& text, int& family, std::array<std::uint8_t, 16>& addr);

}  // namespace sandlock
