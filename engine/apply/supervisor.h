// The network supervisor: answers the sandbox's seccomp user notifications (connect,
// sendto with an address, sendmsg, sendmmsg, and bind when Landlock cannot keep the bind
// list) from threads of the sandlock process. Leader/followers: one thread at a time waits
// on the listener; when a call arrives it hands the waiting to another thread (spawning one,
// up to a bound, if none is idle) and answers the call itself, so a blocking connect made on
// behalf of one thread does not stall the others, and a call costs one wake-up. Fail
// closed: once the supervisor stops, the listener is closed and every supervised call of
// the sandbox fails (ENOSYS from the kernel).
#pragma once

#include <seccomp.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/apply/destinations.h"
#include "engine/apply/domain_agent.h"
#include "engine/apply/supervised_calls.h"
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
  void serve();
  // Waits on the listener for one call; false when stopping or the listener is done.
  bool receive(seccomp_notif& req, SupervisedCall& call);
  void answer(const SupervisedCall& call);

  UniqueFd listener_;
  UniqueFd wake_;  // eventfd, written once by stop(): ends the leader's wait for good
  std::shared_ptr<const DestinationPolicy> policy_;
  std::unique_ptr<DomainAgent> agent_;
  InFlightSockets in_flight_;

  std::mutex mu_;
  std::condition_variable leader_gone_;
  std::vector<std::thread> threads_;  // only grows, under mu_
  std::size_t idle_ = 0;              // threads waiting to lead
  bool has_leader_ = false;
  bool stopping_ = false;       // stop() was called
  bool listener_done_ = false;  // the listener failed or lost its last task
};

}  // namespace sandlock
