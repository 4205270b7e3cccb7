#include "engine/apply/socket_kind.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>
#include <iterator>

namespace sandlock {
namespace {

// sockfs names a socket's file after the protocol that created it (the names
// /proc/net/protocols lists) and reports that name as the attribute "system.sockprotoname".
// Each name below is made under one type and protocol, which a socket keeps for life; its
// family it may not keep (IPV6_ADDRFORM makes an IPv4 socket of an IPv6 one, and an
// accepted socket is named after its listener), so the family is always asked for. A name
// not listed is asked for in full: this table can only save a call, never change an answer.
struct Named {
  std::string_view name;
  int type;
  int protocol;
};

constexpr Named kNamed[] = {
    {"TCP", SOCK_STREAM, IPPROTO_TCP},          {"TCPv6", SOCK_STREAM, IPPROTO_TCP},
    {"MPTCP", SOCK_STREAM, IPPROTO_MPTCP},      {"MPTCPv6", SOCK_STREAM, IPPROTO_MPTCP},
    {"UDP", SOCK_DGRAM, IPPROTO_UDP},           {"UDPv6", SOCK_DGRAM, IPPROTO_UDP},
    {"UDP-Lite", SOCK_DGRAM, IPPROTO_UDPLITE},  {"UDPLITEv6", SOCK_DGRAM, IPPROTO_UDPLITE},
    {"PING", SOCK_DGRAM, IPPROTO_ICMP},         {"PINGv6", SOCK_DGRAM, IPPROTO_ICMPV6},
};

int int_option(int fd, int name) {
  int value = -1;
  socklen_t len = sizeof value;
  return getsockopt(fd, SOL_SOCKET, name, &value, &len) == 0 ? value : -1;
}

bool inet(int family) { return family == AF_INET || family == AF_INET6; }

}  // namespace

std::optional<SocketKind> inet_kind_of_name(std::string_view name) {
  const auto known = std::find_if(std::begin(kNamed), std::end(kNamed), [&](const Named& k) { return k.name == name; });
  if (known == std::end(kNamed)) return std::nullopt;
  return SocketKind{-1, known->type, known->protocol};
}

std::optional<SocketKind> socket_kind_by_options(int fd) {
  SocketKind k;
  k.family = int_option(fd, SO_DOMAIN);
  if (k.family < 0) return std::nullopt;
  k.type = int_option(fd, SO_TYPE);
  if (inet(k.family)) k.protocol = int_option(fd, SO_PROTOCOL);
  return k;
}

bool speaks_tcp(int fd) {
  // Asked for a level it does not speak, every other protocol's getsockopt refuses
  // (ENOPROTOOPT, EOPNOTSUPP), but for TIPC, which answers any TCP option of a stream
  // socket with nothing (length 0): TCP's answer is an int. A file that is no socket never
  // reaches one (ENOTSOCK).
  int value = 0;
  socklen_t len = sizeof value;
  if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &len) != 0) return false;
  if (len == sizeof value) return true;
  errno = ENOPROTOOPT;
  return false;
}

std::optional<SocketKind> socket_kind(int fd) {
  // SO_DOMAIN first: it gives the family as it is now, and it proves `fd` a socket before
  // its file is asked for an attribute (a FUSE file would ask its daemon, which may hang).
  const int family = int_option(fd, SO_DOMAIN);
  if (family < 0) return std::nullopt;
  if (!inet(family)) return SocketKind{family, int_option(fd, SO_TYPE), -1};
  char name[16];
  const ssize_t n = fgetxattr(fd, "system.sockprotoname", name, sizeof name);  // with its NUL
  std::optional<SocketKind> k;
  if (n > 0 && name[n - 1] == '\0') k = inet_kind_of_name(std::string_view(name, static_cast<std::size_t>(n - 1)));
  if (!k) return socket_kind_by_options(fd);
  k->family = family;
  return k;
}

}  // namespace sandlock
