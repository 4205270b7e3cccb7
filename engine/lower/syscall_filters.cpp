#include "engine/lower/syscall_filters.h"

#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstdint>

namespace sandlock {
namespace {

using Op = SeccompArgCmp::Op;
using Rules = std::vector<SeccompRule>;

SeccompRule deny(std::string_view syscall, std::vector<SeccompArgCmp> args, int errno_value = EPERM) {
  return SeccompRule{std::string(syscall), SeccompRule::Action::Errno, errno_value, std::move(args), {}};
}

SeccompArgCmp masked_eq(unsigned arg, std::uint64_t mask, std::uint64_t value) {
  return {arg, Op::MaskedEq, mask, value};
}
SeccompArgCmp eq(unsigned arg, std::uint64_t value) { return {arg, Op::Eq, value, 0}; }
// For an int argument: the kernel reads the low 32 bits only, so a caller can set the high
// ones to slip past a 64-bit comparison (socket(0x100000002, ...) is an AF_INET socket).
SeccompArgCmp eq32(unsigned arg, std::uint32_t value) { return masked_eq(arg, 0xffffffffULL, value); }
SeccompArgCmp ge(unsigned arg, std::uint64_t value) { return {arg, Op::Ge, value, 0}; }
SeccompArgCmp le(unsigned arg, std::uint64_t value) { return {arg, Op::Le, value, 0}; }

// clone with any CLONE_NEW* flag: one rule per flag (a flag set ⇔ flags & f == f).
// CLONE_NEWTIME is left out: in clone() its bit is part of the exit-signal byte, and
// only clone3/unshare (both refused) accept it.
Rules clone_new_namespace() {
  constexpr std::array<std::uint64_t, 7> kFlags{CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                                                CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET};
  Rules out;
  for (std::uint64_t f : kFlags) out.push_back(deny("clone", {masked_eq(0, f, f)}));
  return out;
}

// seccomp cannot read clone3's flags (they are behind a pointer): answer ENOSYS, and libc
// falls back to clone, whose flags the rules above do see.
Rules clone3_enosys() { return {deny("clone3", {}, ENOSYS)}; }

// personality(2) takes an unsigned int: only the low 32 bits count. Allowed: any mix of
// PER_LINUX32 and UNAME26 over PER_LINUX (0, 8, 0x20000, 0x20008) and the query 0xffffffff.
// libseccomp 2.5 refuses two comparisons on one argument in a rule, so "not one of
// these" is written as a union of single masked comparisons (cubes): put the bits in a
// cycle, other bits first, then the allowed-flag bits; for each other bit b, one cube per
// step of "b set, then allowed-flag bits set, then a clear bit". A refused value has an
// other bit set and (not being 0xffffffff) a clear bit; walking the cycle from a set
// other bit to the first clear bit, the last other bit before it starts a matching cube.
// No allowed value matches: every cube needs an other bit set and some bit clear.
Rules personality_unsafe() {
  constexpr std::uint32_t kAllowedFlags = std::uint32_t{PER_LINUX32} | std::uint32_t{UNAME26};
  std::vector<unsigned> cycle;
  for (unsigned b = 0; b < 32; ++b)
    if (!(kAllowedFlags >> b & 1)) cycle.push_back(b);
  for (unsigned b = 0; b < 32; ++b)
    if (kAllowedFlags >> b & 1) cycle.push_back(b);
  Rules out;
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    if (kAllowedFlags >> cycle[i] & 1) continue;
    std::uint64_t set = 1ULL << cycle[i];
    for (std::size_t step = 1; step < cycle.size(); ++step) {
      const unsigned next = cycle[(i + step) % cycle.size()];
      out.push_back(deny("personality", {masked_eq(0, set | 1ULL << next, set)}));
      if (!(kAllowedFlags >> next & 1)) break;
      set |= 1ULL << next;
    }
  }
  return out;
}

// ioctl's request is an unsigned int: compare the low 32 bits only.
Rules ioctl_request(unsigned long request) { return {deny("ioctl", {masked_eq(1, 0xffffffffULL, request)})}; }

// The socket type's low 4 bits are the kind; the rest are SOCK_NONBLOCK/SOCK_CLOEXEC.
constexpr std::uint64_t kSockTypeMask = 0xf;

// Raw and packet sockets of every family but netlink, whose SOCK_RAW is its ordinary kind
// (getifaddrs and if_nameindex open one; SOCK_DGRAM, which is allowed, is the same socket),
// and AF_PACKET whatever the kind. The family is compared on all 64 bits: a value with high
// bits set is "not netlink" and refused, which errs on the safe side.
Rules raw_sockets() {
  Rules out;
  for (const std::uint64_t kind : {SOCK_RAW, SOCK_PACKET})
    for (const SeccompArgCmp not_netlink : {le(0, AF_NETLINK - 1), ge(0, AF_NETLINK + 1)})
      out.push_back(deny("socket", {masked_eq(1, kSockTypeMask, kind), not_netlink}));
  out.push_back(deny("socket", {eq32(0, AF_PACKET)}));
  return out;
}

// socket() families other than unix, inet, inet6 and netlink, and socketpair() families
// other than unix. Some reach other hosts on paths that neither Landlock's TCP rules nor
// the supervisor see: AF_SMC falls back to plain TCP to any address, AF_RDS runs over TCP,
// AF_VSOCK talks to the hypervisor's host. Refused as if the kernel lacked them
// (EAFNOSUPPORT), which programs probing for them expect.
// socket: allowed 1, 2, 10, 16; refused 0, 3-9, 11-15, and everything from 17 up, which
// also covers any value with high bits set (the kernel would read its low 32 bits).
// socketpair: only AF_UNIX, and AF_TIPC besides it, implement it; allowed 1.
Rules other_socket_families() {
  static_assert(AF_UNIX == 1 && AF_INET == 2 && AF_INET6 == 10 && AF_NETLINK == 16);
  const auto refuse = [](std::string_view call, SeccompArgCmp c) { return deny(call, {c}, EAFNOSUPPORT); };
  return {refuse("socket", eq(0, 0)),
          refuse("socket", eq(0, 3)),
          refuse("socket", masked_eq(0, ~3ULL, 4)),  // 4-7
          refuse("socket", masked_eq(0, ~1ULL, 8)),  // 8-9
          refuse("socket", eq(0, 11)),
          refuse("socket", masked_eq(0, ~3ULL, 12)),  // 12-15
          refuse("socket", ge(0, 17)),
          refuse("socketpair", eq(0, 0)),
          refuse("socketpair", ge(0, 2))};
}

// setsockopt(SOL_TCP, TCP_ULP): an upper-layer protocol on a TCP socket. "smc" makes it an
// SMC socket (no privilege needed once the module is loaded), which Landlock's TCP rules no
// longer see, and which reaches other hosts as AF_SMC does. seccomp cannot read the name, so
// every one is refused, kTLS too (OpenSSL and nginx fall back to TLS in user space).
Rules tcp_upper_layer_protocols() {
  constexpr std::uint32_t kTcpUlp = 31;  // TCP_ULP
  return {deny("setsockopt", {eq32(1, IPPROTO_TCP), eq32(2, kTcpUlp)})};
}

// (mask, value) pairs over the socket kind; a kind matching any pair is refused.
using KindCubes = std::array<std::pair<std::uint64_t, std::uint64_t>, 4>;

// For AF_INET and AF_INET6: a kind matching `refused_kinds`, or a stream protocol Landlock
// and the supervisor do not treat as TCP.
Rules inet_sockets_except(const KindCubes& refused_kinds) {
  constexpr std::array<std::uint32_t, 3> kOtherStreamProtocols{IPPROTO_SCTP, IPPROTO_MPTCP, 256 /* IPPROTO_SMC */};
  Rules out;
  for (std::uint32_t family : {AF_INET, AF_INET6}) {
    for (auto [mask, value] : refused_kinds) out.push_back(deny("socket", {eq32(0, family), masked_eq(1, mask, value)}));
    for (std::uint32_t proto : kOtherStreamProtocols) out.push_back(deny("socket", {eq32(0, family), eq32(2, proto)}));
  }
  return out;
}

// Kind ≠ SOCK_STREAM (1) ⇔ bit 0 clear, or bit 0 and another bit set.
Rules inet_non_tcp() { return inet_sockets_except({{{1, 0}, {3, 3}, {5, 5}, {9, 9}}}); }

// Kind ∉ {SOCK_STREAM, SOCK_DGRAM} ⇔ kind 0, bit 2 or bit 3 set, or bits 0 and 1 both set.
Rules inet_stream_or_dgram() { return inet_sockets_except({{{0xf, 0}, {4, 4}, {8, 8}, {3, 3}}}); }

// For AF_INET and AF_INET6: any socket at all, refused with EACCES like a destination denial.
Rules inet_sockets() {
  return {deny("socket", {eq32(0, AF_INET)}, EACCES), deny("socket", {eq32(0, AF_INET6)}, EACCES)};
}

// MSG_FASTOPEN in the flags of each send call (an int: the bit is all that is compared).
Rules fast_open() {
  const auto refuse = [](std::string_view call, unsigned flags_arg) {
    return deny(call, {masked_eq(flags_arg, MSG_FASTOPEN, MSG_FASTOPEN)}, EOPNOTSUPP);
  };
  return {refuse("sendto", 3), refuse("sendmsg", 2), refuse("sendmmsg", 3)};
}

// setsockopt(level, name) pairs that set a source route; level and name are ints.
Rules source_route() {
  constexpr int kIpv6_2292RtHdr = 5, kIpv6_2292PktOptions = 6;  // IPV6_2292RTHDR, IPV6_2292PKTOPTIONS
  const auto refuse = [](int level, int name) { return deny("setsockopt", {eq32(1, level), eq32(2, name)}); };
  return {refuse(IPPROTO_IP, IP_OPTIONS), refuse(IPPROTO_IPV6, IPV6_RTHDR), refuse(IPPROTO_IPV6, kIpv6_2292RtHdr),
          refuse(IPPROTO_IPV6, kIpv6_2292PktOptions)};
}

// prlimit64 setting another process's limits (pid given, new limits given): the kernel checks
// only that the uids match, so a sandbox could kill a process outside it (RLIMIT_CPU) past
// the signal scope. glibc's setrlimit and getrlimit pass pid 0; reading another's is kept.
// A pid with high bits set is refused too, though the kernel would read it as its low half.
Rules prlimit_other_processes() { return {deny("prlimit64", {ge(0, 1), ge(2, 1)})}; }

// setpriority(which, ...) and ioprio_set(which, ...) for a process group or a user (ints).
Rules priority_groups_and_users() { return {deny("setpriority", {ge(0, PRIO_PGRP)})}; }
Rules ioprio_groups_and_users() {
  constexpr std::uint64_t kIoprioWhoPgrp = 2;  // IOPRIO_WHO_PGRP; IOPRIO_WHO_USER is 3
  return {deny("ioprio_set", {ge(0, kIoprioWhoPgrp)})};
}

struct FilterEntry {
  std::string_view name;
  Rules (*rules)();
};

constexpr std::array<FilterEntry, 19> kFilters{{
    {"clone:newns", clone_new_namespace},
    {"clone3:enosys", clone3_enosys},
    {"personality:unsafe", personality_unsafe},
    {"prlimit64:other-processes", prlimit_other_processes},
    {"ioctl:tiocsti", [] { return ioctl_request(TIOCSTI); }},
    {"ioctl:tioclinux", [] { return ioctl_request(TIOCLINUX); }},
    {"ioctl:tiocvhangup", [] { return ioctl_request(TIOCVHANGUP); }},
    {"ioctl:tioccons", [] { return ioctl_request(TIOCCONS); }},
    {"ioctl:tiocsetd", [] { return ioctl_request(TIOCSETD); }},
    {"setpriority:groups-and-users", priority_groups_and_users},
    {"ioprio_set:groups-and-users", ioprio_groups_and_users},
    {"socket:raw", raw_sockets},
    {kOtherFamiliesFilter, other_socket_families},
    {kTcpUlpFilter, tcp_upper_layer_protocols},
    {kInetNonTcpFilter, inet_non_tcp},
    {kInetSocketsFilter, inet_sockets},
    {kInetStreamOrDgramFilter, inet_stream_or_dgram},
    {kFastOpenFilter, fast_open},
    {kSourceRouteFilter, source_route},
}};

constexpr auto kFilterNames = [] {
  std::array<std::string_view, kFilters.size()> names{};
  for (std::size_t i = 0; i < kFilters.size(); ++i) names[i] = kFilters[i].name;
  return names;
}();

}  // namespace

std::span<const std::string_view> argument_filter_names() { return kFilterNames; }

bool refuses_other_socket_families(const PolicyGraph& graph) {
  return graph.syscall_deny.count(std::string(kOtherFamiliesFilter)) > 0;
}

std::optional<std::vector<SeccompRule>> argument_filter_rules(std::string_view entry) {
  for (const FilterEntry& f : kFilters)
    if (f.name == entry) return f.rules();
  return std::nullopt;
}

}  // namespace sandlock
