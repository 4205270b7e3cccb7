// The supervisor's destination policy: the graph's network section with every host name
// resolved once, at start, and pinned as /32 or /128 targets (engine/lower/resolve_hosts.h,
// shared with query and test). Decisions reuse net_reach_allowed.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "engine/compile/graph.h"
#include "engine/lower/resolve_hosts.h"  // DestinationPolicy, resolve_destinations with a resolver

namespace sandlock {

// Resolves the allow list's host names with getaddrinfo (SystemHostResolver). A name that
// does not resolve is an error (nullopt, with the reason in `error`): the run must not start.
std::optional<DestinationPolicy> resolve_destinations(const PolicyGraph& graph, std::string& error);

// What a supervised call does with its address.
enum class AddressUse { Connect, Send, Bind };

// The errno to answer for a call on an inet socket (`socket_family` AF_INET/AF_INET6) that
// passes `len` bytes of sockaddr, read the way the kernel will read them; 0 when allowed.
// Denied destinations are EACCES; malformed addresses get the kernel's own errno.
// An unspecified destination (0.0.0.0, ::) that was not pinned passes only if both
// loopback addresses do.
int destination_errno(const DestinationPolicy& policy, NetProto proto, int socket_family, AddressUse use,
                      const sockaddr_storage& addr, std::size_t len);

// An unspecified destination (0.0.0.0, ::, ::ffff:0.0.0.0) means "this host": the kernel
// sends it to the socket's own address, its device's (SO_BINDTODEVICE, IP_UNICAST_IF), or
// loopback, all state another thread can change between a check and the call. The
// supervisor pins it to loopback of its own family (127.0.0.1, ::1, ::ffff:127.0.0.1)
// before checking and using it, so it goes where it was checked. Not for binds, where the
// unspecified address means "every local address". Other addresses are left as they are.
void pin_unspecified_destination(sockaddr_storage& addr, std::size_t len);

}  // namespace sandlock
