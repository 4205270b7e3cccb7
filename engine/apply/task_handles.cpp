#include "engine/apply/task_handles.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "engine/apply/pidfd.h"
#include "engine/apply/task_status.h"

namespace sandlock {
namespace {

constexpr unsigned kPidfdThread = 0x80;  // PIDFD_THREAD (O_EXCL), Linux 6.9

// The thread group a thread belongs to, from /proc (0 when unknown).
pid_t thread_group_of(pid_t tid) {
  const auto status = read_task_status(tid);
  return status ? static_cast<pid_t>(status_field(*status, "Tgid", 10)) : 0;
}

// A pidfd of the tid itself: with PIDFD_THREAD (Linux 6.9+) for any thread, without it for
// a thread-group leader. Before 6.9 another thread gets its group's pidfd, whose fd table
// threads share; that one is not cacheable: it outlives the thread, so it would still
// "work" after the tid passed to a thread of another process.
UniqueFd open_task(pid_t tid, bool& cacheable) {
  cacheable = true;
  int fd = sys::pidfd_open(tid, kPidfdThread);
  if (fd >= 0 || errno != EINVAL) return UniqueFd(fd);
  fd = sys::pidfd_open(tid, 0);
  if (fd >= 0 || errno != EINVAL) return UniqueFd(fd);
  cacheable = false;
  const pid_t group = thread_group_of(tid);  // checked live by the caller, as any pidfd
  // A thread made without CLONE_FILES (or after unshare(CLONE_FILES)) has a table of its
  // own, and the group's would give another descriptor under the same number: refused.
  constexpr int kKcmpFiles = 2;  // KCMP_FILES
  if (group <= 0 || syscall(SYS_kcmp, tid, group, kKcmpFiles, 0, 0) != 0) return UniqueFd();
  return UniqueFd(sys::pidfd_open(group, 0));
}

}  // namespace

OpenedTask TaskHandles::open(pid_t tid) {
  {
    const std::lock_guard lock(mu_);
    if (const auto it = cached_.find(tid); it != cached_.end()) return it->second;
  }
  bool cacheable = false;
  UniqueFd fd = open_task(tid, cacheable);
  if (!fd) return {};
  OpenedTask task{std::make_shared<const UniqueFd>(std::move(fd))};
  if (cacheable) {
    task.serial = opened_.fetch_add(1) + 1;  // after the opening: mark() sees it once it is done
    const std::lock_guard lock(mu_);
    if (cached_.size() >= kMaxCached) cached_.clear();
    cached_.insert_or_assign(tid, task);
  }
  return task;
}

OpenedTask TaskHandles::reopen(pid_t tid, const TaskHandle& stale) {
  {
    const std::lock_guard lock(mu_);
    if (const auto it = cached_.find(tid); it != cached_.end() && it->second.handle == stale) cached_.erase(it);
  }
  return open(tid);
}

}  // namespace sandlock
