#include "tests/apply/net_helpers.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <utility>

namespace sandlock {

NetTarget cidr(int family, const char* text, int prefix) {
  NetTarget t;
  t.kind = NetTarget::Kind::Cidr;
  t.family = family == AF_INET ? 4 : 6;
  t.prefix = prefix;
  inet_pton(family, text, t.addr.data());
  return t;
}

NetDest dest(unsigned protos, NetTarget target, std::vector<PortRange> ports) {
  return NetDest{protos, std::move(target), std::move(ports), {}};
}

DestinationPolicy policy_for(PolicyGraph g) {
  std::string error;
  auto p = resolve_destinations(g, error);
  EXPECT_TRUE(p) << error;
  return p ? *p : DestinationPolicy{};
}

sockaddr_storage v4(const char* ip, std::uint16_t port, sa_family_t family) {
  sockaddr_storage ss{};
  auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
  sin->sin_family = family;
  sin->sin_port = htons(port);
  inet_pton(AF_INET, ip, &sin->sin_addr);
  return ss;
}

sockaddr_storage v6(const char* ip, std::uint16_t port) {
  sockaddr_storage ss{};
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(port);
  inet_pton(AF_INET6, ip, &sin6->sin6_addr);
  return ss;
}

int accepted(int listener) {
  int n = 0;
  for (int c; (c = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0; ++n) close(c);
  return n;
}

LoopbackListener::LoopbackListener() {
  sockaddr_storage a = v4("127.0.0.1", 0);
  socklen_t len = sizeof(sockaddr_in);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(fd.get(), 4096) != 0) return;
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
}

}  // namespace sandlock
