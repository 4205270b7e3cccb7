// Running a `sandlock run` command line from the plan cache: the whole of the small
// launcher's work (cli/launcher.cpp), and the engine's own way to launch a plan it has just
// compiled, so both start the command the same way.
#pragma once

#include <string>
#include <vector>

#include "engine/plancache/entry.h"

namespace sandlock {

// The `run` arguments as the cache keys them: everything before the first `--` (the
// options, from "run" on), and the command after it (empty: the entry's own).
struct RunArgs {
  std::vector<std::string> key;
  std::vector<std::string> command;
};
RunArgs split_run_args(const std::vector<std::string>& args);

// Prints the entry's notes, then launches its plan with `command` (or the entry's own when
// empty) in an environment built from `host`. Returns the run's exit status. For the
// sandlock process only: every child it has when the command ends is killed.
int run_entry(CachedRun entry, const std::vector<std::string>& command,
              const std::map<std::string, std::string>& host);

struct CachedOutcome {
  bool ran = false;  // false: no usable entry (`why` says why); nothing was started
  int status = 0;
  std::string why;
};
// `args` is argv[1..] (starting with "run"); `engine_path` the engine binary the entry must
// have come from.
CachedOutcome run_cached(const std::vector<std::string>& args, char** envp, const std::string& engine_path);

}  // namespace sandlock
