#include "engine/review/assertion.h"

#include <charconv>

#include "engine/compile/compose.h"
#include "engine/compile/net_normalize.h"
#include "engine/kernel/landlock_uapi.h"
#include "engine/lower/net_rules.h"
#include "engine/review/fs_decide.h"
#include "engine/review/net_match.h"

namespace sandlock {
namespace {

constexpr std::string_view kGrammar =
    "expected 'read|write|exec PATH', 'connect HOST:PORT', 'bind PORT', 'signal outside' or 'abstract-unix outside'";

constexpr std::uint64_t kExecute = uapi::kFsExecute, kWriteFile = uapi::kFsWriteFile, kReadFile = uapi::kFsReadFile,
                        kReadDir = uapi::kFsReadDir;

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
  if (s == ProtectionStatus::Active) return {false, false, name + " is active: " + what + " outside the sandbox is refused"};
  return {true, false, name + " is " + status_text(s) + ": " + what + " outside the sandbox is possible"};
}

// The rights the kernel checks for an operation on `path` when it is a directory or not.
// exec: execve opens the file for reading as well as executing it (Landlock checks both);
// read: a directory is listed (read_dir), a file opened (read_file).
std::uint64_t rights_needed(Operation op, bool directory) {
  switch (op) {
    case Operation::Read: return directory ? kReadDir : kReadFile;
    case Operation::Write: return kWriteFile;
    case Operation::Exec: return kExecute | kReadFile;
    default: return 0;
  }
}

// A path of the graph decided on, with the path a profile wrote when it leads there.
std::string as_written(const StaticContext& ctx, const std::string& path) {
  const auto it = ctx.written.find(path);
  return it == ctx.written.end() ? path : it->second + " (which leads to " + path + ")";
}

// Decided on where the paths lead (StaticContext::by_target), as Landlock does.
Verdict fs_verdict_for(const StaticContext& ctx, const Assertion& a, std::uint64_t need) {
  const PolicyGraph& graph = ctx.by_target;
  const FsDecision d = fs_decide(graph, a.path);
  if (d.deny_path)
    return {false, false, "denied by deny " + as_written(ctx, *d.deny_path) + " at " + provenance_text(*d.deny_from)};
  if ((d.access & need) == need) {
    const auto from = fs_deciding_grant(d, need);
    std::string at;
    for (auto it = d.grants.rbegin(); it != d.grants.rend(); ++it)
      if (it->access & need) {
        at = it->path;
        break;
      }
    return {true, false, "granted by " + as_written(ctx, at) + (from ? " at " + provenance_text(*from) : std::string())};
  }
  std::string why = "no grant gives " + fs_rights_to_string(need & ~d.access) + " on " + a.path;
  if (a.op == Operation::Exec) why += " (exec needs execute and read_file: execve opens the file for reading)";
  return {false, false, why};
}

Verdict fs_verdict(const StaticContext& ctx, const Assertion& written) {
  FsView& fs = *ctx.fs;
  // The file the kernel would open: the path with its links resolved.
  Assertion a = written;
  a.path = fs.canonical(written.written_path.empty() ? written.path : written.written_path);
  const std::string leads = a.path == written.path ? "" : "; " + written.path + " leads to " + a.path;
  if (a.op != Operation::Read || fs.exists(a.path)) {
    const bool directory = a.op == Operation::Read && fs.is_directory(a.path);
    Verdict v = fs_verdict_for(ctx, a, rights_needed(a.op, directory));
    if (a.op == Operation::Read) v.reason += directory ? " (a directory: listing it needs read_dir)" : "";
    v.reason += leads;
    return v;
  }
  // A path that does not exist here: read needs read_dir if it will be a directory and
  // read_file if not. Answer when both agree; otherwise it depends on what it will be.
  const Verdict file = fs_verdict_for(ctx, a, rights_needed(a.op, false));
  const Verdict dir = fs_verdict_for(ctx, a, rights_needed(a.op, true));
  if (file.allowed == dir.allowed) return {file.allowed, false, file.reason + " (" + a.path + " does not exist here: as a file or a directory)"};
  return {false, true,
          a.path + " does not exist here: reading it is " + (file.allowed ? "allowed" : "denied") + " as a file (" +
              file.reason + ") but " + (dir.allowed ? "allowed" : "denied") + " as a directory (" + dir.reason + ")"};
}

// When net-tcp is not active the rules still hold: run keeps them with the supervisor and
// seccomp instead of Landlock (engine/lower/net_rules.cpp). Says so after a verdict.
std::string mechanism_note(const PolicyGraph& graph, const ProtectionStatuses& status) {
  const auto s = status[static_cast<std::size_t>(Protection::NetTcp)];
  if (s == ProtectionStatus::Active) return "";
  Diagnostics ignored;
  const NetLowering n = lower_network(graph, false, 0, ignored);
  const std::string off = "; net-tcp is " + status_text(s);
  if (n.deny_inet_sockets) return off + ", so seccomp, which refuses inet sockets, enforces this instead of Landlock";
  if (n.needs_supervisor) return off + ", so the supervisor enforces this instead of Landlock";
  return off + ", and the rules allow every TCP connection and bind";
}

std::string rule_text(const DestinationPolicy& policy, const NetDest& rule) {
  std::size_t i = 0;  // the rule's place in the allow list (pinned_from is parallel to it), if it is there
  while (i < policy.net.net_allow.size() && &policy.net.net_allow[i] != &rule) ++i;
  std::string text;
  if (i < policy.pinned_from.size() && !policy.pinned_from[i].empty()) {
    NetDest named = rule;
    named.target = NetTarget{};
    named.target.kind = NetTarget::Kind::Host;
    named.target.host = policy.pinned_from[i];
    text = net_dest_text(named) + " (" + policy.pinned_from[i] + " resolves to " + format_net_target(rule.target) + " here)";
  } else {
    text = net_dest_text(rule);
  }
  return text + (rule.from.empty() ? "" : " at " + provenance_text(rule.from.front()));
}

// The verdict of the mode given whether the destination is allowed.
Verdict connect_decided(NetMode mode, bool allowed, const std::string& rule, const std::string& note) {
  switch (mode) {
    case NetMode::None: return {false, false, "the profile allows no network" + note};
    case NetMode::Allow:
      return allowed ? Verdict{true, false, "allowed by " + rule + note} : Verdict{false, false, "not in network.allow" + note};
    case NetMode::DenyList:
      return allowed ? Verdict{true, false, "not in network.deny (default allow)" + note} : Verdict{false, false, "denied by " + rule + note};
  }
  return {};
}

Verdict connect_verdict(const PolicyGraph& graph, const ProtectionStatuses& status, const StaticContext& ctx,
                        const Assertion& a) {
  if (!ctx.destinations)
    return {false, true,
            ctx.unresolved + "; run resolves network.allow's host names at start and refuses to run without them"};
  const DestinationPolicy& policy = *ctx.destinations;
  const PolicyGraph& net = policy.net;
  // As run's supervisor does: an unspecified address (this host) goes to its family's
  // loopback, and that is what is checked. (Where Landlock alone keeps TCP, the allowed
  // destinations are `*` and only the port counts.)
  auto addr = a.addr;
  const bool pinned = pin_unspecified_address(a.family, addr);
  const NetDecision d = net_decide(net, kProtoTcp, a.family, addr, a.port);
  const bool allowed = d.allowed && net_reach_allowed(net, kProtoTcp, a.family, addr, a.port);
  const std::string rule = d.rule ? rule_text(policy, *d.rule) : "";
  const std::string note = mechanism_note(graph, status);
  if (pinned) {
    NetTarget to;
    to.kind = NetTarget::Kind::Cidr;
    to.family = a.family;
    to.addr = addr;
    to.prefix = a.family == 4 ? 32 : 128;
    const std::string sent = "run sends " + a.host + " (this host) to " + format_net_target(fold_v4_mapped(to)) + ": ";
    const Verdict v = connect_decided(net.net_mode, allowed, rule, note);
    return {v.allowed, false, sent + v.reason};
  }
  return connect_decided(net.net_mode, allowed, rule, note);
}

Verdict bind_verdict(const PolicyGraph& graph, const ProtectionStatuses& status, const Assertion& a) {
  const std::string note = mechanism_note(graph, status);
  for (const auto& r : graph.bind)
    if (a.port >= r.lo && a.port <= r.hi)
      return {true, false,
              "allowed by network.bind" + (graph.bind_from.empty() ? "" : " at " + provenance_text(graph.bind_from.front())) + note};
  return {false, false, "port " + std::to_string(a.port) + " is not in network.bind" + note};
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
    if (ok) {
      a.path = absolute_path(arg, "/");
      a.written_path = arg;
    }
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

StaticContext static_context(const PolicyGraph& graph, FsView& fs, HostResolver& hosts) {
  StaticContext ctx;
  ctx.fs = &fs;
  ctx.by_target = graph;
  ctx.by_target.fs = fs_trie_by_target(graph.fs, fs, ctx.written);
  ctx.destinations = resolve_destinations(graph, hosts, ctx.unresolved);
  return ctx;
}

Verdict evaluate_static(const PolicyGraph& graph, const ProtectionStatuses& status, const StaticContext& ctx,
                        const Assertion& a) {
  switch (a.op) {
    case Operation::Read:
    case Operation::Write:
    case Operation::Exec: return fs_verdict(ctx, a);
    case Operation::Connect: return connect_verdict(graph, status, ctx, a);
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
