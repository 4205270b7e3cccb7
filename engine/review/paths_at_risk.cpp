// The path classes lint and the exposure score treat as sensitive.
#include <algorithm>
#include <array>
#include <string_view>

#include "engine/compile/fs_trie.h"
#include "engine/review/lint.h"

namespace sandlock {
namespace {

constexpr std::array<std::string_view, 3> kSecretDirs{".ssh", ".gnupg", ".aws"};
// Writing any of these, or below the first group, changes the system for every program.
constexpr std::array<std::string_view, 7> kSystemTrees{"/etc", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/boot"};

bool at_or_below(std::string_view path, std::string_view dir) {
  return path == dir || (path.size() > dir.size() && path.substr(0, dir.size()) == dir && path[dir.size()] == '/');
}

}  // namespace

bool is_secret_path(const std::string& path) {
  const auto parts = split_path(path);
  return std::any_of(parts.begin(), parts.end(),
                     [](const std::string& p) { return std::find(kSecretDirs.begin(), kSecretDirs.end(), p) != kSecretDirs.end(); });
}

bool covers_home_secrets(const std::string& path) {
  const auto parts = split_path(path);
  if (parts.empty()) return true;
  if (parts[0] == "root") return parts.size() == 1;
  return parts[0] == "home" && parts.size() <= 2;
}

bool is_system_path(const std::string& path) {
  if (path == "/" || path == "/var") return true;
  return std::any_of(kSystemTrees.begin(), kSystemTrees.end(), [&](std::string_view d) { return at_or_below(path, d); });
}

}  // namespace sandlock
