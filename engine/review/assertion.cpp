#include "engine/review/assertion.h"

#include <charconv>

#include "engine/compile/compose.h"
#include "engine/review/fs_decide.h"
#include "engine/review/net_match.h"

namespace sandlock {
namespace {

constexpr std::string_view kGrammar =
    "expected 'read|write|exec PATH', 'connect HOST:PORT', 'bind PORT', 'signal outside' or 'abstract-unix outside'";

constexpr std::uint64_t kExecute = 1ULL << 0, kWriteFile = 1ULL << 1, kReadFile = 1ULL << 2;

std::optional<std::uint16_t> parse_port(std::string_view s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

bool parse_connect(const std::string& arg, Assertion& a) {
  const auto colon = arg.rfind(':');
  if (colon == std::string::npos) return false;
  auto port = parse_port(std::string_view(arg).substr(colon + 1));
  a.host = arg.substr(0, colon);
  if (a.host == "localhost") a.host = "127.0.0.1";
  if (!port || !parse_ip_literal(a.host, a.family, a.addr)) return false;
  if (a.host.front() == '[') a.host = a.host.substr(1, a.host.size() - 2);
  a.port = *port;
  return true;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

std::string status_text(ProtectionStatus s) { return std::string(protection_status_name(s)); }

Verdict scope_verdict(const ProtectionStatuses& status, Protection p, const std::string& what) {
  const auto s = status[static_cast<std::size_t>(p)];
  const std::string name(protection_facts(p).name);
  if (s == ProtectionStatus::Active) return {false, name + " is active: " + what + " outside the sandbox is refused"};
  return {true, name + " is " + status_text(s) + ": " + what + " outside the sandbox is possible"};
}

Verdict fs_verdict(const PolicyGraph& graph, const Assertion& a) {
  const std::uint64_t need = a.op == Operation::Read ? kReadFile : a.op == Operation::Write ? kWriteFile : kExecute;
  const FsDecision d = fs_decide(graph, a.path);
  if (d.deny_path) return {false, "denied by deny " + *d.deny_path + " at " + provenance_text(*d.deny_from)};
  if (d.access & need) {
    const auto from = fs_deciding_grant(d, need);
    std::string at;
    for (auto it = d.grants.rbegin(); it != d.grants.rend(); ++it)
      if (it->access & need) {
        at = it->path;
        break;
      }
    return {true, "granted by " + at + (from ? " at " + provenance_text(*from) : std::string())};
  }
  return {false, "no grant gives " + fs_rights_to_string(need) + " on " + a.path};
}

Verdict connect_verdict(const PolicyGraph& graph, const ProtectionStatuses& status, const Assertion& a) {
  const auto s = status[static_cast<std::size_t>(Protection::NetTcp)];
  if (s != ProtectionStatus::Active) return {true, "net-tcp is " + status_text(s) + ": TCP is not restricted"};
  const NetDecision d = net_decide(graph, kProtoTcp, a.family, a.addr, a.port);
  const std::string rule = d.rule ? net_dest_text(*d.rule) + (d.rule->from.empty() ? "" : " at " + provenance_text(d.rule->from.front())) : "";
  switch (graph.net_mode) {
    case NetMode::None: return {false, "the profile allows no network"};
    case NetMode::Allow: return d.allowed ? Verdict{true, "allowed by " + rule} : Verdict{false, "not in network.allow"};
    case NetMode::DenyList: return d.allowed ? Verdict{true, "not in network.deny (default allow)"} : Verdict{false, "denied by " + rule};
  }
  return {};
}

Verdict bind_verdict(const PolicyGraph& graph, const ProtectionStatuses& status, const Assertion& a) {
  const auto s = status[static_cast<std::size_t>(Protection::NetTcp)];
  if (s != ProtectionStatus::Active) return {true, "net-tcp is " + status_text(s) + ": TCP is not restricted"};
  for (const auto& r : graph.bind)
    if (a.port >= r.lo && a.port <= r.hi)
      return {true, "allowed by network.bind" + (graph.bind_from.empty() ? "" : " at " + provenance_text(graph.bind_from.front()))};
  return {false, "port " + std::to_string(a.port) + " is not in network.bind"};
}

}  // namespace

std::optional<Assertion> parse_assertion(const std::string& text, std::string& error) {
  Assertion a;
  a.text = text;
  const auto space = text.find(' ');
  const std::string verb = text.substr(0, space);
  const std::string arg = space == std::string::npos ? "" : trim(text.substr(space + 1));
  bool ok = !arg.empty();
  if (verb == "read" || verb == "write" || verb == "exec") {
    a.op = verb == "read" ? Operation::Read : verb == "write" ? Operation::Write : Operation::Exec;
    ok = ok && arg.front() == '/';
    if (ok) a.path = absolute_path(arg, "/");
  } else if (verb == "connect") {
    a.op = Operation::Connect;
    ok = ok && parse_connect(arg, a);
  } else if (verb == "bind") {
    a.op = Operation::Bind;
    auto port = parse_port(arg);
    ok = ok && port.has_value();
    a.port = port.value_or(0);
  } else if (verb == "signal" || verb == "abstract-unix") {
    a.op = verb == "signal" ? Operation::Signal : Operation::AbstractUnix;
    ok = arg == "outside";
  } else {
    ok = false;
  }
  if (!ok) {
    error = "'" + text + "': " + std::string(kGrammar) + " (PATH absolute, HOST an IP address)";
    return std::nullopt;
  }
  return a;
}

Verdict evaluate_static(const PolicyGraph& graph, const ProtectionStatuses& status, const Assertion& a) {
  switch (a.op) {
    case Operation::Read:
    case Operation::Write:
    case Operation::Exec: return fs_verdict(graph, a);
    case Operation::Connect: return connect_verdict(graph, status, a);
    case Operation::Bind: return bind_verdict(graph, status, a);
    case Operation::Signal: return scope_verdict(status, Protection::SignalScope, "signalling a process");
    case Operation::AbstractUnix: return scope_verdict(status, Protection::AbstractUnixSocketScope, "connecting to an abstract unix socket");
  }
  return {};
}

ProtectionStatuses statuses_at(const PolicyGraph& graph, int abi) {
  LowerTarget t;
  t.abi = abi;
  return resolve_protections(graph, t).status;
}

}  // namespace sandlock
