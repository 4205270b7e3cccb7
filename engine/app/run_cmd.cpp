#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <sstream>

#include "engine/app/commands.h"
#include "engine/app/own_state.h"
#include "engine/apply/kernel.h"
#include "engine/kernel/landlock_facts.h"
#include "engine/plancache/cached_run.h"
#include "engine/plancache/store.h"
#include "engine/util/disk.h"
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

// clean_env: only what the profile lists (and --env); otherwise the host's environment
// with the profile's and --env's variables on top.
bool build_env(const RunOptions& options, const PolicyGraph& graph, RunSetup& setup, std::string& err) {
  setup.clean_env = graph.program && graph.program->clean_env && graph.program->clean_env->value;
  if (graph.program)
    for (const auto& [k, v] : graph.program->env) setup.env_overlay.emplace_back(k, v);
  for (const auto& kv : options.env) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      err = "--env expects K=V, got '" + kv + "'";
      return false;
    }
    setup.env_overlay.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  setup.request.env = build_environment(setup.clean_env, options.compile.env.vars, setup.env_overlay);
  return true;
}

std::string verbose_summary(const PolicyGraph& graph, const Plan& plan, int host_abi) {
  std::ostringstream s;
  s << "sandlock: profile " << graph.name << " at Landlock ABI " << plan.landlock.abi;
  // Nothing a profile can name is lost: it names only protections sandlock knows.
  if (host_abi > kMaxLandlockAbi) s << " (this kernel has ABI " << host_abi << "; sandlock knows up to " << kMaxLandlockAbi << ")";
  s << "\n";
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
  PolicyGraph& graph = *compiled.graph;
  // The account's own default cache too: a run with another HOME (or none) must not let the
  // sandbox plant entries where the user's ordinary runs look.
  std::vector<std::string> homes;
  if (options.account_uid)
    if (const auto passwd = reader.read("/etc/passwd"))
      if (auto home = passwd_home(*passwd, *options.account_uid)) homes.push_back(std::move(*home));
  deny_own_state(graph, own_state_directories(options.compile.env.vars, homes), fs, compiled.diagnostics);
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
  if (!build_env(options, graph, setup, why)) {
    err = "sandlock: " + why + "\n";
    return std::nullopt;
  }
  if (graph.program && graph.program->cwd) req.cwd = graph.program->cwd->value;
  for (const auto& [k, v] : graph.limits) req.limits[k] = v.value;
  req.timeout_seconds = options.timeout_seconds;
  req.verbose = options.verbose;
  if (options.verbose) setup.notes += verbose_summary(graph, *lowered.plan, host_abi);
  req.plan = std::move(*lowered.plan);
  return setup;
}

namespace {

// The plan as a cache entry: what run_entry() launches, here and in the small launcher.
std::optional<CachedRun> make_entry(const RunInvocation& inv, const RunArgs& run, const RunSetup& setup,
                                    const FactLog& log, std::string& err) {
  CachedRun entry;
  if (auto e = prepare_launch(setup.request, entry.launch)) {
    err = "sandlock: " + e->step + " failed: " + e->message + "; the command was not run\n";
    return std::nullopt;
  }
  entry.launch.env.clear();  // built at each run from the host's and these two
  entry.clean_env = setup.clean_env;
  entry.env_overlay = setup.env_overlay;
  if (!run.command.empty()) entry.launch.argv.clear();  // the launcher takes it from after `--`
  entry.key_args = run.key;
  entry.cwd = inv.cwd;
  entry.facts = log.facts();
  entry.notes = setup.notes;
  return entry;
}

// Stores the entry unless the cache is off or the entry would not mean this run: the
// small launcher takes the command from after the first `--`, so that must be what the
// command line parser took too.
void store_in_cache(const RunInvocation& inv, const RunArgs& run, const std::string& engine_path, CachedRun& entry,
                    const FactLog& log, std::ostream& err) {
  if (cache_mode(inv.environment) == CacheMode::Off || !log.consistent() || inv.cwd.empty()) return;
  // Exactly what follows `--`, or nothing on either side (the profile's program): a command
  // given without `--` is not cached, since the launcher would not see where it starts.
  if (run.command != inv.options.command) return;
  const auto dir = cache_directory(inv.environment);
  entry.engine_path = engine_path;
  entry.engine_identity = observe(FactKind::FileIdentity, engine_path, inv.environment);
  if (!dir || engine_path.empty() || !entry.engine_identity) return;
  // An engine replaced since it started (an upgrade) would have this plan stored under the
  // new one's identity, and used by it: only the engine that made the plan may store it.
  if (!disk::is_running_binary(engine_path)) return;
  std::string why;
  const std::string name = entry_file_name(geteuid(), inv.cwd, run.key);
  const bool stored = store_entry(*dir, name, encode_entry(entry), why);
  if (inv.options.verbose)
    err << "sandlock: " << (stored ? "plan cached in " + *dir + "/" + name : "plan not cached: " + why) << "\n";
}

}  // namespace

int cmd_run(const RunInvocation& inv, Kernel& kernel, std::ostream& err) {
  // The launcher takes the command from after the first `--`. An option that took `--` as its
  // value (the parser lets --policy-path and others) would make the two disagree about where
  // the command starts, and a cached run drop what a fresh one reads as options.
  const auto is_dashes = [](const std::string& s) { return s == "--"; };
  const auto& o = inv.options;
  if (is_dashes(o.profile) || std::any_of(inv.policy_path_flags.begin(), inv.policy_path_flags.end(), is_dashes) ||
      std::any_of(o.env.begin(), o.env.end(), is_dashes) ||
      std::any_of(o.overrides.begin(), o.overrides.end(), [&](const auto& x) { return is_dashes(x.name); })) {
    err << "sandlock: '--' ends the options; an option before it lacks its value\n";
    return 125;
  }
  std::error_code ec;
  const std::string engine_path = std::filesystem::canonical(inv.engine_binary, ec).string();
  // Every input is asked through the log, so the plan cache knows what the plan depends on.
  FactLog log(inv.environment);
  RunOptions options = inv.options;
  options.account_uid = geteuid();  // the plan cache's entries are per effective uid too
  log.ask(FactKind::Env, "SANDLOCK_POLICY_PATH");
  const std::string shipped = shipped_policies_dir(
      inv.shipped_policies, [&](const std::string& p) { return log.ask_bool(FactKind::Directory, p); });
  options.compile = make_compile_options(inv.policy_path_flags, inv.environment, inv.cwd, shipped);
  std::vector<std::string> looked_up;
  options.compile.env.looked_up = &looked_up;
  options.profile = resolve_profile_argument(options.profile, options.compile, [&](const std::string& p) {
    return log.ask_bool(FactKind::RegularFile, p);
  });
  // The cache directory exists before the profile is lowered: a grant that reaches it lists
  // the directories it is carved out of (own_state.h), and must find them as later runs will.
  if (const auto dir = cache_directory(inv.environment); dir && cache_mode(inv.environment) != CacheMode::Off) {
    std::string ignored;
    make_cache_directory(*dir, ignored);
  }
  RecordingReader reader(log);
  RecordingFsView fs(log);
  std::string why;
  auto setup = prepare_run(options, reader, kernel, fs, why);
  if (!setup) {
    err << why << std::flush;
    return kExitSandlockError;
  }
  for (const auto& name : looked_up)
    if (name != "PWD") log.ask(FactKind::Env, name);  // ${PWD} is the working directory, part of the key
  for (const char* name : {"HOME", "SANDLOCK_CACHE_DIR"}) log.ask(FactKind::Env, name);  // own_state_directories
  log.record(FactKind::LandlockAbi, "", std::to_string(kernel.landlock_abi()));
  log.ask(FactKind::Kernel, "");
  record_mapped_files(log, engine_path);  // the engine's own identity is checked on its own

  if (setup->request.plan.needs_supervisor) {
    // Host names are resolved at every start, so such a plan is never cached.
    err << setup->notes << std::flush;
    std::string launch_error;
    setup->request.kill_every_child = true;  // this process exists for the run: its children are the sandbox's
    const int status = launch(setup->request, launch_error);
    if (!launch_error.empty()) err << "sandlock: " << launch_error << "\n" << std::flush;
    return status;
  }
  const RunArgs run = split_run_args(inv.args);
  auto entry = make_entry(inv, run, *setup, log, why);
  if (!entry) {
    err << setup->notes << why << std::flush;
    return kExitSandlockError;
  }
  store_in_cache(inv, run, engine_path, *entry, log, err);
  err << std::flush;
  return run_entry(std::move(*entry), setup->request.argv, inv.environment);
}

}  // namespace sandlock
