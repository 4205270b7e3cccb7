#include <algorithm>
#include <memory>
#include <sstream>

#include "engine/app/commands.h"
#include "engine/apply/kernel.h"
#include "engine/util/text.h"

namespace sandlock {

bool apply_overrides(const std::vector<ProtectionOverride>& overrides, LowerTarget& target, std::string& error) {
  for (const auto& o : overrides) {
    auto p = protection_by_name(o.name);
    if (!p) {
      std::vector<std::string> names;
      for (const auto& f : all_protections()) names.emplace_back(f.name);
      error = "unknown protection '" + o.name + "'";
      if (auto hint = did_you_mean(o.name, names); !hint.empty()) error += " (" + hint + ")";
      error += "; valid names: " + join(names, ", ");
      return false;
    }
    if (*p == Protection::FsRefer && o.state == ProtectionState::Disabled) {
      error = "fs-refer cannot be disabled: Landlock always denies reparenting; use --allow-degraded fs-refer";
      return false;
    }
    target.overrides[static_cast<std::size_t>(*p)] = o.state;
  }
  return true;
}

namespace {

using EnvList = std::vector<std::pair<std::string, std::string>>;

void set_env(EnvList& env, const std::string& key, const std::string& value) {
  auto it = std::find_if(env.begin(), env.end(), [&](const auto& kv) { return kv.first == key; });
  if (it != env.end())
    it->second = value;
  else
    env.emplace_back(key, value);
}

// clean_env: only what the profile lists (and --env); otherwise the host's environment
// with the profile's and --env's variables on top.
bool build_env(const RunOptions& options, const PolicyGraph& graph, EnvList& env, std::string& err) {
  const bool clean = graph.program && graph.program->clean_env && graph.program->clean_env->value;
  if (!clean)
    for (const auto& [k, v] : options.compile.env.vars) env.emplace_back(k, v);
  if (graph.program)
    for (const auto& [k, v] : graph.program->env) set_env(env, k, v);
  for (const auto& kv : options.env) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      err = "--env expects K=V, got '" + kv + "'";
      return false;
    }
    set_env(env, kv.substr(0, eq), kv.substr(eq + 1));
  }
  return true;
}

std::string verbose_summary(const PolicyGraph& graph, const Plan& plan) {
  std::ostringstream s;
  s << "sandlock: profile " << graph.name << " at Landlock ABI " << plan.landlock.abi << "\n";
  for (const auto& f : all_protections())
    s << "  " << f.name << ": " << protection_status_name(plan.landlock.protections[static_cast<std::size_t>(f.id)])
      << " (" << protection_state_name(graph.protections[static_cast<std::size_t>(f.id)].state) << ", needs ABI "
      << f.min_abi << ")\n";
  s << "  landlock: handled_access_fs=0x" << std::hex << plan.landlock.handled_access_fs << " handled_access_net=0x"
    << plan.landlock.handled_access_net << " scoped=0x" << plan.landlock.scoped << std::dec << ", "
    << plan.landlock.path_rules.size() << " path rules, " << plan.landlock.net_rules.size() << " port rules\n";
  s << "  seccomp: " << plan.seccomp.rules.size() << " rules\n";
  return s.str();
}

}  // namespace

std::optional<RunSetup> prepare_run(const RunOptions& options, SourceReader& reader, Kernel& kernel, FsView& fs,
                                    std::string& err) {
  CompileResult compiled = compile_file(options.profile, options.compile, reader);
  if (!compiled.graph) {
    err = render(compiled.diagnostics, DiagFormat::Text);
    return std::nullopt;
  }
  const PolicyGraph& graph = *compiled.graph;
  RunSetup setup;

  LowerTarget target;
  std::string why;
  if (!apply_overrides(options.overrides, target, why)) {
    err = "sandlock: " + why + "\n";
    return std::nullopt;
  }
  const int host_abi = kernel.landlock_abi();
  if (host_abi < 1) {
    err = "sandlock: this kernel has no Landlock (ABI 0); refusing to run unconfined\n";
    return std::nullopt;
  }
  target.abi = clamp_abi(host_abi, options.abi, why);
  if (target.abi == 0) {
    err = "sandlock: " + why + "\n";
    return std::nullopt;
  }
  LowerResult lowered = lower(graph, target, fs);
  Diagnostics notes = compiled.diagnostics;
  notes.insert(notes.end(), lowered.diagnostics.begin(), lowered.diagnostics.end());
  if (!lowered.plan) {
    err = render(notes, DiagFormat::Text);
    return std::nullopt;
  }
  // Degradations are reported once each; infos (skipped missing paths) only with --verbose.
  Diagnostics shown;
  for (const auto& d : notes)
    if (d.severity != Severity::Info || options.verbose) shown.push_back(d);
  setup.notes = render(shown, DiagFormat::Text);
  if (lowered.plan->needs_supervisor) {
    // Host names are resolved once, here, and pinned for the whole run.
    auto resolved = resolve_destinations(graph, why);
    if (!resolved) {
      err = setup.notes + "sandlock: " + why + "; the run is refused\n";
      return std::nullopt;
    }
    if (options.verbose)
      for (const std::string& line : resolved->pinned) setup.notes += "sandlock: resolved " + line + "\n";
    setup.request.destinations = std::make_shared<const DestinationPolicy>(std::move(*resolved));
  }

  LaunchRequest& req = setup.request;
  if (!options.command.empty()) {
    req.argv = options.command;
  } else if (graph.program && graph.program->exec) {
    req.argv.push_back(graph.program->exec->value);
    req.argv.insert(req.argv.end(), graph.program->args.begin(), graph.program->args.end());
  } else {
    err = "sandlock: no command: give one after `--` or set program.exec in the profile\n";
    return std::nullopt;
  }
  if (!build_env(options, graph, req.env, why)) {
    err = "sandlock: " + why + "\n";
    return std::nullopt;
  }
  if (graph.program && graph.program->cwd) req.cwd = graph.program->cwd->value;
  for (const auto& [k, v] : graph.limits) req.limits[k] = v.value;
  req.timeout_seconds = options.timeout_seconds;
  req.verbose = options.verbose;
  if (options.verbose) setup.notes += verbose_summary(graph, *lowered.plan);
  req.plan = std::move(*lowered.plan);
  return setup;
}

int cmd_run(const RunOptions& options, SourceReader& reader, Kernel& kernel, FsView& fs, std::ostream& err) {
  std::string why;
  auto setup = prepare_run(options, reader, kernel, fs, why);
  if (!setup) {
    err << why << std::flush;
    return kExitSandlockError;
  }
  err << setup->notes << std::flush;
  std::string launch_error;
  const int status = launch(setup->request, launch_error);
  if (!launch_error.empty()) err << "sandlock: " << launch_error << "\n" << std::flush;
  return status;
}

}  // namespace sandlock
