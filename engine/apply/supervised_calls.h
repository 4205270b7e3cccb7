// One seccomp notification, answered: the supervisor copies the call's address(es) out of
// the sandboxed task, checks the copy, and performs the operation itself on a duplicate of
// the task's socket (pidfd_getfd) with that copy. It never lets the kernel re-run a call
// (that re-reads memory and fd numbers the sandbox can change in between).
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "engine/apply/destinations.h"
#include "engine/apply/domain_agent.h"
#include "engine/apply/task_handles.h"
#include "engine/apply/unique_fd.h"

namespace sandlock {

struct SupervisedCall {
  std::uint64_t id = 0;  // the notification's cookie
  pid_t pid = 0;         // the calling thread
  int nr = 0;            // native syscall number
  std::array<std::uint64_t, 6> args{};
  // TaskHandles::mark() taken before the call was received. Too low is safe (the live check
  // is made); too high would let a pidfd opened after the receive vouch for the call.
  std::uint64_t handles_before = 0;
};

struct CallAnswer {
  std::int64_t val = 0;  // the syscall's return value when error == 0
  int error = 0;         // positive errno
  // Sent to the caller once answered (SIGPIPE after EPIPE, as the kernel would): a signal
  // sent while the caller still waits would interrupt and restart its call instead.
  int signal = 0;
  TaskHandle signal_target;  // the caller's pidfd, when `signal` is set
};

// Socket duplicates an operation is running on, so stopping can abort blocked calls, and a
// caller with a signal to handle can have its call interrupted.
class InFlightSockets {
 public:
  // `caller`: the calling thread. `here`: the operation runs in this thread, where a signal
  // interrupts it; otherwise a domain agent's worker makes it, interruptible once
  // made_by_worker() names that worker.
  void add(int fd, pid_t caller, bool here);
  // The pidfd of the worker making the operation on `fd`, or -1 once it is done with it.
  void made_by_worker(int fd, int pidfd);
  void remove(int fd);
  // shutdown(2) on every one: a blocked connect or send returns at once.
  void shutdown_all();
  // A caller waits for its answer killable only (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV),
  // so a signal it catches waits too. For each such caller, sends `signal` to the thread
  // making its call here, or agent_interrupt_signal() to the worker making it (a no-op
  // handler, no SA_RESTART, in both): a blocked connect or send then fails with EINTR,
  // which the caller gets, and its handler runs, as without a sandbox. Called every tick;
  // a caller's signals are read (/proc) on the ticks after it is first seen numbered 1, 2,
  // 4, 8 and 16, then every 16th: a call blocked for long costs a read every 16 ticks, not
  // every tick (64 blocked calls cost a third of a CPU so).
  void interrupt_signalled_callers(int signal);
  // Whether any operation is in progress for a caller (the watchdog keeps looking while
  // there is one). That includes unix calls whose worker is not named yet, and the rare
  // ones the first agent makes itself, which cannot be interrupted: a name arrives without
  // waking the watchdog, so it must not be asleep.
  bool any_interruptible();

 private:
  struct Operation {
    int fd = -1;  // the duplicate: open, so unique, while it is here
    pid_t caller = 0;
    bool here = false;
    pthread_t thread{};
    int worker = -1;  // the pidfd of the worker making it, when not here
    unsigned looks = 0;  // how many times interrupt_signalled_callers() has seen it
  };
  std::mutex mu_;
  // A handful at most (one per supervisor thread); a vector keeps its room, so adding one
  // allocates nothing once warm.
  std::vector<Operation> ops_;
};

struct CallContext {
  const DestinationPolicy& policy;
  int listener;  // for seccomp_notify_id_valid
  InFlightSockets& in_flight;
  TaskHandles& tasks;
  DomainAgent* agent;  // makes the calls on other sockets; null: they are refused (EACCES)
};

// connect, sendto, sendmsg, sendmmsg and bind. Calls on AF_INET/AF_INET6 sockets are
// checked and made here; calls on other sockets (unix, netlink) are made as they are by the
// domain agent, inside the sandbox's Landlock domain. Nothing is ever left to the kernel
// to re-run. Anything else is refused (EACCES).
CallAnswer answer_call(const CallContext& ctx, const SupervisedCall& call);

}  // namespace sandlock
