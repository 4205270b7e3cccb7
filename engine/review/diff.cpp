#include "engine/review/diff.h"

#include <algorithm>

#include "engine/review/diff_parts.h"

namespace sandlock {
namespace {

// strict < degradable < disabled: a higher state lets the sandbox do more.
int openness(ProtectionState s) { return static_cast<int>(s); }

ChangeKind kind_of(bool widening) { return widening ? ChangeKind::Widening : ChangeKind::Narrowing; }

void diff_protections(const PolicyGraph& o, const PolicyGraph& n, std::vector<PolicyChange>& out) {
  for (const auto& f : all_protections()) {
    const auto& a = o.protections[static_cast<std::size_t>(f.id)];
    const auto& b = n.protections[static_cast<std::size_t>(f.id)];
    if (a.state == b.state) continue;
    std::string detail = std::string(protection_state_name(a.state)) + " -> " + std::string(protection_state_name(b.state));
    if (openness(b.state) > openness(a.state)) detail += "; without it " + std::string(f.without_it);
    out.push_back({kind_of(openness(b.state) > openness(a.state)), "protection", std::string(f.name), detail,
                   a.defaulted ? std::nullopt : std::optional(a.from), b.defaulted ? std::nullopt : std::optional(b.from)});
  }
}

std::optional<Provenance> find_from(const std::map<std::string, Provenance>& m, const std::string& key) {
  auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

void diff_syscalls(const PolicyGraph& o, const PolicyGraph& n, std::vector<PolicyChange>& out) {
  for (const auto& [name, from] : o.syscall_deny)
    if (!n.syscall_deny.count(name))
      out.push_back({ChangeKind::Widening, "syscall", name, "no longer denied", from, find_from(n.syscall_allow, name)});
  for (const auto& [name, from] : n.syscall_deny)
    if (!o.syscall_deny.count(name))
      out.push_back({ChangeKind::Narrowing, "syscall", name, "now denied", find_from(o.syscall_allow, name), from});
}

void diff_limits(const PolicyGraph& o, const PolicyGraph& n, std::vector<PolicyChange>& out) {
  for (const auto& [key, a] : o.limits) {
    auto it = n.limits.find(key);
    if (it == n.limits.end())
      out.push_back({ChangeKind::Widening, "limit", key, std::to_string(a.value) + " -> unlimited", a.from, std::nullopt});
    else if (it->second.value != a.value)
      out.push_back({kind_of(it->second.value > a.value), "limit", key,
                     std::to_string(a.value) + " -> " + std::to_string(it->second.value), a.from, it->second.from});
  }
  for (const auto& [key, b] : n.limits)
    if (!o.limits.count(key))
      out.push_back({ChangeKind::Narrowing, "limit", key, "unlimited -> " + std::to_string(b.value), std::nullopt, b.from});
}

std::string program_text(const PolicyGraph& g) {
  if (!g.program || !g.program->exec) return "(none)";
  std::string s = g.program->exec->value;
  for (const auto& a : g.program->args) s += " '" + a + "'";
  return s;
}

std::optional<Provenance> located_from(const auto& located) {
  if (!located) return std::nullopt;
  return Provenance{located->where, {}};
}

// The environment: with clean_env the command gets only the profile's variables, otherwise the
// host's with the profile's on top. Inheriting the host's, or a variable added or changed,
// gives the command more than before (widening); the reverse, less (narrowing).
void diff_environment(const PolicyGraph& o, const PolicyGraph& n, std::vector<PolicyChange>& out) {
  static const Program kNone;
  const Program& a = o.program ? *o.program : kNone;
  const Program& b = n.program ? *n.program : kNone;
  const bool a_clean = a.clean_env && a.clean_env->value, b_clean = b.clean_env && b.clean_env->value;
  if (a_clean != b_clean)
    out.push_back({kind_of(a_clean), "program", "clean_env",
                   a_clean ? "true -> false: the command now inherits the host's environment"
                           : "false -> true: the command no longer inherits the host's environment",
                   located_from(a.clean_env), located_from(b.clean_env)});
  // Variables carry no position of their own: the program block that holds them stands in.
  const auto a_from = o.program ? std::optional(Provenance{a.where, {}}) : std::nullopt;
  const auto b_from = n.program ? std::optional(Provenance{b.where, {}}) : std::nullopt;
  std::map<std::string, std::string> before(a.env.begin(), a.env.end()), after(b.env.begin(), b.env.end());
  for (const auto& [name, value] : after) {
    auto it = before.find(name);
    if (it == before.end())
      out.push_back({ChangeKind::Widening, "program", "env " + name, "set to '" + value + "'", std::nullopt, b_from});
    else if (it->second != value)
      out.push_back({ChangeKind::Widening, "program", "env " + name, "'" + it->second + "' -> '" + value + "'", a_from, b_from});
  }
  for (const auto& [name, value] : before)
    if (!after.count(name))
      out.push_back({ChangeKind::Narrowing, "program", "env " + name, "no longer set (was '" + value + "')", a_from, std::nullopt});
}

void diff_program(const PolicyGraph& o, const PolicyGraph& n, std::vector<PolicyChange>& out) {
  const std::string a = program_text(o), b = program_text(n);
  if (a != b) out.push_back({ChangeKind::Neutral, "program", "command", a + " -> " + b, std::nullopt, std::nullopt});
  diff_environment(o, n, out);
  const auto& oc = o.program ? o.program->cwd : std::nullopt;
  const auto& nc = n.program ? n.program->cwd : std::nullopt;
  const std::string cwd_a = oc ? oc->value : "(inherited)", cwd_b = nc ? nc->value : "(inherited)";
  if (cwd_a != cwd_b)
    out.push_back({ChangeKind::Neutral, "program", "cwd", cwd_a + " -> " + cwd_b, located_from(oc), located_from(nc)});
}

}  // namespace

bool PolicyDiff::widens() const {
  return std::any_of(changes.begin(), changes.end(), [](const PolicyChange& c) { return c.kind == ChangeKind::Widening; });
}

PolicyDiff diff_graphs(const PolicyGraph& old_graph, const PolicyGraph& new_graph, std::uint64_t fs_rights) {
  PolicyDiff d;
  diff_filesystem(old_graph, new_graph, fs_rights, d.changes);
  diff_network(old_graph, new_graph, d.changes);
  diff_protections(old_graph, new_graph, d.changes);
  diff_syscalls(old_graph, new_graph, d.changes);
  diff_limits(old_graph, new_graph, d.changes);
  diff_program(old_graph, new_graph, d.changes);
  std::stable_sort(d.changes.begin(), d.changes.end(),
                   [](const PolicyChange& a, const PolicyChange& b) { return a.kind < b.kind; });
  return d;
}

bool parse_diff_format(const std::string& name, DiffFormat& out) {
  if (name == "text") out = DiffFormat::Text;
  else if (name == "markdown") out = DiffFormat::Markdown;
  else if (name == "json") out = DiffFormat::Json;
  else return false;
  return true;
}

}  // namespace sandlock
