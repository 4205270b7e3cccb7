// pidfds of the sandbox's calling tasks, kept across supervised calls. On a VM, opening and
// closing a pidfd for every call cost more than all the other checks of a connect together.
//
// Why a cached pidfd is as good as a fresh one: a pidfd holds the tid's struct pid, and a
// tid's number is only handed out again once no task holds it; from then on the old struct
// pid has no task and pidfd_getfd on it fails with ESRCH. So while a cached pidfd's task
// lives it is the task that holds the tid now, and when it does not, `reopen` replaces it.
//
// A pidfd opened from a tid number before a call was received, through which the call then
// takes the caller's socket *after* its last read of the caller's memory, shows without a
// live-notification check that the read and the socket were the caller's: at the receive
// the caller was alive and held the tid; pidfd_getfd succeeding later shows the pidfd's
// struct pid still held it, so it held it all along since the opening, and the caller's is
// that struct pid (a number names one at a time; tasks do not come back). A pidfd opened
// after the receive shows nothing: the caller may have died and its tid passed to another
// task before the opening. Hence each opening's serial, and mark() taken before receiving.
// (One exception: when the caller is its thread group's leader, an exec by another thread
// of the group kills the caller and hands that thread the leader's tid; a call racing it
// can then read its address from that thread's memory (old image or new) and act on its
// descriptor of the same number: checked against the policy as any call, and nothing that
// thread could not have asked itself, but a live check would have dropped the call.)
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "engine/apply/unique_fd.h"

namespace sandlock {

using TaskHandle = std::shared_ptr<const UniqueFd>;  // shared: another thread may evict it meanwhile

struct OpenedTask {
  TaskHandle handle;  // null when the task is gone
  // The order of the opening among all of this cache's openings; kNever for a pidfd that is
  // not the tid's own (a thread group's), which never vouches for a thread.
  std::uint64_t serial = kNever;
  static constexpr std::uint64_t kNever = UINT64_MAX;

  // Whether it was opened before a call received after `mark` (see above).
  bool opened_before(std::uint64_t mark) const { return serial <= mark; }
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
  // Taken before receiving a call: every handle opened so far has a serial <= it.
  std::uint64_t mark() const { return opened_.load(); }

 private:
  std::atomic<std::uint64_t> opened_{0};
  std::mutex mu_;
  std::unordered_map<pid_t, OpenedTask> cached_;
};

}  // namespace sandlock
