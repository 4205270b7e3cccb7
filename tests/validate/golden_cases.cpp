#include "tests/validate/golden_cases.h"

namespace sandlock::testing {

// Expected lines were checked by hand against the column of each value in its source.
const std::vector<GoldenCase>& golden_cases() {
  static const std::vector<GoldenCase> cases = {
      {"unknown_key",
       R"(version: 1
filesystem:
  raed: [/etc]
)",
       R"(version = 1
[filesystem]
raed = ["/etc"]
)",
       "p.yaml:3:3 schema.unknown-key filesystem.raed: unknown key 'raed' in filesystem [did you mean 'read'?]",
       "p.toml:3:1 schema.unknown-key filesystem.raed: unknown key 'raed' in filesystem [did you mean 'read'?]"},
      {"type",
       R"(version: 1
filesystem:
  read: 5
)",
       R"(version = 1
[filesystem]
read = 5
)",
       "p.yaml:3:9 schema.type filesystem.read: expected a list of strings, got an integer",
       "p.toml:3:8 schema.type filesystem.read: expected a list of strings, got an integer"},
      {"type_in_list",
       R"(version: 1
extends: [base/minimal, 7]
)",
       R"(version = 1
extends = ["base/minimal", 7]
)",
       "p.yaml:2:25 schema.type extends[1]: expected a string, got an integer",
       "p.toml:2:28 schema.type extends[1]: expected a string, got an integer"},
      {"required",
       R"(name: web
)",
       R"(name = "web"
)",
       "p.yaml:1:1 schema.required version: missing required key 'version' [add 'version: 1' at the top]",
       "p.toml:1:1 schema.required version: missing required key 'version' [add 'version = 1' at the top]"},
      {"required_empty_file", "", "",
       "p.yaml:1:1 schema.required version: missing required key 'version' [add 'version: 1' at the top]",
       "p.toml:1:1 schema.required version: missing required key 'version' [add 'version = 1' at the top]"},
      {"required_rule_access",
       R"(version: 1
filesystem:
  rules:
    - path: /srv
)",
       R"(version = 1
[[filesystem.rules]]
path = "/srv"
)",
       "p.yaml:4:7 schema.required filesystem.rules[0].access: missing required key 'access' in filesystem.rules[0]",
       "p.toml:2:1 schema.required filesystem.rules[0].access: missing required key 'access' in filesystem.rules[0]"},
      {"enum",
       R"(version: 1
filesystem:
  rules:
    - {path: /srv, access: [read_file, raed_dir]}
)",
       R"(version = 1
[[filesystem.rules]]
path = "/srv"
access = ["read_file", "raed_dir"]
)",
       "p.yaml:4:40 schema.enum filesystem.rules[0].access[1]: unknown value 'raed_dir' [did you mean 'read_dir'?]",
       "p.toml:4:24 schema.enum filesystem.rules[0].access[1]: unknown value 'raed_dir' [did you mean 'read_dir'?]"},
      {"version",
       R"(version: 2
)",
       R"(version = 2
)",
       "p.yaml:1:10 version version: version must be 1, got 2 [this sandlock reads profile format version 1]",
       "p.toml:1:11 version version: version must be 1, got 2 [this sandlock reads profile format version 1]"},
      {"version_string",
       R"(version: "1"
)",
       R"(version = "1"
)",
       "p.yaml:1:10 version version: version must be 1, got '1' (a string) [this sandlock reads profile format version 1]",
       "p.toml:1:11 version version: version must be 1, got '1' (a string) [this sandlock reads profile format version 1]"},
      // 1.0 equals 1 to JSON Schema's const, but a float is no integer here as for ports and limits.
      {"version_float",
       R"(version: 1.0
)",
       R"(version = 1.0
)",
       "p.yaml:1:10 version version: version must be 1, got a number [this sandlock reads profile format version 1]",
       "p.toml:1:11 version version: version must be 1, got a number [this sandlock reads profile format version 1]"},
      {"net_syntax",
       R"(version: 1
network:
  allow: ["http://example.com"]
)",
       R"(version = 1
[network]
allow = ["http://example.com"]
)",
       "p.yaml:3:11 net.syntax network.allow[0]: unknown scheme 'http://' [use tcp://, udp:// or icmp://, or no scheme for TCP and UDP]",
       "p.toml:3:10 net.syntax network.allow[0]: unknown scheme 'http://' [use tcp://, udp:// or icmp://, or no scheme for TCP and UDP]"},
      {"net_port",
       R"(version: 1
network:
  allow: ["example.com:0"]
)",
       R"(version = 1
[network]
allow = ["example.com:0"]
)",
       "p.yaml:3:11 net.port network.allow[0]: port 0 is out of range [ports are 1-65535]",
       "p.toml:3:10 net.port network.allow[0]: port 0 is out of range [ports are 1-65535]"},
      {"net_cidr",
       R"(version: 1
network:
  deny: ["10.0.0.0/33"]
)",
       R"(version = 1
[network]
deny = ["10.0.0.0/33"]
)",
       "p.yaml:3:10 net.cidr network.deny[0]: CIDR prefix /33 is longer than 32 bits [IPv4 prefixes are 0-32]",
       "p.toml:3:9 net.cidr network.deny[0]: CIDR prefix /33 is longer than 32 bits [IPv4 prefixes are 0-32]"},
      {"net_deny_host",
       R"(version: 1
network:
  deny: ["example.com"]
)",
       R"(version = 1
[network]
deny = ["example.com"]
)",
       "p.yaml:3:10 net.deny-host network.deny[0]: deny rules take IP addresses or CIDRs, not hostname 'example.com' [a hostname's addresses change; list its IPs or CIDRs]",
       "p.toml:3:9 net.deny-host network.deny[0]: deny rules take IP addresses or CIDRs, not hostname 'example.com' [a hostname's addresses change; list its IPs or CIDRs]"},
      {"net_icmp_port",
       R"(version: 1
network:
  allow: ["icmp://10.0.0.1:7"]
)",
       R"(version = 1
[network]
allow = ["icmp://10.0.0.1:7"]
)",
       "p.yaml:3:11 net.icmp-port network.allow[0]: ICMP rules take no port [remove ':7']",
       "p.toml:3:10 net.icmp-port network.allow[0]: ICMP rules take no port [remove ':7']"},
      {"net_allow_and_deny",
       R"(version: 1
network:
  allow: []
  deny: ["10.0.0.0/8"]
)",
       R"(version = 1
[network]
allow = []
deny = ["10.0.0.0/8"]
)",
       "p.yaml:4:3 net.allow-and-deny network.deny: network has both 'allow' and 'deny' [use 'allow' (default-deny) or 'deny' (default-allow), not both]",
       "p.toml:4:1 net.allow-and-deny network.deny: network has both 'allow' and 'deny' [use 'allow' (default-deny) or 'deny' (default-allow), not both]"},
      {"net_bind",
       R"(version: 1
network:
  bind: [70000]
)",
       R"(version = 1
[network]
bind = [70000]
)",
       "p.yaml:3:10 net.port network.bind[0]: port 70000 is out of range [ports are 1-65535]",
       "p.toml:3:9 net.port network.bind[0]: port 70000 is out of range [ports are 1-65535]"},
      {"path_relative",
       R"(version: 1
filesystem:
  read: [usr/share]
)",
       R"(version = 1
[filesystem]
read = ["usr/share"]
)",
       "p.yaml:3:10 path.relative filesystem.read[0]: path 'usr/share' is relative [paths must be absolute; did you mean '/usr/share'?]",
       "p.toml:3:9 path.relative filesystem.read[0]: path 'usr/share' is relative [paths must be absolute; did you mean '/usr/share'?]"},
      {"path_above_root",
       R"(version: 1
filesystem:
  write: [/tmp/../..]
)",
       R"(version = 1
[filesystem]
write = ["/tmp/../.."]
)",
       "p.yaml:3:11 path.above-root filesystem.write[0]: path '/tmp/../..' goes above / [remove the extra '..']",
       "p.toml:3:10 path.above-root filesystem.write[0]: path '/tmp/../..' goes above / [remove the extra '..']"},
      {"var_unset",
       R"(version: 1
program:
  cwd: "${env:NOPE}/x"
)",
       R"(version = 1
[program]
cwd = "${env:NOPE}/x"
)",
       "p.yaml:3:8 var.unset program.cwd: environment variable 'NOPE' is not set [set it, or give a default: ${env:NOPE:-value}]",
       "p.toml:3:7 var.unset program.cwd: environment variable 'NOPE' is not set [set it, or give a default: ${env:NOPE:-value}]"},
      {"protection_unknown",
       R"(version: 1
protections:
  signal-scoop: strict
)",
       R"(version = 1
[protections]
signal-scoop = "strict"
)",
       "p.yaml:3:3 protection.unknown protections.signal-scoop: unknown protection 'signal-scoop' [did you mean 'signal-scope'?]",
       "p.toml:3:1 protection.unknown protections.signal-scoop: unknown protection 'signal-scoop' [did you mean 'signal-scope'?]"},
      {"protection_state",
       R"(version: 1
protections:
  Signal-Scope: sometimes
)",
       R"(version = 1
[protections]
Signal-Scope = "sometimes"
)",
       "p.yaml:3:17 protection.state protections.Signal-Scope: unknown state 'sometimes' for Signal-Scope [expected strict, degradable or disabled]",
       "p.toml:3:16 protection.state protections.Signal-Scope: unknown state 'sometimes' for Signal-Scope [expected strict, degradable or disabled]"},
      {"protection_fs_refer_disabled",
       R"(version: 1
protections:
  fs-refer: disabled
)",
       R"(version = 1
[protections]
fs-refer = "disabled"
)",
       "p.yaml:3:13 protection.fs-refer-disabled protections.fs-refer: fs-refer cannot be disabled [Landlock always denies reparenting without it; use 'degradable']",
       "p.toml:3:12 protection.fs-refer-disabled protections.fs-refer: fs-refer cannot be disabled [Landlock always denies reparenting without it; use 'degradable']"},
      {"syscall_unknown_group",
       R"(version: 1
syscalls:
  deny: ["@mout"]
)",
       R"(version = 1
[syscalls]
deny = ["@mout"]
)",
       "p.yaml:3:10 syscall.unknown-group syscalls.deny[0]: unknown syscall group '@mout' [did you mean '@mount'?]",
       "p.toml:3:9 syscall.unknown-group syscalls.deny[0]: unknown syscall group '@mout' [did you mean '@mount'?]"},
      {"syscall_unknown",
       R"(version: 1
syscalls:
  allow: [ptarce]
)",
       R"(version = 1
[syscalls]
allow = ["ptarce"]
)",
       "p.yaml:3:11 syscall.unknown syscalls.allow[0]: unknown syscall 'ptarce' [did you mean 'ptrace'?]",
       "p.toml:3:10 syscall.unknown syscalls.allow[0]: unknown syscall 'ptarce' [did you mean 'ptrace'?]"},
      {"limit_value",
       R"(version: 1
limits:
  memory: 0G
)",
       R"(version = 1
[limits]
memory = "0G"
)",
       "p.yaml:3:11 limit.value limits.memory: limit must be greater than zero",
       "p.toml:3:10 limit.value limits.memory: limit must be greater than zero"},
      {"limit_type",
       R"(version: 1
limits:
  processes: many
)",
       R"(version = 1
[limits]
processes = "many"
)",
       "p.yaml:3:14 schema.type limits.processes: expected an integer, got a string",
       "p.toml:3:13 schema.type limits.processes: expected an integer, got a string"},
      {"env_name",
       R"(version: 1
program:
  env: {"A B": x}
)",
       R"(version = 1
[program.env]
"A B" = "x"
)",
       "p.yaml:3:9 schema.unknown-key program.env.\"A B\": invalid name 'A B' in program.env [names must match ^[A-Za-z_][A-Za-z0-9_]*$]",
       "p.toml:3:1 schema.unknown-key program.env.\"A B\": invalid name 'A B' in program.env [names must match ^[A-Za-z_][A-Za-z0-9_]*$]"},
  };
  return cases;
}

}  // namespace sandlock::testing
