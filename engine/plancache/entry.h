// A plan cache entry: one `sandlock run` command line's plan, ready to load (the Landlock
// rules, the seccomp program as BPF bytes, the launch settings), with everything needed to
// tell whether it still applies (the engine binary it came from, the command line, the
// working directory and the facts it was built from).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/apply/environment.h"
#include "engine/apply/launch.h"
#include "engine/lower/plan.h"
#include "engine/plancache/facts.h"

namespace sandlock {

struct CachedRun {
  std::string engine_path;  // the engine that made it: its shipped policies are beside it
  // observe(FactKind::FileIdentity, engine_path): a rebuilt or replaced engine misses.
  std::optional<std::string> engine_identity;
  std::vector<std::string> key_args;  // the `run` options before `--` (cached_run.h)
  std::string cwd;
  std::vector<Fact> facts;

  // What launch_prepared() takes, but for the environment, which is built at each run from
  // the host's (read then) and the two fields below; launch.argv is used when nothing
  // follows `--`; launch.supervision is always null (supervised plans are not cached).
  PreparedLaunch launch;
  bool clean_env = false;
  EnvList env_overlay;  // the profile's variables, then --env
  std::string notes;    // printed on stderr before the command starts, as the engine does

  bool operator==(const CachedRun& o) const;
};

std::string encode_entry(const CachedRun& entry);
// nullopt for anything that is not exactly an entry of this format (truncated, trailing
// bytes, counts past the end, unknown kinds) or that no engine makes (a BPF program longer
// than the kernel takes, a timeout that is not a positive finite number): the cache then
// misses, never crashes.
std::optional<CachedRun> decode_entry(std::string_view bytes);

}  // namespace sandlock
