#include "engine/apply/supervisor.h"

#include "engine/apply/pidfd.h"

#include <poll.h>
#include <seccomp.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

namespace sandlock {
namespace {

// Linux 6.6: wake the notifying task and the supervisor on the same CPU, synchronously,
// which takes most of the scheduling latency out of every round trip. Absent from Debian
// 12's headers; best effort (older kernels refuse it and keep the ordinary wake-ups).
constexpr unsigned long kNotifSetFlags = _IOW('!', 4, std::uint64_t);  // SECCOMP_IOCTL_NOTIF_SET_FLAGS
constexpr std::uint64_t kSyncWakeUp = 1;                                 // SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP

struct NotifyBuffers {
  seccomp_notif* req = nullptr;
  seccomp_notif_resp* resp = nullptr;
  NotifyBuffers() { seccomp_notify_alloc(&req, &resp); }
  ~NotifyBuffers() { seccomp_notify_free(req, resp); }
  NotifyBuffers(const NotifyBuffers&) = delete;
  NotifyBuffers& operator=(const NotifyBuffers&) = delete;
};

}  // namespace

Supervisor::Supervisor(UniqueFd listener, std::shared_ptr<const DestinationPolicy> policy,
                       std::unique_ptr<DomainAgent> agent)
    : listener_(std::move(listener)),
      wake_(eventfd(0, EFD_CLOEXEC)),
      policy_(std::move(policy)),
      agent_(std::move(agent)) {
  ioctl(listener_.get(), kNotifSetFlags, kSyncWakeUp);
  const std::lock_guard lock(mu_);
  threads_.emplace_back([this] { serve(); });
}

Supervisor::~Supervisor() { stop(); }

void Supervisor::stop() {
  {
    const std::lock_guard lock(mu_);
    stopping_ = true;
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = write(wake_.get(), &one, sizeof one);
  in_flight_.shutdown_all();
  leader_gone_.notify_all();
  // No thread is spawned once stopping_ is set, so the list is final (and this idempotent).
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
  // Calls received but not answered get no answer from us: closing the listener fails
  // them, and every later one (ENOSYS).
  listener_.reset();
}

void Supervisor::serve() {
  NotifyBuffers buffers;
  SupervisedCall call;
  std::unique_lock lock(mu_);
  for (;;) {
    ++idle_;
    leader_gone_.wait(lock, [this] { return stopping_ || listener_done_ || !has_leader_; });
    --idle_;
    if (stopping_ || listener_done_) return;
    has_leader_ = true;
    lock.unlock();
    const bool got = buffers.req && receive(*buffers.req, call);
    lock.lock();
    has_leader_ = false;
    if (!got) {
      listener_done_ = true;  // every thread leaves; stop() still joins them and closes the listener
      leader_gone_.notify_all();
      return;
    }
    // Hand the waiting over before answering (which may block): to an idle thread, or a new one.
    // Notified after unlocking: a follower woken while we hold the lock would preempt us only
    // to block on it, and cost two more context switches per call.
    if (idle_ == 0 && !stopping_ && threads_.size() < kMaxWorkers) threads_.emplace_back([this] { serve(); });
    lock.unlock();
    leader_gone_.notify_one();
    answer(call);
    lock.lock();
  }
}

// Only the leader calls this, so after POLLIN the receive cannot block: a call withdrawn
// meanwhile (its task died) makes it fail with ENOENT instead.
bool Supervisor::receive(seccomp_notif& req, SupervisedCall& call) {
  pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (fds[1].revents) return false;
    if (fds[0].revents & POLLIN) {
      std::memset(&req, 0, sizeof req);  // the kernel requires a zeroed buffer
      if (seccomp_notify_receive(listener_.get(), &req) != 0) continue;
      const seccomp_notif& n = req;
      call = SupervisedCall{n.id, static_cast<pid_t>(n.pid), n.data.nr, {}};
      std::copy(std::begin(n.data.args), std::end(n.data.args), call.args.begin());
      return true;
    }
    if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) return false;  // no task is left under the filter
  }
}

void Supervisor::answer(const SupervisedCall& call) {
  const CallAnswer a = answer_call(CallContext{*policy_, listener_.get(), in_flight_, agent_.get()}, call);
  seccomp_notif_resp resp{};
  resp.id = call.id;
  resp.val = a.error ? 0 : a.val;
  resp.error = -a.error;
  resp.flags = 0;  // never SECCOMP_USER_NOTIF_FLAG_CONTINUE: see supervised_calls.h
  // ENOENT: the caller died or was interrupted meanwhile; nobody is waiting for the answer.
  seccomp_notify_respond(listener_.get(), &resp);
  if (a.signal) sys::pidfd_send_signal(a.signal_target.get(), a.signal);
}

}  // namespace sandlock
