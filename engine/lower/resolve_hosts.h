// Host names of network.allow resolved to addresses and pinned as /32 or /128 targets: run
// does it once, at start, for its supervisor (engine/apply/destinations.h); query and test
// do it the same way, so that their verdicts are run's. The resolver is a seam: tests pass
// a fake, the tools getaddrinfo.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/compile/graph.h"

namespace sandlock {

class HostResolver {
 public:
  virtual ~HostResolver() = default;
  // The addresses of `host` (IPv4-mapped IPv6 folded to IPv4), or nullopt with the reason
  // in `error`.
  virtual std::optional<std::set<NetTarget>> resolve(const std::string& host, std::string& error) = 0;
};

// getaddrinfo.
class SystemHostResolver : public HostResolver {
 public:
  std::optional<std::set<NetTarget>> resolve(const std::string& host, std::string& error) override;
};

struct DestinationPolicy {
  PolicyGraph net;                  // only net_mode, net_allow (hosts pinned), net_deny and bind are set
  std::vector<std::string> pinned;  // "localhost -> 127.0.0.1, [::1]", one per host name, for --verbose
  std::vector<std::string> pinned_from;  // per net.net_allow entry: the host name it was pinned from, or ""
};

// Resolves the allow list's host names. A name that does not resolve to any address is an
// error (nullopt, with the reason in `error`): the run must not start.
std::optional<DestinationPolicy> resolve_destinations(const PolicyGraph& graph, HostResolver& resolver,
                                                      std::string& error);

}  // namespace sandlock
