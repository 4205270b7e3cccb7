// Assertions of `sandlock test` and questions of `sandlock query`:
//   read|write|exec PATH, connect HOST:PORT, bind PORT, signal outside, abstract-unix outside
// evaluated statically against a compiled graph at a target Landlock ABI.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "engine/lower/protections.h"

namespace sandlock {

enum class Operation { Read, Write, Exec, Connect, Bind, Signal, AbstractUnix };

struct Assertion {
  Operation op = Operation::Read;
  std::string path;  // Read/Write/Exec: absolute, normalized
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
  std::string reason;  // the rule (with provenance) or protection that decides
};

Verdict evaluate_static(const PolicyGraph& graph, const ProtectionStatuses& status, const Assertion& assertion);

// The statuses of the protections of `graph` at `abi` (no command-line overrides).
ProtectionStatuses statuses_at(const PolicyGraph& graph, int abi);

}  // namespace sandlock
