#include "engine/lower/resolve_hosts.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "engine/compile/net_normalize.h"

namespace sandlock {
namespace {

NetTarget single_address(int family, const void* bytes) {
  NetTarget t;
  t.kind = NetTarget::Kind::Cidr;
  t.family = family == AF_INET ? 4 : 6;
  t.prefix = family == AF_INET ? 32 : 128;
  std::memcpy(t.addr.data(), bytes, family == AF_INET ? 4 : 16);
  return fold_v4_mapped(t);  // a name resolving to ::ffff:a.b.c.d is the IPv4 address it is
}

}  // namespace

std::optional<std::set<NetTarget>> SystemHostResolver::resolve(const std::string& host, std::string& error) {
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
  return targets;
}

std::optional<DestinationPolicy> resolve_destinations(const PolicyGraph& graph, HostResolver& resolver,
                                                      std::string& error) {
  DestinationPolicy p;
  p.net.net_mode = graph.net_mode;
  p.net.net_deny = graph.net_deny;  // deny lists hold IPs and CIDRs only (validation refuses names)
  p.net.bind = graph.bind;
  for (const NetDest& d : graph.net_allow) {
    if (d.target.kind != NetTarget::Kind::Host) {
      p.net.net_allow.push_back(d);
      p.pinned_from.emplace_back();
      continue;
    }
    auto targets = resolver.resolve(d.target.host, error);
    if (!targets) return std::nullopt;
    if (targets->empty()) {
      error = "the network target '" + d.target.host + "' resolves to no IPv4 or IPv6 address";
      return std::nullopt;
    }
    std::string note = d.target.host + " ->";
    for (const NetTarget& t : *targets) {
      note += (note.back() == '>' ? " " : ", ") + format_net_target(t);
      NetDest pinned = d;
      pinned.target = t;
      p.net.net_allow.push_back(std::move(pinned));
      p.pinned_from.push_back(d.target.host);
    }
    p.pinned.push_back(std::move(note));
  }
  return p;
}

}  // namespace sandlock
