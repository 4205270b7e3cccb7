// The command's environment: built the same way whether the plan was just compiled or
// comes from the plan cache.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sandlock {

using EnvList = std::vector<std::pair<std::string, std::string>>;

// Environment as a name → value map (from `environ`); the first of duplicate names wins, as
// with getenv.
std::map<std::string, std::string> environment_map(char** envp);

// Sets `key` in place when present, else appends it.
void set_env(EnvList& env, const std::string& key, const std::string& value);

// clean: only `overlay`; otherwise the host's environment (sorted by name) with `overlay`
// set on top, in order.
EnvList build_environment(bool clean, const std::map<std::string, std::string>& host, const EnvList& overlay);

}  // namespace sandlock
