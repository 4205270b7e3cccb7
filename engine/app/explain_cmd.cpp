// `sandlock explain`: what a profile grants, where each grant comes from, and how it
// fares on every Landlock ABI — written for a reviewer reading a terminal.
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/app/commands.h"
#include "engine/apply/check.h"
#include "engine/apply/kernel.h"
#include "engine/compile/fs_trie.h"
#include "engine/lower/protections.h"
#include "engine/lower/syscall_filters.h"

namespace sandlock {
namespace {

using Json = nlohmann::ordered_json;

std::string access_summary(std::uint64_t access) {
  if (access == fs_write_access()) return "write";
  if (access == (fs_write_access() | fs_exec_access())) return "write+exec";
  if (access == fs_exec_access()) return "exec";
  if (access == fs_read_access()) return "read";
  return fs_rights_to_string(access);
}

// `text` padded to a column of `width`; one that does not fit keeps two spaces after it, so
// it never runs into the next column.
std::string cell(std::string_view text, std::size_t width) {
  std::string out(text);
  out.append(out.size() < width ? width - out.size() : 2, ' ');
  return out;
}

std::string where(const Provenance& p) {
  if (p.where.line == 0) return p.where.file;
  std::string s = p.where.file + ":" + std::to_string(p.where.line) + ":" + std::to_string(p.where.column);
  // The chain's last entry is the file itself; name only the profiles it came through.
  if (p.chain.size() > 1) {
    s += " (via ";
    for (std::size_t i = 0; i + 1 < p.chain.size(); ++i) s += (i ? " -> " : "") + p.chain[i];
    s += ")";
  }
  return s;
}

struct Matrix {
  std::array<ProtectionStatuses, kMaxLandlockAbi> by_abi{};  // index abi-1
  int lowest_runnable = 0;                                   // 0: none
};

// The lowest runnable ABI is the lowest at which the profile lowers without an error, as
// `run --abi N` lowers it: a strict protection the ABI lacks is one such error, but not the
// only one (io_uring re-allowed beside rules only the supervisor keeps below ABI 4).
Matrix protection_matrix(const PolicyGraph& graph, FsView& fs) {
  Matrix m;
  for (int abi = kMinLandlockAbi; abi <= kMaxLandlockAbi; ++abi) {
    LowerTarget t;
    t.abi = abi;
    m.by_abi[abi - 1] = resolve_protections(graph, t).status;
    const auto& s = m.by_abi[abi - 1];
    const bool available = std::none_of(s.begin(), s.end(), [](ProtectionStatus st) { return st == ProtectionStatus::Unavailable; });
    if (available && !m.lowest_runnable && lower(graph, t, fs).plan) m.lowest_runnable = abi;
  }
  return m;
}

std::string short_status(ProtectionStatus s) {
  switch (s) {
    case ProtectionStatus::Active: return "on";
    case ProtectionStatus::Degraded: return "degr";
    case ProtectionStatus::Disabled: return "off";
    case ProtectionStatus::Unavailable: return "FAIL";
  }
  return "?";
}

std::string net_dest_text(const NetDest& d) {
  std::string protos;
  if (d.protos & kProtoTcp) protos += "tcp";
  if (d.protos & kProtoUdp) protos += protos.empty() ? "udp" : "+udp";
  if (d.protos & kProtoIcmp) protos += protos.empty() ? "icmp" : "+icmp";
  const std::string target = protos + " " + format_net_target(d.target);
  if (d.protos == kProtoIcmp) return target;  // ICMP has no ports
  return target + ":" + (d.ports.empty() ? "*" : format_ports(d.ports));
}

std::string text_report(const PolicyGraph& g, const Matrix& m, const std::optional<Plan>& host_plan, int host_abi) {
  std::ostringstream s;
  s << "profile " << g.name << " (" << g.root_file << ")\n";
  if (!g.description.empty()) s << "  " << g.description << "\n";

  s << "\nProtections by Landlock ABI (on = active, degr = degraded, off = disabled, FAIL = strict but unavailable)\n";
  s << std::left << std::setw(28) << "protection" << std::setw(12) << "state";
  for (int abi = 1; abi <= kMaxLandlockAbi; ++abi) s << std::setw(6) << abi;
  s << "\n";
  for (const auto& f : all_protections()) {
    const auto& rp = g.protections[static_cast<std::size_t>(f.id)];
    s << std::setw(28) << f.name << std::setw(12) << (std::string(protection_state_name(rp.state)) + (rp.defaulted ? "*" : ""));
    for (int abi = 1; abi <= kMaxLandlockAbi; ++abi) s << std::setw(6) << short_status(m.by_abi[abi - 1][static_cast<std::size_t>(f.id)]);
    s << "\n";
  }
  s << "  (* = not named in the profile: strict by default)\n";
  if (m.lowest_runnable)
    s << "\nLowest ABI that runs this profile as written: " << m.lowest_runnable << " (this kernel: " << host_abi << ")\n";
  else
    s << "\nNo Landlock ABI runs this profile as written.\n";
  for (int abi = std::max(1, m.lowest_runnable); m.lowest_runnable && abi < kMaxLandlockAbi; ++abi) {
    std::string lost;
    for (const auto& f : all_protections())
      if (m.by_abi[abi - 1][static_cast<std::size_t>(f.id)] == ProtectionStatus::Degraded)
        lost += "\n    - " + std::string(f.name) + ": " + std::string(f.without_it);
    if (!lost.empty()) s << "  at ABI " << abi << " it loses:" << lost << "\n";
  }

  s << "\nFilesystem (grants accumulate down the tree; deny wins)\n";
  bool any_fs = false;
  fs_walk(g.fs, "/", [&](const std::string& path, const FsNode& node) {
    if (node.access) {
      any_fs = true;
      const std::string access = access_summary(node.access);
      s << "  " << cell(path, 36) << cell(access, 12);
      for (std::size_t i = 0; i < node.grant_from.size(); ++i) s << (i ? "; " : "") << where(node.grant_from[i]);
      s << "\n";
    }
    if (node.deny) {
      any_fs = true;
      s << "  " << cell(path, 36) << cell("DENY", 12) << where(*node.deny) << "\n";
    }
  });
  if (!any_fs) s << "  (nothing: no file can be opened)\n";

  s << "\nNetwork\n";
  switch (g.net_mode) {
    case NetMode::None:
      s << (refuses_other_socket_families(g)
                ? "  no network: no connection or datagram leaves the sandbox\n"
                : "  no inet network (other socket families are allowed: @other-sockets)\n");
      break;
    case NetMode::Allow: s << "  allow list (everything else is refused):\n"; break;
    case NetMode::DenyList: s << "  deny list (everything else is allowed):\n"; break;
  }
  // (Which mechanism enforces each rule on this host is listed below them.)
  for (const auto& d : g.net_mode == NetMode::DenyList ? g.net_deny : g.net_allow)
    s << "  " << cell(net_dest_text(d), 40) << (d.from.empty() ? "" : where(d.from.front())) << "\n";
  if (g.bind.empty())
    s << "  bind: none\n";
  else {
    s << "  bind:";
    for (const auto& r : g.bind) s << " " << format_ports({r});
    s << "\n";
  }
  // Which mechanism enforces each network rule on this host (Landlock, supervisor, seccomp).
  if (host_plan && !host_plan->net_enforcement.empty()) {
    s << "  enforced on this host by:\n";
    for (const auto& e : host_plan->net_enforcement) s << "    " << cell(e.rule, 46) << "[" << e.mechanism << "]\n";
  }

  std::size_t builtin = 0;
  for (const auto& [name, from] : g.syscall_deny) builtin += from.where.line == 0;
  s << "\nSyscalls: " << g.syscall_deny.size() << " denied (" << builtin << " by the built-in default set)\n";
  for (const auto& [name, from] : g.syscall_deny)
    if (from.where.line) s << "  deny " << cell(name, 30) << where(from) << "\n";
  for (const auto& [name, from] : g.syscall_allow) s << "  allow " << cell(name, 29) << where(from) << "\n";

  if (!g.limits.empty()) {
    s << "\nLimits\n";
    for (const auto& [k, v] : g.limits) s << "  " << cell(k, 12) << cell(std::to_string(v.value), 14) << where(v.from) << "\n";
  }
  if (g.program && g.program->exec) {
    s << "\nProgram: " << g.program->exec->value;
    for (const auto& a : g.program->args) s << " '" << a << "'";
    s << "\n";
  }
  return s.str();
}

Json json_report(const PolicyGraph& g, const Matrix& m) {
  Json j;
  j["profile"] = g.name;
  j["file"] = g.root_file;
  Json matrix;
  for (const auto& f : all_protections()) {
    Json row;
    row["state"] = protection_state_name(g.protections[static_cast<std::size_t>(f.id)].state);
    row["min_abi"] = f.min_abi;
    for (int abi = 1; abi <= kMaxLandlockAbi; ++abi)
      row["abi"][std::to_string(abi)] = protection_status_name(m.by_abi[abi - 1][static_cast<std::size_t>(f.id)]);
    matrix[std::string(f.name)] = row;
  }
  j["protections"] = matrix;
  j["lowest_abi"] = m.lowest_runnable ? Json(m.lowest_runnable) : Json(nullptr);
  j["graph"] = Json::parse(graph_to_json(g));
  return j;
}

}  // namespace

CommandResult cmd_explain(const ExplainOptions& options, SourceReader& reader, Kernel& kernel, FsView& fs) {
  CommandResult result;
  CompileResult compiled = compile_file(options.profile, options.compile, reader);
  result.err = render(compiled.diagnostics, DiagFormat::Text);
  if (!compiled.graph) {
    result.exit_code = 1;
    return result;
  }
  const Matrix m = protection_matrix(*compiled.graph, fs);
  const int host_abi = std::clamp(kernel.landlock_abi(), 0, kMaxLandlockAbi);
  // Lowered as run lowers it here (this kernel's ABI, this filesystem): what run refuses is
  // an error here too. Without Landlock, at the newest ABI, for the errors every kernel has.
  LowerTarget t;
  t.abi = host_abi >= kMinLandlockAbi ? host_abi : kMaxLandlockAbi;
  LowerResult lowered = lower(*compiled.graph, t, fs);
  std::optional<Plan> host_plan;
  if (host_abi >= kMinLandlockAbi) host_plan = std::move(lowered.plan);
  // run's errors and warnings (a degraded protection, a hard-linked deny), not its notes.
  Diagnostics said;
  for (const auto& d : lowered.diagnostics)
    if (d.severity != Severity::Info) said.push_back(d);
  result.err += render(said, DiagFormat::Text);
  if (has_errors(said)) {
    result.err += "sandlock: run refuses this profile on this host (exit 125)\n";
    result.exit_code = 1;
  }
  result.out = options.json ? json_report(*compiled.graph, m).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n" : text_report(*compiled.graph, m, host_plan, host_abi);
  return result;
}

CommandResult cmd_check(Kernel& kernel, bool json) {
  CommandResult result;
  const CheckReport report = run_check(kernel);
  result.out = json ? check_report_json(report) + "\n" : check_report_text(report);
  return result;
}

}  // namespace sandlock
