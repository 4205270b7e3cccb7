#include "engine/apply/destinations.h"

#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "engine/compile/net_normalize.h"

namespace sandlock {
namespace {

// SIN6_LEN_RFC2133: the kernel accepts an IPv6 sockaddr without its scope id.
constexpr std::size_t kMinSockaddrIn6 = 24;

NetTarget single_address(int family, const void* bytes) {
  NetTarget t;
  t.kind = NetTarget::Kind::Cidr;
  t.family = family == AF_INET ? 4 : 6;
  t.prefix = family == AF_INET ? 32 : 128;
  std::memcpy(t.addr.data(), bytes, family == AF_INET ? 4 : 16);
  return fold_v4_mapped(t);  // a name resolving to ::ffff:a.b.c.d is the IPv4 address it is
}

std::optional<std::set<NetTarget>> resolve_host(const std::string& host, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    error = "cannot resolve the network target '" + host + "': " + gai_strerror(rc);
    return std::nullopt;
  }
  std::set<NetTarget> targets;
  for (const addrinfo* ai = found; ai; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET)
      targets.insert(single_address(AF_INET, &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr));
    else if (ai->ai_family == AF_INET6)
      targets.insert(single_address(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr));
  }
  freeaddrinfo(found);
  if (targets.empty()) {
    error = "the network target '" + host + "' resolves to no IPv4 or IPv6 address";
    return std::nullopt;
  }
  return targets;
}

// An address as the policy sees it: family 4 or 6, bytes, port.
struct Destination {
  int family = 0;
  std::array<std::uint8_t, 16> addr{};
  std::uint16_t port = 0;
};

// Reads an IPv4 sockaddr layout (also what UDP makes of AF_UNSPEC on an AF_INET socket).
Destination ipv4_of(const sockaddr_storage& ss) {
  const auto& sin = reinterpret_cast<const sockaddr_in&>(ss);
  Destination d{4, {}, ntohs(sin.sin_port)};
  std::memcpy(d.addr.data(), &sin.sin_addr, 4);
  return d;
}

Destination ipv6_of(const sockaddr_storage& ss) {
  const auto& sin6 = reinterpret_cast<const sockaddr_in6&>(ss);
  Destination d{6, {}, ntohs(sin6.sin6_port)};
  std::memcpy(d.addr.data(), &sin6.sin6_addr, 16);
  return d;
}

bool is_unspecified(const Destination& d) {
  const std::size_t n = d.family == 4 ? 4 : 16;
  return std::all_of(d.addr.begin(), d.addr.begin() + static_cast<std::ptrdiff_t>(n), [](std::uint8_t b) { return b == 0; });
}

// IPv4-mapped IPv6 as the IPv4 address it is.
Destination folded(Destination d) {
  const NetTarget t = single_address(d.family == 4 ? AF_INET : AF_INET6, d.addr.data());
  d.family = t.family;
  d.addr = t.addr;
  return d;
}

bool allows(const PolicyGraph& net, NetProto proto, const Destination& d) {
  return net_allows(net, proto, d.family, d.addr, d.port);
}

// An unspecified address not pinned (pin_unspecified_destination) may reach either loopback:
// it passes only if both do, and itself.
bool reach_allowed(const PolicyGraph& net, NetProto proto, Destination d) {
  d = folded(d);
  if (!allows(net, proto, d)) return false;
  if (!is_unspecified(d)) return true;
  Destination v4 = d, v6 = d;
  v4.family = 4;
  v4.addr = {127, 0, 0, 1};
  v6.family = 6;
  v6.addr = {};
  v6.addr[15] = 1;
  return allows(net, proto, v4) && allows(net, proto, v6);
}

bool bind_port_allowed(const std::vector<PortRange>& ranges, std::uint16_t port) {
  return std::any_of(ranges.begin(), ranges.end(), [&](const PortRange& r) { return port >= r.lo && port <= r.hi; });
}

}  // namespace

std::optional<DestinationPolicy> resolve_destinations(const PolicyGraph& graph, std::string& error) {
  DestinationPolicy p;
  p.net.net_mode = graph.net_mode;
  p.net.net_deny = graph.net_deny;  // deny lists hold IPs and CIDRs only (validation refuses names)
  p.net.bind = graph.bind;
  for (const NetDest& d : graph.net_allow) {
    if (d.target.kind != NetTarget::Kind::Host) {
      p.net.net_allow.push_back(d);
      continue;
    }
    auto targets = resolve_host(d.target.host, error);
    if (!targets) return std::nullopt;
    std::string note = d.target.host + " ->";
    for (const NetTarget& t : *targets) {
      note += (note.back() == '>' ? " " : ", ") + format_net_target(t);
      NetDest pinned = d;
      pinned.target = t;
      p.net.net_allow.push_back(std::move(pinned));
    }
    p.pinned.push_back(std::move(note));
  }
  return p;
}

void pin_unspecified_destination(sockaddr_storage& addr, std::size_t len) {
  if (addr.ss_family == AF_INET6 && len >= kMinSockaddrIn6) {
    auto& a = reinterpret_cast<sockaddr_in6&>(addr).sin6_addr;
    static constexpr std::uint8_t kMappedAny[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0};
    if (IN6_IS_ADDR_UNSPECIFIED(&a)) a = in6addr_loopback;
    else if (std::memcmp(&a, kMappedAny, 16) == 0) {
      a.s6_addr[12] = 127;
      a.s6_addr[15] = 1;
    }
  } else if ((addr.ss_family == AF_INET || addr.ss_family == AF_UNSPEC) && len >= sizeof(sockaddr_in)) {
    auto& a = reinterpret_cast<sockaddr_in&>(addr).sin_addr;
    if (a.s_addr == htonl(INADDR_ANY)) a.s_addr = htonl(INADDR_LOOPBACK);
  }
}

int destination_errno(const DestinationPolicy& policy, NetProto proto, int socket_family, AddressUse use,
                      const sockaddr_storage& addr, std::size_t len) {
  if (len < sizeof(sa_family_t)) return EINVAL;
  Destination d;
  switch (addr.ss_family) {
    case AF_INET:
      if (len < sizeof(sockaddr_in)) return EINVAL;
      d = ipv4_of(addr);
      break;
    case AF_INET6:
      if (len < kMinSockaddrIn6) return EINVAL;
      d = ipv6_of(addr);
      break;
    case AF_UNSPEC:
      // connect: disassociate. On an AF_INET6 socket a datagram's AF_UNSPEC means "no
      // address"; on an AF_INET socket UDP and bind read it as an IPv4 address: check that.
      if (use == AddressUse::Connect || socket_family == AF_INET6) return 0;
      if (len < sizeof(sockaddr_in)) return EINVAL;
      d = ipv4_of(addr);
      break;
    default:
      return EAFNOSUPPORT;  // an inet socket takes no other family
  }
  // The bind list is about TCP, as Landlock's bind_tcp is.
  if (use == AddressUse::Bind) return proto != kProtoTcp || bind_port_allowed(policy.net.bind, d.port) ? 0 : EACCES;
  return reach_allowed(policy.net, proto, d) ? 0 : EACCES;
}

}  // namespace sandlock
