// pidfds of the sandbox's calling tasks, kept across supervised calls. On a VM, opening and
// closing a pidfd for every call cost more than all the other checks of a connect together.
//
// Why a cached pidfd is as good as a fresh one: a pidfd holds the tid's struct pid, and a
// tid's number is only handed out again once no task holds it; from then on the old struct
// pid has no task and pidfd_getfd on it fails with ESRCH. So while a cached pidfd's task
// lives it is the task that holds the tid now, and when it does not, `reopen` replaces it.
//
// A pidfd opened from a tid number is only known to be the caller's once the caller's
// notification is seen live after the opening (the caller held the tid throughout): its
// first use checks that, and `prove` records it. A proven pidfd needs no such check again
// when the call takes the caller's socket through it *after* its last read of the caller's
// memory: pidfd_getfd succeeding shows the task still held the tid, so the tid named that
// task at the read too (tasks do not come back), and the call came from it. (One exception,
// harmless: an exec by another thread of the caller's group kills the caller and hands it
// its tid; a call racing that acts on the exec'ing thread's socket under the same number,
// still only as the policy allows, where a live check would have dropped it.)
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "engine/apply/unique_fd.h"

namespace sandlock {

using TaskHandle = std::shared_ptr<const UniqueFd>;  // shared: another thread may evict it meanwhile

struct OpenedTask {
  TaskHandle handle;    // null when the task is gone
  bool proven = false;  // see prove()
};

class TaskHandles {
 public:
  // Bounds the open pidfds: beyond it the cache starts afresh (tids of exited tasks pile up).
  static constexpr std::size_t kMaxCached = 256;

  // A pidfd for `tid`'s fd table, cached when it is the tid's own (not, before Linux 6.9,
  // the thread group's of a thread that is not its leader).
  OpenedTask open(pid_t tid);
  // After pidfd_getfd on `stale` failed with ESRCH: drops it and opens afresh.
  OpenedTask reopen(pid_t tid, const TaskHandle& stale);
  // Records that a notification from `tid` was checked live after `handle` was opened, so
  // `handle` is the task that held `tid` then. Only a cached handle (the tid's own pidfd)
  // can be proven: a thread group's pidfd says nothing about one of its threads.
  void prove(pid_t tid, const TaskHandle& handle);

 private:
  struct Entry {
    TaskHandle handle;
    bool proven = false;
  };
  std::mutex mu_;
  std::unordered_map<pid_t, Entry> cached_;
};

}  // namespace sandlock
