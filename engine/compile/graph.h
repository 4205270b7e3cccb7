// PolicyGraph: the single normalized, fully-resolved description of what a sandbox may do.
// Everything after compile (lower, explain, diff, lint, query) reads only this.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/validate/profile.h"

namespace sandlock {

// Where an element came from: the spot it was written, and the extends chain
// (profile files from the one compiled down to the one that wrote it).
struct Provenance {
  Location where;
  std::vector<std::string> chain;
};

// A path trie rooted at "/". Access accumulates from ancestors, as in Landlock.
struct FsNode {
  std::uint64_t access = 0;               // granted at exactly this path
  std::vector<Provenance> grant_from;     // every grant that contributed
  std::optional<Provenance> deny;         // carve-out: nothing at or below this path
  std::map<std::string, FsNode> children; // by path component, sorted
};

struct NetDest {
  unsigned protos = 0;           // NetProto bits, one rule per distinct target+ports
  NetTarget target;
  std::vector<PortRange> ports;  // sorted, merged; empty = every port
  std::vector<Provenance> from;
};

enum class NetMode {
  None,      // no `allow` and no `deny`, or `allow: []`: no network at all
  Allow,     // allow list: default deny
  DenyList,  // deny list: default allow
};

struct ResolvedProtection {
  ProtectionState state = ProtectionState::Strict;
  bool defaulted = true;  // not named by any profile in the chain
  Provenance from;        // where it was set; for defaults, the root profile's top
};

struct LimitValue {
  std::uint64_t value;
  Provenance from;
};

struct PolicyGraph {
  std::string name;
  std::string description;
  std::string root_file;

  FsNode fs;  // the root "/"

  NetMode net_mode = NetMode::None;
  std::vector<NetDest> net_allow;  // sorted, deduplicated
  std::vector<NetDest> net_deny;
  std::vector<PortRange> bind;     // sorted, merged; {0,65535} is `*`
  std::vector<Provenance> bind_from;

  std::array<ResolvedProtection, kProtectionCount> protections;

  // Final deny set by syscall name (groups expanded, re-allows removed). Names with a
  // ':' are argument-filtered rules owned by the lowering stage (e.g. "clone:newns").
  std::map<std::string, Provenance> syscall_deny;
  std::map<std::string, Provenance> syscall_allow;  // explicit re-allows, for review

  std::map<std::string, LimitValue> limits;  // memory, processes, open_files, cpu_time, file_size

  std::optional<Program> program;  // program->env sorted by name (unlike a Profile's)
};

// --- compiling ---------------------------------------------------------------

// The kernel-free seam for reading profile files (tests use an in-memory one).
class SourceReader {
 public:
  virtual ~SourceReader() = default;
  virtual std::optional<std::string> read(const std::string& path) = 0;
};

class DiskSourceReader : public SourceReader {
 public:
  std::optional<std::string> read(const std::string& path) override;
};

// Files held in memory by path: for tests, benchmarks, fuzzers and `git show` revisions.
class MemorySourceReader : public SourceReader {
 public:
  std::map<std::string, std::string> files;
  std::optional<std::string> read(const std::string& path) override;
};

struct CompileOptions {
  // Search path for `extends` names, in order: --policy-path dirs, then SANDLOCK_POLICY_PATH;
  // the profile's own directory and then `shipped_policies` are searched after these.
  std::vector<std::string> policy_path;
  std::string shipped_policies;
  ExpandEnv env;
  int max_extends_depth = 16;
};

struct CompileResult {
  std::optional<PolicyGraph> graph;
  Diagnostics diagnostics;
};

// parse → validate → resolve extends → merge → normalize.
CompileResult compile_file(const std::string& path, const CompileOptions& options, SourceReader& reader);
// Same, from text already in memory (used by fuzzers and tests); `file` names it in diagnostics.
CompileResult compile_text(const std::string& text, const std::string& file, const CompileOptions& options,
                           SourceReader& reader);

// Deterministic JSON; with_files=false blanks file names (YAML and TOML spellings compare equal).
std::string graph_to_json(const PolicyGraph& graph, bool with_files = true, int indent = 2);

// --- querying (the meaning the normalization must preserve) -----------------

// Landlock-style effective access at `path` (absolute, normalized): the union of grants
// on the path and its ancestors, or 0 when the path or an ancestor is denied.
std::uint64_t fs_access(const PolicyGraph& graph, const std::string& path);

// Whether a connection/datagram to ip:port over proto is allowed by the network rules.
// `addr` is 4 or 16 bytes per family; hosts are matched by name only via resolved addresses,
// so the caller passes already-resolved literal targets.
bool net_allows(const PolicyGraph& graph, NetProto proto, int family, const std::array<std::uint8_t, 16>& addr,
                std::uint16_t port);

// Whether a connection or datagram to ip:port reaches an allowed destination, as run's
// supervisor decides it: net_allows, except that an unspecified address (0.0.0.0, ::,
// ::ffff:0.0.0.0) means "this host" and may reach either loopback, so it passes only if it
// and both 127.0.0.1 and ::1 do. Shared by run (engine/apply/destinations) and query/test.
bool net_reach_allowed(const PolicyGraph& graph, NetProto proto, int family, const std::array<std::uint8_t, 16>& addr,
                       std::uint16_t port);

// Where run's supervisor sends an unspecified destination before checking it (a connect or a
// send; engine/apply/destinations.h pin_unspecified_destination): its family's loopback,
// 0.0.0.0 -> 127.0.0.1, :: -> ::1, ::ffff:0.0.0.0 -> ::ffff:127.0.0.1. `family` is 4 or 6;
// returns whether `addr` was unspecified (and is now pinned).
bool pin_unspecified_address(int family, std::array<std::uint8_t, 16>& addr);

}  // namespace sandlock
