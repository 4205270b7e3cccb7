// Network helpers shared by the supervisor's tests: destination policies built by hand,
// sockaddrs, and loopback peers that count what reached them.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <vector>

#include "engine/apply/destinations.h"
#include "engine/apply/unique_fd.h"

namespace sandlock {

NetTarget cidr(int family, const char* text, int prefix);
NetDest dest(unsigned protos, NetTarget target, std::vector<PortRange> ports);
// The graph's network section resolved as the supervisor resolves it (fails the test if not).
DestinationPolicy policy_for(PolicyGraph g);

sockaddr_storage v4(const char* ip, std::uint16_t port, sa_family_t family = AF_INET);
sockaddr_storage v6(const char* ip, std::uint16_t port);

// Accepts every connection waiting on a non-blocking listener; how many there were.
int accepted(int listener);

// A loopback TCP listener that never accepts on its own (the backlog holds connections).
struct LoopbackListener {
  UniqueFd fd{socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
  std::uint16_t port = 0;

  LoopbackListener();
};

}  // namespace sandlock
