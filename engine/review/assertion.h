// Assertions of `sandlock test` and questions of `sandlock query`:
//   read|write|exec PATH, connect HOST:PORT, bind PORT, signal outside, abstract-unix outside
// evaluated statically against a compiled graph at a target Landlock ABI, the way run
// enforces them: the network rules hold whatever enforces them (Landlock, or the supervisor
// and seccomp when net-tcp is off), and an operation needs every right the kernel checks.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "engine/lower/plan.h"
#include "engine/lower/protections.h"
#include "engine/lower/resolve_hosts.h"

namespace sandlock {

enum class Operation { Read, Write, Exec, Connect, Bind, Signal, AbstractUnix };

struct Assertion {
  Operation op = Operation::Read;
  std::string path;  // Read/Write/Exec: absolute, normalized
  // The path as written: the kernel follows a link before a ".." after it (`l/../f` is the
  // link target's sibling), so the file is decided on this one.
  std::string written_path;
  int family = 0;    // Connect
  std::array<std::uint8_t, 16> addr{};
  std::string host;  // Connect: as written (without brackets)
  std::uint16_t port = 0;  // Connect, Bind
  std::string text;  // as written
};

// Returns nullopt with a message naming the grammar when `text` is not an assertion.
std::optional<Assertion> parse_assertion(const std::string& text, std::string& error);

struct Verdict {
  bool allowed = false;
  // The answer depends on what is not known here (a host name that does not resolve, a path
  // that does not exist and whose kind decides): neither allowed nor denied, so both allow
  // and deny assertions fail. `allowed` is false.
  bool unknown = false;
  std::string reason;  // the rule (with provenance) or protection that decides
};

// What run will find that a verdict depends on: whether a path is a directory (read needs
// read_dir there, read_file elsewhere), and the allow list's host names resolved the way
// run resolves and pins them (engine/lower/resolve_hosts.h).
struct StaticContext {
  FsView* fs = nullptr;  // required
  // The graph with its grants and denies where their paths lead (fs_trie_by_target), which
  // is what file verdicts are decided on, and the paths as written where they differ.
  PolicyGraph by_target;
  std::map<std::string, std::string> written;
  std::optional<DestinationPolicy> destinations;  // absent when a host name does not resolve
  std::string unresolved;                         // then: why
};
StaticContext static_context(const PolicyGraph& graph, FsView& fs, HostResolver& hosts);

Verdict evaluate_static(const PolicyGraph& graph, const ProtectionStatuses& status, const StaticContext& context,
                        const Assertion& assertion);

// The statuses of the protections of `graph` at `abi` (no command-line overrides).
ProtectionStatuses statuses_at(const PolicyGraph& graph, int abi);

}  // namespace sandlock
