// Plan: the exact kernel objects for one target ABI. Produced by lower(graph, target),
// a pure function; applied by the apply stage; printed by `compile --emit`.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/compile/graph.h"

namespace sandlock {

enum class ProtectionStatus { Active, Degraded, Disabled, Unavailable };
std::string_view protection_status_name(ProtectionStatus s);

struct LandlockPathRule {
  std::string path;
  std::uint64_t allowed_access = 0;
  bool directory = true;  // false: the path is not a directory (only file rights allowed)
};

struct LandlockNetRule {
  std::uint16_t port = 0;
  std::uint64_t allowed_access = 0;  // bind_tcp and/or connect_tcp
};

struct LandlockPlan {
  int abi = 0;
  std::uint64_t handled_access_fs = 0;
  std::uint64_t handled_access_net = 0;
  std::uint64_t scoped = 0;
  std::vector<LandlockPathRule> path_rules;  // sorted by path
  std::vector<LandlockNetRule> net_rules;    // sorted by port
  std::uint32_t restrict_flags = 0;
  std::array<ProtectionStatus, kProtectionCount> protections{};
};

// The seccomp "db": rules as data (libseccomp's db→bpf split). build_seccomp turns it
// into a libseccomp filter; apply loads that, emit prints it.
struct SeccompArgCmp {
  unsigned arg = 0;  // 0..5
  // No "not equal": libseccomp 2.5.4 mis-compiles SCMP_CMP_NE beside equality rules on the
  // same argument (a branch falls through to allow); write it as Le/Ge ranges.
  enum class Op { Eq, MaskedEq, Ge, Le } op = Op::Eq;
  std::uint64_t datum_a = 0;  // mask for MaskedEq
  std::uint64_t datum_b = 0;
};

struct SeccompRule {
  std::string syscall;  // name, resolved by libseccomp
  enum class Action { Errno, Kill, Notify, Allow } action = Action::Errno;
  int errno_value = 1;  // EPERM
  std::vector<SeccompArgCmp> args;  // all must match
  std::string why;                  // the group or profile entry it came from
};

struct SeccompPlan {
  std::vector<SeccompRule> rules;
  bool kill_foreign_arch = true;  // x32 and other ABIs are killed
};

// What enforces each network rule (shown by explain).
struct NetEnforcement {
  std::string rule;       // as written/normalized
  std::string mechanism;  // "landlock", "supervisor", "seccomp"
};

struct Plan {
  LandlockPlan landlock;
  SeccompPlan seccomp;
  bool needs_supervisor = false;
  // Capability bits (1 << CAP_*) the child gives up before exec: with a network policy,
  // CAP_NET_ADMIN and CAP_NET_RAW (a root sandbox could reroute or NAT an allowed connection);
  // with a supervisor, CAP_SYS_PTRACE too (the domain agent's workers are outside the filter).
  std::uint64_t drop_capabilities = 0;
  std::vector<NetEnforcement> net_enforcement;
};

// Reads the filesystem for lowering deny carve-outs (siblings along a denied path).
// The seam that keeps lower() pure: tests pass a fake tree.
class FsView {
 public:
  virtual ~FsView() = default;
  // Entries of a directory (names only), or nullopt when it is not a readable directory.
  virtual std::optional<std::vector<std::string>> list(const std::string& dir) = 0;
  virtual bool is_directory(const std::string& path) = 0;
  virtual bool exists(const std::string& path) = 0;
  // Whether `path` itself is a symbolic link (not followed). Deny carve-outs skip listed
  // siblings that are: a rule opened through one lands on its target, which may lie
  // outside the grant or be the denied path itself.
  virtual bool is_symlink(const std::string& /*path*/) { return false; }
  // For the check that a deny holds against every path to it (deny_check.h): where a
  // path leads once its symbolic links are resolved, the other paths bind mounts give a
  // canonical path (nullopt: the mount table cannot be read), and how many names a file has.
  virtual std::string canonical(const std::string& path) { return path; }
  virtual std::optional<std::vector<std::string>> mount_aliases(const std::string& /*canonical*/) {
    return std::vector<std::string>{};
  }
  virtual unsigned link_count(const std::string& /*path*/) { return 1; }
};

struct LowerTarget {
  int abi = 0;  // 1..8
  // Overrides from the command line (--allow-degraded / --disable), applied over the graph.
  std::array<std::optional<ProtectionState>, kProtectionCount> overrides{};
};

struct LowerResult {
  std::optional<Plan> plan;  // absent when a strict protection is unavailable
  Diagnostics diagnostics;   // errors (all unavailable strict protections) and degradation notes
};

LowerResult lower(const PolicyGraph& graph, const LowerTarget& target, FsView& fs);

}  // namespace sandlock
