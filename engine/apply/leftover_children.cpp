#include "engine/apply/leftover_children.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <string>
#include <string_view>

#include "engine/util/disk.h"

namespace sandlock {
namespace {

// "pid (comm) state ppid ...": comm may hold spaces and parentheses, so the fields are
// counted from its last ')'.
pid_t parent_in_stat(std::string_view stat) {
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos || close + 4 >= stat.size()) return -1;
  const std::string_view rest = stat.substr(close + 4);  // past ") S "
  pid_t ppid = -1;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), ppid);
  return ec == std::errc() ? ppid : -1;
}

bool has_children() {
  siginfo_t info{};
  int rc;
  while ((rc = waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT)) != 0 && errno == EINTR) {
  }
  return rc == 0;  // ECHILD: none
}

}  // namespace

std::vector<pid_t> own_children() {
  std::vector<pid_t> out;
  if (!has_children()) return out;
  DIR* proc = opendir("/proc");
  if (!proc) return out;
  const pid_t self = getpid();
  while (const dirent* entry = readdir(proc)) {
    const std::string_view name = entry->d_name;
    pid_t pid = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (ec != std::errc() || end != name.data() + name.size() || pid == self) continue;
    const auto stat = disk::read_file("/proc/" + std::string(name) + "/stat");
    if (stat && parent_in_stat(*stat) == self) out.push_back(pid);
  }
  closedir(proc);
  return out;
}

void kill_leftover_children(const std::vector<pid_t>& spared) {
  for (;;) {
    std::vector<pid_t> children = own_children();
    std::erase_if(children, [&](pid_t pid) { return std::find(spared.begin(), spared.end(), pid) != spared.end(); });
    if (children.empty()) return;  // the usual end: one waitid, no /proc scan
    for (const pid_t pid : children) kill(pid, SIGKILL);
    for (const pid_t pid : children)
      while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
  }
}

}  // namespace sandlock
