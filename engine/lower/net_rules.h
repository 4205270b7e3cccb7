// Steps 4 and 5 of lowering: the network part of the graph → Landlock TCP port rules,
// whether a supervisor is needed, and which mechanism enforces each rule.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/lower/plan.h"

namespace sandlock {

// A port list longer than this gets a "lower.port-expansion" warning (one Landlock rule per port).
inline constexpr std::size_t kPortExpansionWarnAt = 1000;

struct NetLowering {
  // The ABI's TCP rights when net-tcp is Active, else 0. The one exception to "every Active
  // protection's bits are handled": a right whose policy allows every port (connect: a
  // destination with all ports, or a deny list; bind: `*`) is left unhandled, since
  // Landlock filters by port only and cannot narrow it; hosts are the supervisor's.
  std::uint64_t handled_access_net = 0;
  std::vector<LandlockNetRule> rules;  // sorted by port, connect and bind merged per port
  bool needs_supervisor = false;
  // The seccomp side of the network policy, for lower_seccomp.
  bool notify_bind = false;          // bind restricted but Landlock cannot do it
  bool deny_non_tcp_sockets = false;  // no UDP/ICMP allowed: refuse non-TCP inet sockets
  // No network and no Landlock TCP control: refuse every inet socket (EACCES), no supervisor.
  bool deny_inet_sockets = false;
  // Supervised UDP/ICMP (or a deny list): inet sockets only as TCP streams or datagram sockets.
  bool stream_or_dgram_only = false;
  // Landlock alone keeps TCP connects: refuse TCP Fast Open sends, which connect past it.
  bool refuse_fast_open = false;
  // Any network rule at all to keep: the child gives up CAP_NET_ADMIN and CAP_NET_RAW,
  // with which a root sandbox could add a route or a NAT rule that sends an allowed
  // connection elsewhere, or mark packets for a routing rule.
  bool drop_net_capabilities = false;
  std::vector<NetEnforcement> enforcement;
};

// `abi_net` is the ABI's network rights; `net_tcp_active` the resolved net-tcp protection.
NetLowering lower_network(const PolicyGraph& graph, bool net_tcp_active, std::uint64_t abi_net,
                          Diagnostics& diagnostics);

// Whether the ranges cover every usable port (1..65535; port 0 is never a real destination).
bool covers_all_ports(const std::vector<PortRange>& ranges);

}  // namespace sandlock
