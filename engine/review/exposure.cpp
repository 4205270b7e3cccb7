// The exposure score: a weighted list, like `systemd-analyze security`. Each entry that
// applies adds its weight (per-protection entries once per protection); the sum is capped at 10.
#include <algorithm>
#include <cmath>

#include "engine/compile/fs_trie.h"
#include "engine/compile/net_normalize.h"
#include "engine/review/lint.h"
#include "engine/review/net_match.h"

namespace sandlock {
namespace {

constexpr ExposureWeight kWeights[] = {
    {"fs-write-system", 3.0, "write access to /, /etc, /usr, /bin, /sbin, /lib, /boot or /var (or below the trees)"},
    {"fs-home-secrets", 2.5, "any access to ~/.ssh, ~/.gnupg or ~/.aws of some user (directly or via a home/ancestor grant)"},
    {"fs-write-exec", 1.0, "a path that is both writable and executable (drop-and-run)"},
    {"net-open", 2.0, "outbound network to any destination (allow `*` or a deny list)"},
    {"net-outbound", 0.5, "outbound network to listed destinations"},
    {"bind-any", 0.5, "may bind every port"},
    {"bind-some", 0.2, "may bind listed ports"},
    {"protection-disabled", 1.0, "each protection set to disabled"},
    {"protection-degradable", 0.3, "each protection allowed to degrade on older kernels"},
    {"syscall-reallowed", 0.5, "each syscall re-allowed from the default deny set (at most 2.0 in total)"},
    {"no-process-limit", 0.3, "no limit on processes (fork bombs)"},
    {"no-memory-limit", 0.2, "no limit on memory"},
};

double weight_of(std::string_view id) {
  for (const auto& w : kWeights)
    if (w.id == id) return w.weight;
  return 0;
}

constexpr std::uint64_t kWriteFile = 1ULL << 1;  // LANDLOCK_ACCESS_FS_WRITE_FILE
constexpr std::uint64_t kExecute = 1ULL << 0;    // LANDLOCK_ACCESS_FS_EXECUTE

struct Scorer {
  ExposureScore result;
  void add(std::string_view id, std::string detail, double times = 1) {
    result.breakdown.push_back({id, weight_of(id) * times, std::move(detail)});
  }
};

// A grant on one home directory reaches its secrets unless ~/.ssh is carved out;
// a grant on /home or / reaches every user's.
bool reaches_secrets(const PolicyGraph& g, const std::string& path) {
  if (is_secret_path(path)) return true;
  if (!covers_home_secrets(path)) return false;
  const bool one_home = path == "/root" || split_path(path).size() == 2;
  return !one_home || fs_access(g, path + "/.ssh") != 0;
}

void score_filesystem(const PolicyGraph& g, Scorer& s) {
  std::string system, secrets, write_exec;
  fs_walk(g.fs, "/", [&](const std::string& path, const FsNode& node) {
    const std::uint64_t eff = fs_access(g, path);
    if (!node.access || !eff) return;
    if (system.empty() && (eff & kWriteFile) && is_system_path(path)) system = path;
    if (secrets.empty() && reaches_secrets(g, path)) secrets = path;
    if (write_exec.empty() && (eff & kWriteFile) && (eff & kExecute)) write_exec = path;
  });
  if (!system.empty()) s.add("fs-write-system", "write: " + system);
  if (!secrets.empty()) s.add("fs-home-secrets", "reaches secrets via " + secrets);
  if (!write_exec.empty()) s.add("fs-write-exec", "write+exec: " + write_exec);
}

void score_network(const PolicyGraph& g, Scorer& s) {
  // `*`, 0.0.0.0/0 and ::/0 each mean any destination (of their family).
  const auto any = std::find_if(g.net_allow.begin(), g.net_allow.end(),
                                [](const NetDest& d) { return means_any_destination(d.target); });
  if (g.net_mode == NetMode::DenyList || (g.net_mode == NetMode::Allow && any != g.net_allow.end()))
    s.add("net-open", g.net_mode == NetMode::DenyList ? "deny list: default allow"
                                                      : "allow: " + format_net_target(any->target));
  else if (g.net_mode == NetMode::Allow && !g.net_allow.empty())
    s.add("net-outbound", std::to_string(g.net_allow.size()) + " destination(s)");
  if (!g.bind.empty()) {
    if (means_every_port(g.bind) || (g.bind.front().lo == 0 && g.bind.front().hi == 65535))
      s.add("bind-any", "bind: *");
    else
      s.add("bind-some", std::to_string(g.bind.size()) + " port range(s)");
  }
}

void score_controls(const PolicyGraph& g, Scorer& s) {
  for (const auto& f : all_protections()) {
    const auto state = g.protections[static_cast<std::size_t>(f.id)].state;
    if (state == ProtectionState::Disabled) s.add("protection-disabled", std::string(f.name));
    if (state == ProtectionState::Degradable) s.add("protection-degradable", std::string(f.name));
  }
  if (!g.syscall_allow.empty()) {
    const double times = std::min<double>(static_cast<double>(g.syscall_allow.size()), 4);
    std::string names;
    for (const auto& [name, from] : g.syscall_allow) names += (names.empty() ? "" : ",") + name;
    s.add("syscall-reallowed", names, times);
  }
  if (!g.limits.count("processes")) s.add("no-process-limit", "limits.processes unset");
  if (!g.limits.count("memory")) s.add("no-memory-limit", "limits.memory unset");
}

}  // namespace

std::span<const ExposureWeight> exposure_weights() { return kWeights; }

ExposureScore exposure_score(const PolicyGraph& graph) {
  Scorer s;
  score_filesystem(graph, s);
  score_network(graph, s);
  score_controls(graph, s);
  double sum = 0;
  for (const auto& item : s.result.breakdown) sum += item.weight;
  s.result.score = std::round(std::min(sum, 10.0) * 10) / 10;
  return s.result;
}

}  // namespace sandlock
