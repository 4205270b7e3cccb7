#include "engine/plancache/cached_run.h"

#include <unistd.h>

#include <algorithm>

#include "engine/apply/launch.h"
#include "engine/plancache/store.h"
#include "engine/util/disk.h"

namespace sandlock {
namespace {

void write_stderr(const std::string& text) { disk::write_all(STDERR_FILENO, text); }

CachedOutcome miss(std::string why) { return {false, 0, std::move(why)}; }

}  // namespace

RunArgs split_run_args(const std::vector<std::string>& args) {
  RunArgs out;
  const auto dashes = std::find(args.begin(), args.end(), "--");
  out.key.assign(args.begin(), dashes);
  if (dashes != args.end()) out.command.assign(dashes + 1, args.end());
  return out;
}

int run_entry(CachedRun entry, const std::vector<std::string>& command,
              const std::map<std::string, std::string>& host) {
  PreparedLaunch& launch = entry.launch;
  if (!command.empty()) launch.argv = command;
  launch.env = build_environment(entry.clean_env, host, entry.env_overlay);
  launch.kill_every_child = true;  // this process exists for the run: its children are the sandbox's
  write_stderr(entry.notes);
  std::string error;
  const int status = launch_prepared(launch, error);
  if (!error.empty()) write_stderr("sandlock: " + error + "\n");
  return status;
}

CachedOutcome run_cached(const std::vector<std::string>& args, char** envp, const std::string& engine_path) {
  const auto environment = environment_map(envp);
  if (cache_mode(environment) == CacheMode::Off) return miss("the plan cache is off (SANDLOCK_PLAN_CACHE=off)");
  const auto dir = cache_directory(environment);
  if (!dir) return miss("no cache directory (set HOME or SANDLOCK_CACHE_DIR)");
  const RunArgs run = split_run_args(args);
  const std::string cwd = disk::current_directory();
  if (cwd.empty()) return miss("the working directory cannot be read");
  std::string why;
  const std::string name = entry_file_name(geteuid(), cwd, run.key);
  const auto bytes = load_entry(*dir, name, why);
  if (!bytes) return miss(why);
  const auto entry = decode_entry(*bytes);
  if (!entry) return miss("the entry is damaged or from another version");
  if (entry->key_args != run.key || entry->cwd != cwd) return miss("the entry is for another command line");
  if (entry->engine_path != engine_path ||
      observe(FactKind::FileIdentity, engine_path, environment) != entry->engine_identity)
    return miss("the engine changed since the entry was made");
  if (!facts_hold(entry->facts, environment, why)) return miss(why + " changed");
  if (run.command.empty() && entry->launch.argv.empty()) return miss("the entry has no command");
  if (entry->launch.verbose) write_stderr("sandlock: plan from the plan cache: " + *dir + "/" + name + "\n");
  return {true, run_entry(std::move(*entry), run.command, environment), {}};
}

}  // namespace sandlock
