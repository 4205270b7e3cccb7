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

#include "engine/apply/confine.h"
#include "engine/apply/environment.h"
#include "engine/lower/plan.h"
#include "engine/plancache/facts.h"

namespace sandlock {

// The engine binary, as stat(2) sees it: a rebuilt or replaced engine invalidates every entry.
struct BinaryIdentity {
  std::uint64_t device = 0, inode = 0, size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const BinaryIdentity&) const = default;
};
std::optional<BinaryIdentity> identify_binary(const std::string& path);

struct CachedRun {
  std::string engine_path;  // the engine that made it: its shipped policies are beside it
  BinaryIdentity engine;
  std::vector<std::string> key_args;  // the `run` options before `--` (command_line.h)
  std::string cwd;
  std::vector<Fact> facts;

  std::vector<std::string> command;  // used when nothing follows `--`
  bool clean_env = false;
  EnvList env_overlay;  // the profile's variables, then --env
  std::string workdir;  // program.cwd; empty: stay
  std::map<std::string, std::uint64_t> limits;
  std::optional<double> timeout_seconds;
  bool verbose = false;
  LandlockPlan landlock;
  PreparedSeccomp seccomp;
  std::uint64_t seccomp_rules = 0;
  std::string notes;  // printed on stderr before the command starts, as the engine does

  bool operator==(const CachedRun& o) const;
};

std::string encode_entry(const CachedRun& entry);
// nullopt for anything that is not exactly an entry of this format (truncated, trailing
// bytes, counts past the end, unknown kinds) or that no engine makes (a BPF program longer
// than the kernel takes, a timeout that is not a positive finite number): the cache then
// misses, never crashes.
std::optional<CachedRun> decode_entry(std::string_view bytes);

}  // namespace sandlock
