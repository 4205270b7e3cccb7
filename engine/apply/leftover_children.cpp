#include "engine/apply/leftover_children.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <charconv>
#include <string>
#include <string_view>

#include "engine/apply/task_status.h"
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

// Seccomp_filters in /proc/<pid>/status; -1 when it cannot be read.
long long seccomp_filters(pid_t pid) {
  const auto status = read_task_status(pid);
  return status ? static_cast<long long>(status_field(*status, "Seccomp_filters", 10)) : -1;
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
  const long long ours = seccomp_filters(getpid());
  std::vector<pid_t> left_alone = spared;  // and those not in the sandbox, or that cannot be killed
  const auto left = [&](pid_t pid) { return std::find(left_alone.begin(), left_alone.end(), pid) != left_alone.end(); };
  // Bounded: a chain of processes that each fork and exit could otherwise keep us here.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<pid_t> children = own_children();
    std::erase_if(children, left);
    if (children.empty()) return;  // the usual end: one waitid, no /proc scan
    std::vector<pid_t> killed;
    for (const pid_t pid : children) {
      if (ours >= 0 && seccomp_filters(pid) > ours && kill(pid, SIGKILL) == 0) killed.push_back(pid);
      else left_alone.push_back(pid);
    }
    for (const pid_t pid : killed)
      while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
  }
}

}  // namespace sandlock
