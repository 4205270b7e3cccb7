#include "engine/lower/net_rules.h"

#include <algorithm>
#include <map>

#include "engine/kernel/landlock_uapi.h"
#include "engine/lower/syscall_filters.h"

namespace sandlock {
namespace {

using uapi::kNetBindTcp;
using uapi::kNetConnectTcp;

bool all_ports(const NetDest& d) { return d.ports.empty() || covers_all_ports(d.ports); }

bool is_tcp(const NetDest& d) { return (d.protos & kProtoTcp) != 0; }

bool has_non_tcp(const NetDest& d) { return (d.protos & (kProtoUdp | kProtoIcmp)) != 0; }

std::string ports_text(const std::vector<PortRange>& ports) { return ports.empty() ? "*" : format_ports(ports); }

std::string dest_text(const NetDest& d) {
  std::string protos;
  for (auto [bit, name] : {std::pair{kProtoTcp, "tcp"}, {kProtoUdp, "udp"}, {kProtoIcmp, "icmp"}}) {
    if (!(d.protos & bit)) continue;
    if (!protos.empty()) protos += '+';
    protos += name;
  }
  std::string text = protos + "://" + format_net_target(d.target);
  if (d.protos != kProtoIcmp) text += ":" + ports_text(d.ports);
  return text;
}

// Adds `bit` for every port of `ranges` (port 0 excluded) to the per-port map.
void add_ports(std::map<std::uint16_t, std::uint64_t>& by_port, const std::vector<PortRange>& ranges,
               std::uint64_t bit) {
  for (const PortRange& r : ranges)
    for (unsigned p = std::max<unsigned>(r.lo, 1); p <= r.hi; ++p) by_port[static_cast<std::uint16_t>(p)] |= bit;
}

class NetLowerer {
 public:
  NetLowerer(const PolicyGraph& g, bool active, std::uint64_t abi_net) : g_(g), active_(active) {
    if (active_) out_.handled_access_net = abi_net;
  }

  NetLowering run(Diagnostics& diagnostics) {
    lower_connect();
    lower_bind();
    decide_supervisor();
    describe();
    if (by_port_.size() > kPortExpansionWarnAt)
      diagnostics.push_back(warning_at("lower.port-expansion", Location{}, "network",
                                       "the network rules expand to " + std::to_string(by_port_.size()) +
                                           " Landlock port rules (one per port)",
                                       "use fewer or narrower port ranges"));
    for (auto [port, access] : by_port_)
      if ((access &= out_.handled_access_net) != 0) out_.rules.push_back({port, access});
    return std::move(out_);
  }

 private:
  // Connect: handled (deny by default) unless the policy lets some destination reach every
  // port, which Landlock (port-only) cannot narrow further; the supervisor refines hosts.
  void lower_connect() {
    if (!active_) return;
    if (g_.net_mode == NetMode::DenyList || connect_everywhere_by_port()) {
      out_.handled_access_net &= ~kNetConnectTcp;
      return;
    }
    if (g_.net_mode == NetMode::Allow)
      for (const NetDest& d : g_.net_allow)
        if (is_tcp(d)) add_ports(by_port_, d.ports, kNetConnectTcp);
  }

  void lower_bind() {
    if (!active_) return;
    if (covers_all_ports(g_.bind)) {
      out_.handled_access_net &= ~kNetBindTcp;
      return;
    }
    add_ports(by_port_, g_.bind, kNetBindTcp);
  }

  bool connect_everywhere_by_port() const {
    return g_.net_mode == NetMode::Allow &&
           std::any_of(g_.net_allow.begin(), g_.net_allow.end(), [](const NetDest& d) { return is_tcp(d) && all_ports(d); });
  }

  // TCP connect and bind both allow everything: nothing for anyone to enforce.
  bool tcp_allows_everything() const {
    const bool connect_all =
        g_.net_mode == NetMode::Allow &&
        std::any_of(g_.net_allow.begin(), g_.net_allow.end(), [](const NetDest& d) {
          return is_tcp(d) && all_ports(d) && d.target.kind == NetTarget::Kind::Any;
        });
    return connect_all && covers_all_ports(g_.bind);
  }

  // UDP and ICMP both allowed to every host and port: nothing non-TCP to enforce.
  bool non_tcp_allows_everything() const {
    const auto everywhere = [&](unsigned proto) {
      return std::any_of(g_.net_allow.begin(), g_.net_allow.end(), [&](const NetDest& d) {
        return (d.protos & proto) && d.target.kind == NetTarget::Kind::Any && (proto == kProtoIcmp || all_ports(d));
      });
    };
    return g_.net_mode == NetMode::Allow && everywhere(kProtoUdp) && everywhere(kProtoIcmp);
  }

  // Landlock narrows TCP by port only: a host or CIDR is the supervisor's; without
  // net-tcp, all of TCP is (unless it allows everything).
  bool tcp_supervised(const NetDest& d) const {
    if (!is_tcp(d)) return false;
    return active_ ? d.target.kind != NetTarget::Kind::Any : !tcp_allows_everything();
  }

  bool non_tcp_supervised(const NetDest& d) const { return has_non_tcp(d) && !non_tcp_everything_; }

  void decide_supervisor() {
    non_tcp_everything_ = non_tcp_allows_everything();
    const bool any_non_tcp = std::any_of(g_.net_allow.begin(), g_.net_allow.end(), has_non_tcp);
    // No network at all: without Landlock's TCP control, seccomp refuses the sockets
    // themselves (a bind list still needs inet sockets, so that case stays supervised).
    out_.deny_inet_sockets = g_.net_mode == NetMode::None && !active_ && g_.bind.empty();
    out_.needs_supervisor =
        g_.net_mode == NetMode::DenyList || (!active_ && !tcp_allows_everything() && !out_.deny_inet_sockets) ||
        (g_.net_mode == NetMode::Allow && std::any_of(g_.net_allow.begin(), g_.net_allow.end(), [&](const NetDest& d) {
           return tcp_supervised(d) || non_tcp_supervised(d);
         }));
    // Without Landlock's bind control, only the supervisor can keep a bind list.
    out_.notify_bind = !active_ && !covers_all_ports(g_.bind);
    // Landlock only knows TCP: when no UDP/ICMP destination is allowed, seccomp refuses
    // the other inet socket kinds instead (fail closed).
    out_.deny_non_tcp_sockets = g_.net_mode != NetMode::DenyList && !any_non_tcp && !out_.deny_inet_sockets;
    // Datagram sockets are allowed (the supervisor checks them); raw and exotic kinds never.
    out_.stream_or_dgram_only = !out_.deny_non_tcp_sockets && !out_.deny_inet_sockets;
    // sendto/sendmsg with MSG_FASTOPEN connect without Landlock's connect hook. Supervised,
    // every send that names an address is checked (and made) by the supervisor instead.
    out_.refuse_fast_open = (out_.handled_access_net & kNetConnectTcp) != 0 && !out_.needs_supervisor;
    out_.drop_net_capabilities = out_.needs_supervisor || out_.handled_access_net != 0 || out_.deny_inet_sockets ||
                                 out_.deny_non_tcp_sockets;
  }

  std::string mechanism_for(const NetDest& d) const {
    const bool supervisor = tcp_supervised(d) || non_tcp_supervised(d);
    // Landlock narrows the ports, or (every port) is all there is to it.
    const bool landlock = is_tcp(d) && active_ && (!all_ports(d) || !tcp_supervised(d));
    if (landlock && supervisor) return "landlock+supervisor";
    if (landlock) return "landlock";
    return supervisor ? "supervisor" : "none (allows everything)";
  }

  void describe() {
    if (g_.net_mode == NetMode::None)
      out_.enforcement.push_back(
          {"no network (tcp)", active_ ? "landlock" : out_.deny_inet_sockets ? "seccomp" : "supervisor"});
    if (g_.net_mode == NetMode::Allow)
      for (const NetDest& d : g_.net_allow) out_.enforcement.push_back({"allow " + dest_text(d), mechanism_for(d)});
    if (g_.net_mode == NetMode::DenyList)
      for (const NetDest& d : g_.net_deny) out_.enforcement.push_back({"deny " + dest_text(d), "supervisor"});
    const std::string bind_by = covers_all_ports(g_.bind) ? "none (allows everything)" : active_ ? "landlock" : "supervisor";
    for (const PortRange& r : g_.bind) out_.enforcement.push_back({"bind " + ports_text({r}), bind_by});
    if (out_.deny_non_tcp_sockets)
      out_.enforcement.push_back({"no udp, icmp, raw or sctp inet sockets", "seccomp"});
    if (out_.deny_inet_sockets) out_.enforcement.push_back({"no inet sockets", "seccomp"});
    if (out_.stream_or_dgram_only) out_.enforcement.push_back({"no raw or sctp inet sockets", "seccomp"});
    if (out_.refuse_fast_open) out_.enforcement.push_back({"no tcp fast open (it connects past landlock)", "seccomp"});
    if (out_.drop_net_capabilities)
      out_.enforcement.push_back({"no net_admin or net_raw capability (routes, nat, marks)", "capabilities"});
    if (out_.needs_supervisor) {
      out_.enforcement.push_back({"no source routing (ip options, routing headers)", "seccomp"});
      out_.enforcement.push_back(
          {"no control message but tos, ttl, pktinfo, hop limit, tclass, dontfrag, gso, timestamps", "supervisor"});
    }
    out_.enforcement.push_back({"no smc, rds, vsock or other socket families",
                                refuses_other_socket_families(g_) ? "seccomp" : "none (syscalls.allow: @other-sockets)"});
  }

  const PolicyGraph& g_;
  const bool active_;
  NetLowering out_;
  bool non_tcp_everything_ = false;
  std::map<std::uint16_t, std::uint64_t> by_port_;
};

}  // namespace

bool covers_all_ports(const std::vector<PortRange>& ranges) {
  std::vector<PortRange> sorted = ranges;
  std::sort(sorted.begin(), sorted.end());
  unsigned next = 1;  // the first port not yet covered
  for (const PortRange& r : sorted) {
    if (r.lo > next) return false;
    next = std::max<unsigned>(next, static_cast<unsigned>(r.hi) + 1);
  }
  return next > 65535;
}

NetLowering lower_network(const PolicyGraph& graph, bool net_tcp_active, std::uint64_t abi_net,
                          Diagnostics& diagnostics) {
  return NetLowerer(graph, net_tcp_active, abi_net).run(diagnostics);
}

}  // namespace sandlock
