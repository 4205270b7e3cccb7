#include "engine/apply/exec_search.h"

#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

namespace sandlock {
namespace {

constexpr const char* kDefaultPath = "/bin:/usr/bin";  // glibc's _CS_PATH
constexpr char kShell[] = "/bin/sh";

}  // namespace

std::vector<std::string> exec_candidates(const std::string& file, const std::optional<std::string>& path) {
  if (file.empty()) return {};
  if (file.find('/') != std::string::npos) return {file};
  if (file.size() > NAME_MAX) return {};
  std::vector<std::string> out;
  const std::string_view dirs = path ? std::string_view(*path) : std::string_view(kDefaultPath);
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string_view dir = dirs.substr(start, end - start);
    // glibc skips only an entry longer than its PATH_MAX-sized buffer; a too-long candidate
    // is left to execve, whose ENAMETOOLONG ends the search.
    if (dir.size() < PATH_MAX - 1) out.push_back(dir.empty() ? file : std::string(dir) + "/" + file);
    if (end == dirs.size()) break;
    start = end + 1;
  }
  return out;
}

ExecSearch::ExecSearch(const std::string& file, const std::optional<std::string>& path, char* const* argv)
    : candidates_(exec_candidates(file, path)),
      argv_(argv),
      search_(file.find('/') == std::string::npos),
      none_error_(file.empty() ? ENOENT : ENAMETOOLONG) {
  script_argv_.push_back(const_cast<char*>(kShell));
  script_argv_.push_back(nullptr);  // the candidate, filled in by the child
  for (std::size_t i = 1; argv[0] && argv[i]; ++i) script_argv_.push_back(argv[i]);
  script_argv_.push_back(nullptr);
}

int ExecSearch::exec(char* const envp[]) {
  if (candidates_.empty()) return none_error_;
  bool saw_eacces = false;
  int err = ENOENT;
  for (const std::string& c : candidates_) {
    execve(c.c_str(), argv_, envp);
    err = errno;
    if (err == ENOEXEC) {
      script_argv_[1] = const_cast<char*>(c.c_str());
      execve(kShell, script_argv_.data(), envp);
      err = errno;
    }
    if (!search_) return err;
    switch (err) {
      case EACCES: saw_eacces = true; break;
      case ENOENT: case ESTALE: case ENOTDIR: case ENODEV: case ETIMEDOUT: break;
      default: return err;
    }
  }
  return saw_eacces ? EACCES : err;
}

}  // namespace sandlock
