#include "engine/compile/merge.h"

#include <algorithm>

#include "engine/compile/fs_trie.h"
#include "engine/compile/net_normalize.h"
#include "engine/kernel/syscall_groups.h"

namespace sandlock {
namespace {

Provenance prov(const Location& where, const LoadedProfile& level) { return Provenance{where, level.chain}; }

// Expands "@group" into its syscalls; a plain name stands for itself.
std::vector<std::string> expand_syscall(const std::string& entry) {
  if (const SyscallGroup* g = syscall_group_by_name(entry)) return {g->syscalls.begin(), g->syscalls.end()};
  return {entry};
}

void merge_filesystem(PolicyGraph& g, const std::vector<LoadedProfile>& levels) {
  for (const auto& level : levels) {
    for (const auto& grant : level.profile.fs_grants) fs_add_grant(g.fs, grant.path, grant.access, prov(grant.where, level));
    for (const auto& deny : level.profile.fs_deny) fs_add_deny(g.fs, deny.value, prov(deny.where, level));
  }
  fs_normalize(g.fs);
}

void merge_network(PolicyGraph& g, const std::vector<LoadedProfile>& levels, Diagnostics& diagnostics) {
  std::vector<NetRuleIn> allow, deny;
  std::vector<PortRange> bind;
  const LoadedProfile* allow_level = nullptr;
  const LoadedProfile* deny_level = nullptr;
  for (const auto& level : levels) {
    const Profile& p = level.profile;
    if (p.net_allow_where) allow_level = &level;
    if (p.net_deny_where) deny_level = &level;
    for (const auto& r : p.net_allow) allow.push_back({&r, prov(r.where, level)});
    for (const auto& r : p.net_deny) deny.push_back({&r, prov(r.where, level)});
    for (const auto& b : p.net_bind) {
      bind.push_back(b.value);
      g.bind_from.push_back(prov(b.where, level));
    }
  }
  if (allow_level && deny_level) {
    diagnostics.push_back(error_at("net.allow-and-deny", *deny_level->profile.net_deny_where, "network.deny",
                                   "network.deny in " + deny_level->profile.file + " cannot combine with network.allow in " +
                                       allow_level->profile.file + " (an allow list denies by default; a deny list allows by default)",
                                   "use one of them across the whole extends chain"));
  }
  g.net_allow = normalize_net_rules(allow);
  g.net_deny = normalize_net_rules(deny);
  g.net_mode = deny_level ? NetMode::DenyList : (g.net_allow.empty() ? NetMode::None : NetMode::Allow);
  g.bind = merge_port_ranges(bind);
}

void merge_protections(PolicyGraph& g, const std::vector<LoadedProfile>& levels) {
  const LoadedProfile& root = levels.back();
  for (auto& p : g.protections) p = ResolvedProtection{ProtectionState::Strict, true, Provenance{{root.profile.file, 1, 1}, root.chain}};
  for (const auto& level : levels)
    for (const auto& [id, state] : level.profile.protections)
      g.protections[static_cast<std::size_t>(id)] = ResolvedProtection{state.value, false, prov(state.where, level)};
}

void merge_syscalls(PolicyGraph& g, const std::vector<LoadedProfile>& levels) {
  const Provenance builtin{{"(built-in default)", 0, 0}, {}};
  for (const auto& group : all_syscall_groups())
    if (group.denied_by_default)
      for (auto name : group.syscalls) g.syscall_deny.emplace(std::string(name), builtin);
  for (const auto& level : levels) {
    for (const auto& entry : level.profile.syscalls_deny)
      for (const auto& name : expand_syscall(entry.value)) {
        g.syscall_deny.insert_or_assign(name, prov(entry.where, level));
        g.syscall_allow.erase(name);
      }
    for (const auto& entry : level.profile.syscalls_allow)
      for (const auto& name : expand_syscall(entry.value)) {
        g.syscall_deny.erase(name);
        g.syscall_allow.insert_or_assign(name, prov(entry.where, level));
      }
  }
}

void merge_limits_and_program(PolicyGraph& g, const std::vector<LoadedProfile>& levels) {
  for (const auto& level : levels) {
    const Limits& l = level.profile.limits;
    auto set = [&](const char* key, const std::optional<Located<std::uint64_t>>& v) {
      if (v) g.limits.insert_or_assign(key, LimitValue{v->value, prov(v->where, level)});
    };
    set("memory", l.memory);
    set("processes", l.processes);
    set("open_files", l.open_files);
    set("cpu_time", l.cpu_time);
    set("file_size", l.file_size);

    if (!level.profile.program) continue;
    const Program& p = *level.profile.program;
    if (!g.program) g.program = Program{};
    Program& out = *g.program;
    if (p.exec) {
      out.exec = p.exec;
      out.args = p.args;  // args belong to the exec that names them
    }
    for (const auto& var : p.env) {
      auto it = std::find_if(out.env.begin(), out.env.end(), [&](const auto& kv) { return kv.first == var.first; });
      if (it != out.env.end()) it->second = var.second; else out.env.push_back(var);
    }
    if (p.clean_env) out.clean_env = p.clean_env;
    if (p.cwd) out.cwd = p.cwd;
    out.where = p.where;
  }
  // By name: YAML keeps a mapping's order and TOML (toml++) sorts its tables, and one
  // profile must compile to one graph whatever its spelling. Names are unique here.
  if (g.program)
    std::sort(g.program->env.begin(), g.program->env.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

}  // namespace

PolicyGraph merge_levels(const std::vector<LoadedProfile>& levels, Diagnostics& diagnostics) {
  PolicyGraph g;
  const Profile& root = levels.back().profile;
  g.name = root.name.value;
  g.description = root.description;
  g.root_file = root.file;
  merge_filesystem(g, levels);
  merge_network(g, levels, diagnostics);
  merge_protections(g, levels);
  merge_syscalls(g, levels);
  merge_limits_and_program(g, levels);
  return g;
}

}  // namespace sandlock
