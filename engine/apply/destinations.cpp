#include "engine/apply/destinations.h"

#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sandlock {
namespace {

// SIN6_LEN_RFC2133: the kernel accepts an IPv6 sockaddr without its scope id.
constexpr std::size_t kMinSockaddrIn6 = 24;

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

bool bind_port_allowed(const std::vector<PortRange>& ranges, std::uint16_t port) {
  return std::any_of(ranges.begin(), ranges.end(), [&](const PortRange& r) { return port >= r.lo && port <= r.hi; });
}

}  // namespace

std::optional<DestinationPolicy> resolve_destinations(const PolicyGraph& graph, std::string& error) {
  SystemHostResolver resolver;
  return resolve_destinations(graph, resolver, error);
}

void pin_unspecified_destination(sockaddr_storage& addr, std::size_t len) {
  // The bytes are pinned by pin_unspecified_address, which query and test use too.
  std::array<std::uint8_t, 16> bytes{};
  if (addr.ss_family == AF_INET6 && len >= kMinSockaddrIn6) {
    auto& a = reinterpret_cast<sockaddr_in6&>(addr).sin6_addr;
    std::memcpy(bytes.data(), &a, 16);
    if (pin_unspecified_address(6, bytes)) std::memcpy(&a, bytes.data(), 16);
  } else if ((addr.ss_family == AF_INET || addr.ss_family == AF_UNSPEC) && len >= sizeof(sockaddr_in)) {
    auto& a = reinterpret_cast<sockaddr_in&>(addr).sin_addr;
    std::memcpy(bytes.data(), &a, 4);
    if (pin_unspecified_address(4, bytes)) std::memcpy(&a, bytes.data(), 4);
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
  return net_reach_allowed(policy.net, proto, d.family, d.addr, d.port) ? 0 : EACCES;
}

}  // namespace sandlock
