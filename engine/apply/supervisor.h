// The network supervisor: answers the sandbox's seccomp user notifications (connect,
// sendto with an address, sendmsg, sendmmsg, and bind when Landlock cannot keep the bind
// list) from threads of the sandlock process.
//
// A pool of threads blocks in the kernel's receive (SECCOMP_IOCTL_NOTIF_RECV), which hands
// each call to exactly one of them, on the caller's CPU. The thread that takes the last
// waiting place starts another (up to a bound) before answering, so a blocking connect made
// on behalf of one thread never stalls the others, and an answered call costs no wake-up of
// any other thread. Fail closed: once the supervisor stops, the listener is closed and every
// supervised call of the sandbox fails (ENOSYS from the kernel).
#pragma once

#include <atomic>
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

  void add_worker();  // under mu_
  void serve(Worker& self);
  // Blocks for one call; false when stopping or the listener failed.
  bool receive(SupervisedCall& call);
  void answer(const SupervisedCall& call);

  UniqueFd listener_;
  std::shared_ptr<const DestinationPolicy> policy_;
  std::unique_ptr<DomainAgent> agent_;
  InFlightSockets in_flight_;
  TaskHandles tasks_;

  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> waiting_{0};  // threads in, or on their way into, the receive
  std::mutex mu_;
  std::condition_variable worker_done_;
  std::list<Worker> workers_;  // only grows, under mu_ (a list: serve() keeps a reference)
};

}  // namespace sandlock
