// What the commands share: compile options from the process environment, and the
// outcome of a command (its output and exit status), so cli/ only parses and prints.
#pragma once

#include <string>
#include <vector>

#include "engine/compile/graph.h"
#include "engine/diag/render.h"

namespace sandlock {

struct CommandResult {
  std::string out;  // for stdout
  std::string err;  // for stderr
  int exit_code = 0;
};

// Environment as a name → value map (from `environ`).
std::map<std::string, std::string> environment_map(char** envp);

// --policy-path flags, then SANDLOCK_POLICY_PATH (':'-separated), the working directory
// for ${PWD}, and the shipped policies directory.
CompileOptions make_compile_options(const std::vector<std::string>& policy_path_flags,
                                    const std::map<std::string, std::string>& env, const std::string& pwd,
                                    const std::string& shipped_policies);

// The shipped policies directory: next to the binary (../share/sandlock/policies) when
// installed, else the source tree's policies/.
std::string shipped_policies_dir(const std::string& compiled_in_default);

// Expands directories into every *.yaml, *.yml and *.toml beneath them, sorted (except
// NAME.test.yaml sidecars of `sandlock test`).
std::vector<std::string> expand_profile_paths(const std::vector<std::string>& paths, Diagnostics& diagnostics);

}  // namespace sandlock

namespace sandlock {
// `--profile FILE|NAME`: an existing file is used as is; otherwise NAME is looked up
// (with .yaml, .yml, .toml) on the policy path and then the shipped policies.
std::string resolve_profile_argument(const std::string& arg, const CompileOptions& options);
}  // namespace sandlock
