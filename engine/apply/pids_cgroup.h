// A pids cgroup for one sandbox: the only `processes` limit that binds root (RLIMIT_NPROC
// does not, and counts every process of the user). Created below the launcher's own pids
// cgroup (cgroup v1 pids hierarchy, or cgroup2 when pids is delegated there).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sandlock {

class PidsCgroup {
 public:
  // nullopt with `why` when no pids cgroup can be made here.
  static std::optional<PidsCgroup> create(std::uint64_t max_pids, std::string& why);

  PidsCgroup(PidsCgroup&& other) noexcept;
  PidsCgroup& operator=(PidsCgroup&& other) noexcept;
  PidsCgroup(const PidsCgroup&) = delete;
  ~PidsCgroup();  // kills what is left inside and removes the directory

  const std::string& dir() const { return dir_; }
  std::string procs_file() const { return dir_ + "/cgroup.procs"; }
  std::vector<pid_t> members() const;
  void kill_all() const;  // SIGKILL every member (those that left the process group too)

 private:
  explicit PidsCgroup(std::string dir) : dir_(std::move(dir)) {}
  void remove();
  std::string dir_;
};

// Moves the calling process into the cgroup whose cgroup.procs is `procs_file`.
// Async-signal-safe enough for a forked child: open/write/close only. Returns 0 or errno.
int join_cgroup(const char* procs_file);

}  // namespace sandlock
