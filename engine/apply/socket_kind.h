// What a socket is — its family, type and protocol, as SO_DOMAIN, SO_TYPE and SO_PROTOCOL
// report them — in as few system calls as the kernel allows: the supervisor asks for every
// call it answers, and on this project's VMs a system call costs over a microsecond.
#pragma once

#include <optional>
#include <string_view>

namespace sandlock {

struct SocketKind {
  int family = -1;
  int type = -1;
  int protocol = -1;  // read for AF_INET and AF_INET6 only (-1 for the others)

  bool operator==(const SocketKind&) const = default;
};

// Nothing (errno set) when `fd` is no socket. Two system calls for an inet socket, not three.
std::optional<SocketKind> socket_kind(int fd);

// Whether `fd` is a socket that speaks TCP, in one system call: connect's common case, whose
// answer then depends on the destination alone (not on the family: the address names its
// own). True for the sockets that answer a TCP option: TCP of either family, MPTCP (which
// the policy counts as TCP) and SMC, which a sandbox cannot make (one handed in from outside
// would connect over TCP to the address checked). False, errno set, for all else (TIPC
// answers every TCP option of its stream sockets, with no value: refused by its length).
bool speaks_tcp(int fd);

// The same by SO_DOMAIN, SO_TYPE and SO_PROTOCOL alone: what socket_kind falls back on.
std::optional<SocketKind> socket_kind_by_options(int fd);

// The type and protocol an inet socket's protocol name (its file's "system.sockprotoname":
// "TCP", "UDPv6", ...) stands for; nothing for a name socket_kind leaves to the options.
std::optional<SocketKind> inet_kind_of_name(std::string_view name);

}  // namespace sandlock
