#include "engine/apply/supervisor.h"

#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <chrono>
#include <system_error>

#include "engine/apply/pidfd.h"

namespace sandlock {
namespace {

// Linux 6.6: wake the notifying task and the supervisor on the same CPU, synchronously,
// which takes most of the scheduling latency out of every round trip. Absent from Debian
// 12's headers; best effort (older kernels refuse it and keep the ordinary wake-ups).
constexpr unsigned long kNotifSetFlags = _IOW('!', 4, std::uint64_t);  // SECCOMP_IOCTL_NOTIF_SET_FLAGS
constexpr std::uint64_t kSyncWakeUp = 1;                                 // SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP

// A thread blocked in the receive wakes for a call or a signal only (closing the listener
// does not wake it), so stop() interrupts them with this one. Its handler does nothing and
// is installed without SA_RESTART, which makes the receive fail with EINTR.
int stop_signal() { return SIGRTMIN + 4; }

void install_stop_handler() {
  struct sigaction sa {};
  sa.sa_handler = [](int) {};
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(stop_signal(), &sa, nullptr);
}

void unblock_stop_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, stop_signal());
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace

Supervisor::Supervisor(UniqueFd listener, std::shared_ptr<const DestinationPolicy> policy,
                       std::unique_ptr<DomainAgent> agent)
    : listener_(std::move(listener)), policy_(std::move(policy)), agent_(std::move(agent)) {
  install_stop_handler();
  ioctl(listener_.get(), kNotifSetFlags, kSyncWakeUp);
  {
    const std::lock_guard lock(mu_);
    // Without a receiver every supervised call would wait forever: refuse to start.
    if (!add_worker()) throw std::system_error(EAGAIN, std::generic_category(), "starting a supervisor thread");
  }
  // Without the watchdog a call held up (a unix connect waiting for a peer that waits for
  // a supervised call itself) could stall the sandbox for good: refuse to start as well.
  try {
    watchdog_ = std::thread([this] { watch(); });
  } catch (...) {
    stop();
    throw;
  }
}

Supervisor::~Supervisor() { stop(); }

bool Supervisor::add_worker() {
  if (stopping_ || workers_.size() >= kMaxWorkers) return false;
  // The receiving place is the new thread's from now on, not once it runs: on a busy CPU
  // the watchdog would otherwise see nobody receiving and start thread after thread.
  receiving_.fetch_add(1);
  try {
    Worker& w = workers_.emplace_back();
    try {
      w.thread = std::thread([this, &w] { serve(w); });
      return true;
    } catch (...) {
      workers_.pop_back();
      throw;
    }
  } catch (...) {
    // No thread to be had (the sandbox may have used up the process limit): the calls wait
    // for the threads there are, and sandlock itself goes on (timeout, reaping, signals).
    receiving_.fetch_sub(1);
    return false;
  }
}

void Supervisor::stop() {
  std::unique_lock lock(mu_);
  stopping_ = true;  // under mu_: no worker is added from now on, so the list is final
  in_flight_.shutdown_all();
  promoted_.notify_all();
  watchdog_wake_.notify_all();
  taken_.fetch_add(1);  // wakes the watchdog if it waits for a call
  taken_.notify_all();
  // A signal that lands just before a thread enters the receive is lost, hence the retries.
  for (;;) {
    bool all_done = true;
    for (Worker& w : workers_) {
      if (w.done) continue;
      all_done = false;
      pthread_kill(w.thread.native_handle(), stop_signal());
    }
    if (all_done) break;
    worker_done_.wait_for(lock, std::chrono::milliseconds(2));
  }
  lock.unlock();
  if (watchdog_.joinable()) watchdog_.join();
  for (Worker& w : workers_)
    if (w.thread.joinable()) w.thread.join();
  // Calls received but not answered get no answer from us: closing the listener fails
  // them, and every later one (ENOSYS).
  listener_.reset();
}

void Supervisor::serve(Worker& self) {
  unblock_stop_signal();
  SupervisedCall call;
  // A new thread starts with the receiving place add_worker() reserved for it.
  for (bool receiving = !stopping_; receiving; receiving = become_receiver()) {
    const bool got = receive(call);
    if (got) {
      taken_.fetch_add(1);  // before leaving the place, so the watchdog never sees neither
      if (watchdog_idle_) taken_.notify_one();
    }
    receiving_.fetch_sub(1);
    if (!got) break;
    answer(call);
  }
  const std::lock_guard lock(mu_);
  self.done = true;
  worker_done_.notify_all();
}

bool Supervisor::become_receiver() {
  int nobody = 0;
  if (receiving_.compare_exchange_strong(nobody, 1)) return !stopping_;
  std::unique_lock lock(mu_);
  ++parked_;
  promoted_.wait(lock, [this] { return stopping_ || wanted_ > 0; });
  --parked_;
  if (stopping_) return false;
  --wanted_;  // the watchdog reserved the receiving place for this thread
  return true;
}

void Supervisor::watch() {
  std::unique_lock lock(mu_);
  std::uint32_t seen = taken_;
  while (!stopping_) {
    watchdog_wake_.wait_for(lock, kStallCheck);
    if (stopping_) break;
    if (gone_) {  // nothing more to serve: wait for stop()
      watchdog_wake_.wait(lock, [this] { return stopping_.load(); });
      break;
    }
    in_flight_.interrupt_signalled_callers(stop_signal());
    const std::uint32_t now = taken_;
    if (now != seen) {  // calls are being taken
      seen = now;
      continue;
    }
    if (receiving_ > 0) {
      // No call for a whole period and a thread receiving: unless a call is in progress
      // that a signal could interrupt, wait for the next call, not the clock (a sandbox
      // that makes no calls costs no wake-ups).
      if (!in_flight_.any_interruptible()) seen = wait_for_a_call(lock, now);
      continue;
    }
    // Nobody receives and no call was taken for a whole period: every thread is held up
    // in a call. Another receiver: a parked thread if there is one, else a new thread,
    // its receiving place reserved now. When there is none to be had (the bound, or no
    // thread), wait for a call to be taken instead of retrying on every tick.
    if (parked_ > wanted_) {
      ++wanted_;
      receiving_.fetch_add(1);
      promoted_.notify_one();
    } else if (!add_worker() && !in_flight_.any_interruptible()) {
      seen = wait_for_a_call(lock, now);
    }
  }
}

std::uint32_t Supervisor::wait_for_a_call(std::unique_lock<std::mutex>& lock, std::uint32_t taken) {
  lock.unlock();
  watchdog_idle_ = true;  // before looking at taken_: a thread taking a call then wakes us
  taken_.wait(taken);
  watchdog_idle_ = false;
  lock.lock();
  return taken_;
}

bool Supervisor::receive(SupervisedCall& call) {
  while (!stopping_) {
    seccomp_notif req{};  // the kernel requires a zeroed buffer
    // Load-bearing order: the mark must be taken before the receive (task_handles.h); one
    // taken after it would let a pidfd opened for a new owner of the tid vouch for the call.
    const std::uint64_t handles_before = tasks_.mark();
    if (ioctl(listener_.get(), SECCOMP_IOCTL_NOTIF_RECV, &req) == 0) {
      call = SupervisedCall{req.id, static_cast<pid_t>(req.pid), req.data.nr, {}, handles_before};
      std::copy(std::begin(req.data.args), std::end(req.data.args), call.args.begin());
      return true;
    }
    // EINTR: stop()'s signal. ENOENT: the call was withdrawn (its task died or was
    // signalled before it was taken), or (Linux 6.11+) no task of the sandbox is left,
    // which the receive would answer at once forever after: nothing is left to serve.
    if ((errno == ENOENT && sandbox_gone()) || (errno != EINTR && errno != ENOENT)) {
      gone_ = true;  // and on an error no other thread would fare better with
      return false;
    }
  }
  return false;
}

bool Supervisor::sandbox_gone() const {
  pollfd p{listener_.get(), POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
}

void Supervisor::answer(const SupervisedCall& call) {
  CallAnswer a;
  try {
    a = answer_call(CallContext{*policy_, listener_.get(), in_flight_, tasks_, agent_.get()}, call);
  } catch (...) {  // out of memory: refused, never left unanswered
    a = CallAnswer{};
    a.error = ENOMEM;
  }
  seccomp_notif_resp resp{};
  resp.id = call.id;
  resp.val = a.error ? 0 : a.val;
  resp.error = -a.error;
  resp.flags = 0;  // never SECCOMP_USER_NOTIF_FLAG_CONTINUE: see supervised_calls.h
  // ENOENT: the caller died or was interrupted meanwhile; nobody is waiting for the answer.
  // EINTR: the send waits for a lock interruptibly; only stop()'s signal gets here, and then
  // closing the listener fails the call anyway.
  while (ioctl(listener_.get(), SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0 && errno == EINTR && !stopping_) {
  }
  if (a.signal) sys::pidfd_send_signal(a.signal_target->get(), a.signal);
}

}  // namespace sandlock
