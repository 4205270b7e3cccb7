#include "engine/apply/environment.h"

#include <algorithm>

namespace sandlock {

std::map<std::string, std::string> environment_map(char** envp) {
  std::map<std::string, std::string> env;
  for (char** e = envp; e && *e; ++e) {
    std::string kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

void set_env(EnvList& env, const std::string& key, const std::string& value) {
  auto it = std::find_if(env.begin(), env.end(), [&](const auto& kv) { return kv.first == key; });
  if (it != env.end())
    it->second = value;
  else
    env.emplace_back(key, value);
}

EnvList build_environment(bool clean, const std::map<std::string, std::string>& host, const EnvList& overlay) {
  EnvList env;
  if (!clean)
    for (const auto& [k, v] : host) env.emplace_back(k, v);
  for (const auto& [k, v] : overlay) set_env(env, k, v);
  return env;
}

}  // namespace sandlock
