// What the commands share: compile options from the process environment, and the
// outcome of a command (its output and exit status), so cli/ only parses and prints.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/apply/environment.h"
#include "engine/util/disk.h"

#include "engine/compile/graph.h"
#include "engine/diag/render.h"

namespace sandlock {

struct CommandResult {
  std::string out;  // for stdout
  std::string err;  // for stderr
  int exit_code = 0;
};


// --policy-path flags, then SANDLOCK_POLICY_PATH (':'-separated), the working directory
// for ${PWD}, and the shipped policies directory.
CompileOptions make_compile_options(const std::vector<std::string>& policy_path_flags,
                                    const std::map<std::string, std::string>& env, const std::string& pwd,
                                    const std::string& shipped_policies);

// The shipped policies directory: next to the binary (../share/sandlock/policies) when
// installed, else the source tree's policies/.
// A question about a path (is it a directory, a regular file): the disk by default; the
// run command asks through the plan cache's recorder instead.
using PathTest = std::function<bool(const std::string&)>;
std::string shipped_policies_dir(const std::string& compiled_in_default, const PathTest& is_directory = disk::is_directory);

// Expands directories into every *.yaml, *.yml and *.toml beneath them, sorted (except
// NAME.test.yaml sidecars of `sandlock test`).
std::vector<std::string> expand_profile_paths(const std::vector<std::string>& paths, Diagnostics& diagnostics);

}  // namespace sandlock

namespace sandlock {
// `--profile FILE|NAME`: an existing file is used as is; otherwise NAME is looked up
// (with .yaml, .yml, .toml) on the policy path and then the shipped policies.
std::string resolve_profile_argument(const std::string& arg, const CompileOptions& options,
                                     const PathTest& is_regular_file = disk::is_regular_file);
}  // namespace sandlock
