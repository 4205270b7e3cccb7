#include "engine/app/options.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace sandlock {

namespace fs = std::filesystem;

CompileOptions make_compile_options(const std::vector<std::string>& policy_path_flags,
                                    const std::map<std::string, std::string>& env, const std::string& pwd,
                                    const std::string& shipped_policies) {
  CompileOptions options;
  options.policy_path = policy_path_flags;
  if (auto it = env.find("SANDLOCK_POLICY_PATH"); it != env.end()) {
    std::size_t i = 0;
    const std::string& s = it->second;
    while (i <= s.size()) {
      const std::size_t j = std::min(s.find(':', i), s.size());
      if (j > i) options.policy_path.push_back(s.substr(i, j - i));
      i = j + 1;
    }
  }
  options.shipped_policies = shipped_policies;
  options.env.vars = env;
  options.env.pwd = pwd;
  return options;
}

std::string shipped_policies_dir(const std::string& compiled_in_default, const PathTest& is_directory) {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "sandlock" / "policies";
    if (is_directory(installed.string())) return installed.string();
  }
  return compiled_in_default;
}

std::vector<std::string> expand_profile_paths(const std::vector<std::string>& paths, Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const auto ext = it->path().extension();
        // NAME.test.yaml files are `sandlock test` sidecars (assertions), not profiles.
        const bool sidecar = it->path().filename().string().ends_with(".test.yaml");
        if (it->is_regular_file(ec) && !sidecar && (ext == ".yaml" || ext == ".yml" || ext == ".toml"))
          found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      diagnostics.push_back(error_at("file.missing", Location{p, 0, 0}, "", "no such file or directory"));
    }
  }
  return out;
}

}  // namespace sandlock

namespace sandlock {

std::string resolve_profile_argument(const std::string& arg, const CompileOptions& options,
                                     const PathTest& is_regular_file) {
  if (is_regular_file(arg)) return arg;
  std::vector<std::string> dirs = options.policy_path;
  if (!options.shipped_policies.empty()) dirs.push_back(options.shipped_policies);
  for (const auto& dir : dirs)
    for (const char* ext : {"", ".yaml", ".yml", ".toml"}) {
      const fs::path candidate = fs::path(dir) / (arg + ext);
      if (is_regular_file(candidate.string())) return candidate.string();
    }
  return arg;  // compile reports it as unreadable
}

}  // namespace sandlock
