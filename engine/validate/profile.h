// Profile: one validated profile file, typed, every value with the place it was written.
// Produced by validate(Document); composition (extends) and normalization happen in compile.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/diag/diagnostic.h"
#include "engine/kernel/landlock_facts.h"

namespace sandlock {

template <class T>
struct Located {
  T value;
  Location where;
};

// --- filesystem -----------------------------------------------------------

enum class FsGrantKind { Read, Exec, Write, Rule };

struct FsGrant {
  FsGrantKind kind;
  std::string path;      // absolute, variables expanded, lexically normalized
  std::uint64_t access;  // Landlock fs bits
  Location where;
};

// --- network --------------------------------------------------------------

enum NetProto : unsigned { kProtoTcp = 1, kProtoUdp = 2, kProtoIcmp = 4 };

struct PortRange {
  std::uint16_t lo = 0;
  std::uint16_t hi = 0;  // inclusive
  auto operator<=>(const PortRange&) const = default;
};

struct NetTarget {
  enum class Kind { Any, Host, Cidr };
  Kind kind = Kind::Any;
  std::string host;                      // Host: lower-cased name
  int family = 0;                        // Cidr: 4 or 6
  std::array<std::uint8_t, 16> addr{};   // Cidr: network address, host bits zeroed
  int prefix = 0;                        // Cidr: 0..32 or 0..128 (a single IP is /32 or /128)
  auto operator<=>(const NetTarget&) const = default;
};

struct NetRule {
  unsigned protos = 0;            // NetProto bits
  NetTarget target;
  std::vector<PortRange> ports;   // empty = every port
  std::string text;               // as written
  Location where;
};

// Parses one rule of the grammar [tcp://|udp://|icmp://]TARGET[:PORTS]; `deny_list`
// restricts TARGET to IPs/CIDRs. Returns the error message (and hint) on failure.
struct NetRuleError {
  std::string code;  // "net.syntax", "net.port", "net.cidr", "net.cidr-host-bits", "net.deny-host", "net.icmp-port"
  std::string message;
  std::string hint;
};
std::optional<NetRule> parse_net_rule(const std::string& text, bool deny_list, NetRuleError& error);
std::string format_net_target(const NetTarget& t);  // "127.0.0.1", "10.0.0.0/8", "[::1]", "*", "example.com"
// The canonical text of a rule (scheme, target, ports); parse_net_rule reads it back to the same rule.
std::string format_net_rule(const NetRule& rule);
// A port list as written after the target: "80", "80,443", "8000-8080" or "*" (empty result = every port).
std::optional<std::vector<PortRange>> parse_port_list(std::string_view text, NetRuleError& error);
std::string format_ports(const std::vector<PortRange>& ports);  // "80,443,8000-8080"

// --- the rest -------------------------------------------------------------

struct Limits {
  std::optional<Located<std::uint64_t>> memory;      // bytes
  std::optional<Located<std::uint64_t>> processes;
  std::optional<Located<std::uint64_t>> open_files;
  std::optional<Located<std::uint64_t>> cpu_time;    // seconds
  std::optional<Located<std::uint64_t>> file_size;   // bytes
};

struct Program {
  std::optional<Located<std::string>> exec;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // in profile order
  std::optional<Located<bool>> clean_env;
  std::optional<Located<std::string>> cwd;
  Location where;
};

struct Profile {
  std::string file;  // path it was read from
  Located<std::string> name;  // defaults to the file's stem
  std::string description;
  std::vector<Located<std::string>> extends;

  std::vector<FsGrant> fs_grants;  // read, exec, write and rules, in document order
  std::vector<Located<std::string>> fs_deny;

  bool network_section = false;
  std::optional<Location> net_allow_where;  // set when `allow` is written (even empty)
  std::vector<NetRule> net_allow;
  std::optional<Location> net_deny_where;
  std::vector<NetRule> net_deny;
  std::vector<Located<PortRange>> net_bind;

  // Only protections the file names; the rest default (strict) at compile time.
  std::map<Protection, Located<ProtectionState>> protections;

  std::vector<Located<std::string>> syscalls_deny;   // "@group" or syscall name
  std::vector<Located<std::string>> syscalls_allow;

  Limits limits;
  std::optional<Program> program;

  // Assertions for `sandlock test`, kept as written.
  std::vector<Located<std::string>> tests_allow;
  std::vector<Located<std::string>> tests_deny;
};

// Inputs of variable expansion, passed in so validation stays a pure function.
struct ExpandEnv {
  std::map<std::string, std::string> vars;  // the process environment
  std::string pwd;                          // ${PWD}
  // When set, every name looked up is appended (the plan cache records what a profile's
  // meaning depended on).
  std::vector<std::string>* looked_up = nullptr;
};

struct ValidateResult {
  std::optional<Profile> profile;  // absent when any error was found
  Diagnostics diagnostics;
};

struct Document;
ValidateResult validate(const Document& doc, const ExpandEnv& env);

// The embedded JSON Schema text (schema/sandlock-profile.schema.json).
extern const std::string_view kProfileSchemaJson;

}  // namespace sandlock
