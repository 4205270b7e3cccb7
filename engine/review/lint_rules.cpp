// The lint rules, each a small function over the loaded levels (so every finding points
// at the file, line and column that wrote it) or the compiled graph.
#include <map>
#include <set>

#include "engine/compile/fs_trie.h"
#include "engine/kernel/syscall_groups.h"
#include "engine/review/lint.h"
#include "engine/review/net_match.h"

namespace sandlock {
namespace {

constexpr LintRule kRules[] = {
    {"SL001", "write-to-system-dir", "write access to /, /etc, /usr or another system directory"},
    {"SL002", "home-secrets", "access to ~/.ssh, ~/.gnupg or ~/.aws, or write access to a whole home directory"},
    {"SL003", "network-open", "network.allow of `*`, or a deny list (everything else allowed)"},
    {"SL004", "protection-degradable", "a protection may degrade on older kernels"},
    {"SL005", "protection-disabled", "a protection is turned off"},
    {"SL006", "syscall-reallowed", "a syscall or group re-allowed from the deny set"},
    {"SL007", "shadowed-grant", "a grant that a broader grant (here or in a base) already covers"},
    {"SL008", "deny-matches-nothing", "a deny carve-out below no grant"},
    {"SL009", "path-missing", "a granted path that does not exist on this host (info)"},
    {"SL010", "deny-expansion-large", "a deny carve-out that needs very many Landlock rules"},
};

// Above this many sibling rules, a deny carve-out slows ruleset creation noticeably.
constexpr std::size_t kLargeDenyExpansion = 256;

const LintRule& rule(std::string_view code) {
  for (const auto& r : kRules)
    if (r.code == code) return r;
  return kRules[0];
}

struct Linter {
  const std::vector<LoadedProfile>& levels;
  const PolicyGraph& graph;
  FsView& fs;
  Diagnostics out;

  void warn(std::string_view code, const Location& where, std::string key, std::string message, std::string hint,
            Severity severity = Severity::Warning) {
    Diagnostic d = warning_at(std::string(code), where, std::move(key),
                              std::string(rule(code).name) + ": " + message, std::move(hint));
    d.severity = severity;
    out.push_back(std::move(d));
  }

  std::vector<const FsGrant*> grants(std::vector<std::size_t>* level_of = nullptr) const {
    std::vector<const FsGrant*> all;
    for (std::size_t l = 0; l < levels.size(); ++l)
      for (const auto& g : levels[l].profile.fs_grants) {
        all.push_back(&g);
        if (level_of) level_of->push_back(l);
      }
    return all;
  }

  void filesystem_risks() {
    const std::uint64_t write_bits = fs_write_access() & ~fs_read_access();
    for (const FsGrant* g : grants()) {
      const bool writes = g->access & write_bits;
      if (writes && is_system_path(g->path))
        warn("SL001", g->where, "filesystem", "write access to " + g->path + " lets the sandbox change the system",
             "grant write only to the application's own directories (e.g. /var/lib/APP, ${TMPDIR}/APP)");
      if (is_secret_path(g->path) || (writes && covers_home_secrets(g->path) && g->path != "/"))
        warn("SL002", g->where, "filesystem", "access to " + g->path + " exposes private keys or credentials",
             "grant the specific files the program needs, and deny ~/.ssh, ~/.gnupg and ~/.aws");
    }
  }

  // A grant is redundant when its own profile or one of its bases (an earlier level) covers it;
  // of identical grants, the later one (closer to the compiled profile) is the redundant one.
  void shadowed_grants() {
    std::vector<std::size_t> level_of;
    const auto all = grants(&level_of);
    std::map<std::string, std::vector<std::size_t>> by_path;
    for (std::size_t i = 0; i < all.size(); ++i) by_path[all[i]->path].push_back(i);
    for (std::size_t i = 0; i < all.size(); ++i) {
      const FsGrant* g = all[i];
      const FsGrant* cover = nullptr;
      auto consider = [&](const std::string& path) {
        auto it = by_path.find(path);
        if (it == by_path.end() || cover) return;
        for (std::size_t j : it->second) {
          const FsGrant* h = all[j];
          const bool same = h->path == g->path && h->access == g->access;
          if (j != i && level_of[j] <= level_of[i] && !(g->access & ~h->access) && (!same || j < i)) {
            cover = h;
            return;
          }
        }
      };
      std::string prefix;
      consider("/");
      for (const auto& part : split_path(g->path)) consider(prefix += "/" + part);
      if (cover)
        warn("SL007", g->where, "filesystem",
             g->path + " is already covered by " + cover->path + " (" + cover->where.file + ":" +
                 std::to_string(cover->where.line) + ")",
             "remove this grant; it changes nothing");
    }
  }

  void useless_denies() {
    std::set<std::string> paths;
    for (const FsGrant* g : grants()) paths.insert(g->path);
    for (const auto& level : levels)
      for (const auto& d : level.profile.fs_deny) {
        std::string prefix;
        bool matches = paths.count("/") > 0;
        for (const auto& part : split_path(d.value)) matches = matches || paths.count(prefix += "/" + part);
        auto below = paths.lower_bound(d.value + "/");
        matches = matches || (below != paths.end() && below->rfind(d.value + "/", 0) == 0);
        if (!matches)
          warn("SL008", d.where, "filesystem.deny", d.value + " is not at or below any grant, so it denies nothing",
               "remove it, or fix the path");
      }
  }

  void missing_paths() {
    for (const FsGrant* g : grants())
      if (!fs.exists(g->path))
        warn("SL009", g->where, "filesystem", g->path + " does not exist on this host; the grant is skipped here",
             "check the spelling, or ignore if it exists where the sandbox runs", Severity::Info);
  }

  // A deny below a grant is lowered to one rule per sibling along the way down.
  void large_deny_expansions() {
    for (const auto& level : levels)
      for (const auto& d : level.profile.fs_deny) {
        std::size_t rules = 0;
        std::string dir;
        bool granted = graph.fs.access != 0;
        const FsNode* node = &graph.fs;
        for (const auto& part : split_path(d.value)) {
          if (granted)
            if (auto entries = fs.list(dir.empty() ? "/" : dir); entries && !entries->empty()) rules += entries->size() - 1;
          dir += "/" + part;
          if (node) {
            auto it = node->children.find(part);
            node = it == node->children.end() ? nullptr : &it->second;
            granted = granted || (node && node->access);
          }
        }
        if (rules > kLargeDenyExpansion)
          warn("SL010", d.where, "filesystem.deny",
               "denying " + d.value + " needs about " + std::to_string(rules) + " Landlock rules (one per sibling)",
               "grant narrower directories instead of carving a deny out of a broad one");
      }
  }

  void network_and_controls() {
    for (const auto& level : levels) {
      const Profile& p = level.profile;
      for (const auto& r : p.net_allow)
        if (means_any_destination(r.target))
          warn("SL003", r.where, "network.allow",
               "'" + r.text + "' allows connections to any host" +
                   (r.target.kind == NetTarget::Kind::Any ? "" : r.target.family == 4 ? " (every IPv4 address)" : " (every IPv6 address)"),
               "list the hosts or CIDRs the program talks to");
      if (p.net_deny_where && !p.net_allow_where)
        warn("SL003", *p.net_deny_where, "network.deny", "a deny list allows every destination it does not name",
             "use an allow list instead");
      for (const auto& [id, state] : p.protections) {
        const auto& f = protection_facts(id);
        const std::string permits = "without it " + std::string(f.without_it);
        if (state.value == ProtectionState::Degradable)
          warn("SL004", state.where, "protections." + std::string(f.name),
               std::string(f.name) + " may degrade (kernels below Landlock ABI " + std::to_string(f.min_abi) + "): " + permits,
               "keep it strict unless the profile must run on older kernels");
        if (state.value == ProtectionState::Disabled)
          warn("SL005", state.where, "protections." + std::string(f.name), std::string(f.name) + " is disabled: " + permits,
               "set it to strict, or degradable if older kernels matter");
      }
      for (const auto& s : p.syscalls_allow)
        warn("SL006", s.where, "syscalls.allow", s.value + " is re-allowed from the deny set",
             syscall_group_by_name(s.value) ? "re-allow single syscalls, not the whole group" : "make sure the program needs it");
    }
  }
};

}  // namespace

std::span<const LintRule> lint_rules() { return kRules; }

Diagnostics lint_levels(const std::vector<LoadedProfile>& levels, const PolicyGraph& graph, FsView& fs) {
  Linter l{levels, graph, fs, {}};
  l.filesystem_risks();
  l.shadowed_grants();
  l.useless_denies();
  l.missing_paths();
  l.large_deny_expansions();
  l.network_and_controls();
  sort_diagnostics(l.out);
  return l.out;
}

}  // namespace sandlock
