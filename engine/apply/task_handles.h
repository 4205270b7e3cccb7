// pidfds of the sandbox's calling tasks, kept across supervised calls. On a VM, opening and
// closing a pidfd for every call cost more than all the other checks of a connect together.
//
// Why a cached pidfd is as good as a fresh one: a pidfd holds the tid's struct pid, and a
// tid's number is only handed out again once no task holds it; from then on the old struct
// pid has no task and pidfd_getfd on it fails with ESRCH. So while a cached pidfd's task
// lives it is the task that holds the tid now, and when it does not, `reopen` replaces it.
// Callers still check the notification is live after reading the task and before acting,
// exactly as with a fresh pidfd.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "engine/apply/unique_fd.h"

namespace sandlock {

using TaskHandle = std::shared_ptr<const UniqueFd>;  // shared: another thread may evict it meanwhile

class TaskHandles {
 public:
  // Bounds the open pidfds: beyond it the cache starts afresh (tids of exited tasks pile up).
  static constexpr std::size_t kMaxCached = 256;

  // A pidfd for `tid`'s fd table, cached when it is the tid's own (not, before Linux 6.9,
  // the thread group's of a thread that is not its leader); null when the task is gone.
  TaskHandle open(pid_t tid);
  // After pidfd_getfd on `stale` failed with ESRCH: drops it and opens afresh.
  TaskHandle reopen(pid_t tid, const TaskHandle& stale);

 private:
  std::mutex mu_;
  std::unordered_map<pid_t, TaskHandle> cached_;
};

}  // namespace sandlock
