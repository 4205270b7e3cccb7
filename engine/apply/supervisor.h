// The network supervisor: answers the sandbox's seccomp user notifications (connect,
// sendto with an address, sendmsg, sendmmsg, and bind when Landlock cannot keep the bind
// list) from threads of the sandlock process.
//
// One thread at a time waits in the kernel's receive (SECCOMP_IOCTL_NOTIF_RECV), which
// wakes it on the caller's CPU; after answering, it goes back to the receive. Threads
// waiting there would all be woken by every call (since Linux 6.6 its wait queue is not
// exclusive; before, a semaphore woke one) for all but one to sleep again, so the others
// park in user space instead. A watchdog looks every few milliseconds: when nobody is
// receiving and no call was taken since it last looked (every thread is held up in a call,
// a connect that waits for its peer, say), it adds a receiver, up to a bound. So a blocking call never stalls the others for more than a few
// milliseconds, and an answered call costs no wake-up of any other thread. When calls stop
// coming, the watchdog sleeps until the next one. Fail closed: once the supervisor stops,
// the listener is closed and every supervised call of the sandbox fails (ENOSYS).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include "engine/apply/destinations.h"
#include "engine/apply/domain_agent.h"
#include "engine/apply/supervised_calls.h"
#include "engine/apply/task_handles.h"
#include "engine/apply/unique_fd.h"

namespace sandlock {

class Supervisor {
 public:
  static constexpr std::size_t kMaxWorkers = 64;
  // How long nobody may receive, with no call taken, before the watchdog adds a receiver.
  static constexpr std::chrono::milliseconds kStallCheck{2};

  // Starts answering on `listener` (a seccomp notification fd), which it owns from now on;
  // calls on non-inet sockets go to `agent` (null: refused).
  Supervisor(UniqueFd listener, std::shared_ptr<const DestinationPolicy> policy,
             std::unique_ptr<DomainAgent> agent = nullptr);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Aborts operations in flight, joins every thread and closes the listener. Idempotent.
  void stop();

 private:
  struct Worker {
    std::thread thread;
    bool done = false;  // under mu_: serve() has returned
  };

  // Under mu_: starts a thread that takes the receiving place, reserved for it at once;
  // false at the bound or when no thread could be started.
  bool add_worker();
  void serve(Worker& self);
  // Makes this thread the one that receives: at once when nobody does, else once the
  // watchdog asks for another receiver. False when stopping.
  bool become_receiver();
  // Blocks for one call; false when stopping, the listener failed or the sandbox is gone.
  bool receive(SupervisedCall& call);
  bool sandbox_gone() const;  // no task is left under the filter
  void answer(const SupervisedCall& call);
  void watch();
  // The watchdog's wait, `lock` released, until a call is taken after `taken` (or stop());
  // returns the count then.
  std::uint32_t wait_for_a_call(std::unique_lock<std::mutex>& lock, std::uint32_t taken);

  UniqueFd listener_;
  std::shared_ptr<const DestinationPolicy> policy_;
  std::unique_ptr<DomainAgent> agent_;
  InFlightSockets in_flight_;
  TaskHandles tasks_;

  std::atomic<bool> stopping_{false};
  std::atomic<bool> gone_{false};  // no task of the sandbox is left (or the receive fails): nothing to serve
  std::atomic<int> receiving_{0};         // threads in, or on their way into, the receive
  std::atomic<std::uint32_t> taken_{0};   // calls taken so far (wraps), for the watchdog
  std::atomic<bool> watchdog_idle_{false};  // it waits for taken_ to change
  std::mutex mu_;
  std::condition_variable promoted_;     // parked threads: a receiver is wanted, or stop
  std::condition_variable worker_done_;  // stop(): a thread has left serve()
  std::condition_variable watchdog_wake_;
  std::size_t parked_ = 0;  // under mu_
  std::size_t wanted_ = 0;  // under mu_: parked threads asked to become receivers
  std::list<Worker> workers_;  // only grows, under mu_ (a list: serve() keeps a reference)
  std::thread watchdog_;
};

}  // namespace sandlock
