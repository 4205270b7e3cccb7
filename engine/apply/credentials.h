// A task's credentials, as a call made on its behalf must carry them: the domain agent's
// worker takes on the caller's before a unix call, so that file permissions on socket files
// and directories, and the peer's SO_PEERCRED, see the caller and not the credentials the
// sandbox started with (a command that gave up root would otherwise connect as root).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace sandlock {

struct Credentials {
  static constexpr std::size_t kMaxGroups = 1024;  // more: not represented, the call is refused
  std::uint32_t uid[4]{};  // real, effective, saved, filesystem
  std::uint32_t gid[4]{};
  std::uint64_t cap_inheritable = 0;
  std::uint64_t cap_permitted = 0;
  std::uint64_t cap_effective = 0;
  std::uint32_t group_count = 0;
  std::uint32_t reserved = 0;  // keeps the size a multiple of 8 (it travels before cmsghdrs)
  std::uint32_t groups[kMaxGroups]{};  // supplementary, in the kernel's (sorted) order; the rest 0

  bool operator==(const Credentials&) const = default;
};

// A process's capability sets (bits 1 << CAP_*).
struct CapabilitySets {
  std::uint64_t effective = 0;
  std::uint64_t permitted = 0;
  std::uint64_t inheritable = 0;
};
// This process's (capget, version 3), and setting them (capset: 0 or an errno). Raw
// syscalls, no allocation: forked and vfork-style children call them.
std::optional<CapabilitySets> read_capabilities();
int write_capabilities(const CapabilitySets& sets);

// Whether `tid` is in this process's user namespace, where its capabilities count.
bool in_our_user_namespace(pid_t tid);

// `tid`'s, from /proc/<tid>/status, with no capabilities when it is in another user
// namespace (they count there, not here). Nothing when the task is gone, the file cannot
// be read or it has more than kMaxGroups groups.
std::optional<Credentials> credentials_of(pid_t tid);

// This process's own, by syscalls, as credentials_of() would read them; nothing with more
// than kMaxGroups groups.
std::optional<Credentials> own_credentials();

// Makes `c` this (single-threaded) process's credentials, which are `current`: groups,
// gids, uids, then capabilities, each only if it changes (setgroups needs CAP_SETGID even to
// set the same list), then reads them back. Raw syscalls only, no allocation (the domain
// agent's worker calls it after fork). 0 or an errno; on failure the process must not go on
// to serve anyone.
int take_on(const Credentials& c, const Credentials& current);

}  // namespace sandlock
