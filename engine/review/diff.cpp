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
    if (openness(b.state) > openness(a.state)) detail += "; without it the sandbox can do " + std::string(f.permits_when_off);
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

void diff_program(const PolicyGraph& o, const PolicyGraph& n, std::vector<PolicyChange>& out) {
  const std::string a = program_text(o), b = program_text(n);
  if (a != b) out.push_back({ChangeKind::Neutral, "program", "command", a + " -> " + b, std::nullopt, std::nullopt});
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
