#include "engine/apply/domain_agent.h"

#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <thread>

#include "engine/apply/confine.h"
#include "engine/lower/seccomp_build.h"

namespace sandlock {

// Not a real-time signal: those queue, and the supervisor sends one on every watchdog tick
// until the call ends, which a stopped worker would not do for a while. SIGSTKFLT: the
// kernel never sends it, and a command that sent it to its group unhandled would die of it.
int agent_interrupt_signal() { return SIGSTKFLT; }

namespace {

// `filter` as a program to load with no flags; an empty one if libseccomp fails.
PreparedSeccomp program_of(const SeccompFilter& filter, bool ok) {
  std::string error;
  PreparedSeccomp out;
  if (!ok || program_from_bpf(seccomp_filter_bpf(filter, error), out)) return {};
  return out;
}

// Adds `action` for the syscall `name`, unconditionally; false when libseccomp fails.
bool add_rule(scmp_filter_ctx ctx, std::uint32_t action, const char* name) {
  const int nr = seccomp_syscall_resolve_name(name);
  return nr >= 0 && seccomp_rule_add(ctx, action, nr, 0) == 0;
}

}  // namespace

// The calls a worker makes to take on its callers' credentials (credentials.cpp), and then
// refuses (the reads are harmless and stay allowed).
constexpr const char* kCredentialCalls[] = {"setgroups", "setresgid", "setfsgid", "setresuid", "setfsuid", "capset"};
constexpr const char* kCredentialReads[] = {"getresuid", "getresgid", "getgroups", "capget"};

PreparedSeccomp agent_worker_filter() {
  const SeccompFilter filter(seccomp_init(SCMP_ACT_ALLOW));
  auto* ctx = static_cast<scmp_filter_ctx>(filter.get());
  bool ok = ctx && add_rule(ctx, SCMP_ACT_ERRNO(EPERM), "clone") && add_rule(ctx, SCMP_ACT_ERRNO(EPERM), "prctl");
  for (const char* name : kCredentialCalls) ok = ok && add_rule(ctx, SCMP_ACT_ERRNO(EPERM), name);
  return program_of(filter, ok);
}

namespace {

// Bounds of one request; the supervisor copies no more than this out of the caller.
constexpr std::size_t kMaxName = sizeof(sockaddr_storage);
constexpr std::size_t kMaxControl = kMaxMessageControl;
constexpr std::size_t kMaxData = kMaxMessageData;
constexpr int kChannelBuffer = 1 << 20;  // one request is one packet: room for the largest

// One packet: this header, the caller's credentials, then the control data (next, so it
// stays aligned for cmsghdr), the name and the payload. The packet's own SCM_RIGHTS carry the
// socket, the working directory (if has_cwd) and the rights.
struct WireHeader {
  std::uint32_t op;
  std::int32_t flags;
  std::uint32_t name_len;
  std::uint32_t control_len;
  std::uint32_t data_len;
  std::uint32_t rights;
  std::uint32_t has_cwd;
  std::uint32_t reserved;  // keeps the size a multiple of 8
};
static_assert(sizeof(WireHeader) % alignof(cmsghdr) == 0);
static_assert(sizeof(Credentials) % alignof(cmsghdr) == 0);
constexpr std::size_t kPrefix = sizeof(WireHeader) + sizeof(Credentials);

struct WireAnswer {
  std::int64_t val;
  std::int32_t error;
};

constexpr std::size_t kMaxPacket = kPrefix + kMaxName + kMaxControl + kMaxData;
constexpr std::size_t kMaxChannelFds = 2 + kMaxPassedFds;

// Writes an SCM_RIGHTS message passing `fds` into `control` (CMSG_SPACE of them, aligned
// for cmsghdr): both sides pass descriptors, and the agent must do it without allocating.
void write_rights(std::span<char> control, std::span<const int> fds) {
  msghdr m{};
  m.msg_control = control.data();
  m.msg_controllen = control.size();
  cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
  std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
}

// ---- helper side ----

// Only what serving needs. Defence in depth: the helper runs outside the sandbox's seccomp
// filter, so should anything ever take it over, it still cannot do much else. Anything else
// fails with EPERM rather than killing the helper: runtimes (sanitizers) may make calls of
// their own, and a dead helper would fail every unix call of the sandbox. Empty if libseccomp
// fails; loaded by install_filter().
PreparedSeccomp agent_filter() {
  const SeccompFilter filter(seccomp_init(SCMP_ACT_ERRNO(EPERM)));
  auto* ctx = static_cast<scmp_filter_ctx>(filter.get());
  if (!ctx) return {};
  bool ok = true;
  const auto allow = [&](const char* name) { ok = ok && add_rule(ctx, SCMP_ACT_ALLOW, name); };
  for (const char* name : {"recvmsg", "sendmsg", "sendto", "connect", "bind", "getsockopt", "fchdir", "close",
                           "dup3", "exit", "exit_group", "rt_sigreturn", "restart_syscall",
                           // Harmless (its own signal stack); sanitizer runtimes call it.
                           "sigaltstack"})
    allow(name);
  // A new worker takes on its callers' credentials, reads them back and is made not dumpable
  // again (a credential change resets that); then it refuses the changes (agent_worker_filter()).
  for (const char* name : kCredentialCalls) allow(name);
  for (const char* name : kCredentialReads) allow(name);
  // Only these two settings, each one way: keeping capabilities, and not dumpable.
  for (const auto& [option, value] : {std::pair{PR_SET_KEEPCAPS, 1}, std::pair{PR_SET_DUMPABLE, 0}})
    ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 2,
                                SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(option)),
                                SCMP_A1(SCMP_CMP_EQ, static_cast<scmp_datum_t>(value))) == 0;
  // Forking a worker: a plain fork that hands back a pidfd, nothing else clone can do
  // (threads, namespaces). The worker then adds agent_worker_filter(), flags none.
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(SIGCHLD | CLONE_PIDFD))) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(seccomp), 2, SCMP_A0(SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER),
                              SCMP_A1(SCMP_CMP_EQ, 0)) == 0;
  return program_of(filter, ok);
}

// Loads a filter built beforehand (load_seccomp allocates and frees nothing: once the
// agent's filter is in force no allocator may need memory; under ASan, a free() after
// seccomp_load mapped a page for its stack depot, was refused, and the agent hung reporting
// it). False for an empty one, which load_seccomp would take as nothing to load.
bool install_filter(const PreparedSeccomp& filter) {
  int listener = -1;  // none: no flags
  return !filter.program.empty() && load_seccomp(filter, listener) == 0;
}

// The helper leaves with a bare exit_group, from a function not marked noreturn: ASan puts
// __asan_handle_no_return (which calls sigaltstack) before every noreturn call such as
// _exit, and with sigaltstack refused it aborted, could not report (mmap refused) and spun
// on a futex forever, long after its sandbox was gone.
void leave(int status) {
  for (;;) syscall(SYS_exit_group, status);
}

// Puts the helper's own descriptors where the caller's SCM_RIGHTS numbers were, in order.
int substitute_rights(char* control, std::size_t len, const int* rights, std::size_t count) {
  msghdr m{};
  m.msg_control = control;
  m.msg_controllen = len;
  std::size_t used = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    if (n > count - used) return EINVAL;
    std::memcpy(CMSG_DATA(c), rights + used, n * sizeof(int));
    used += n;
  }
  return used == count ? 0 : EINVAL;
}

// The first agent's one job: fork a worker for the channel `fd`, with the credentials
// `creds`. In the worker, that channel takes the place of `channel` and true is returned;
// the first agent gets false, the answer for the supervisor and the worker's pidfd (-1 if
// there is no worker).
bool start_worker(int fd, int channel, const PreparedSeccomp& worker_filter, const Credentials& creds,
                  const Credentials& own, WireAnswer& answer, int& pidfd) {
  pidfd = -1;
  // A bare fork: the agent is single-threaded and runs nothing at fork time (no handlers).
  // The pidfd is written to this process's `pidfd` only (raw clone: flags, stack,
  // parent_tid, child_tid, tls).
  const long pid = syscall(SYS_clone, SIGCHLD | CLONE_PIDFD, 0, &pidfd, 0, 0);
  if (pid == 0) {
    // Its own channel first, in place of the first agent's: a credential change makes the
    // process dumpable for a moment (fs.suid_dumpable), when the first agent's channel must
    // not be there to take. Unable to take on its callers' credentials or to shed the
    // permissions, the worker does not serve: its first call finds it gone and is retried on
    // another, then fails closed.
    if (syscall(SYS_dup3, fd, channel, 0) < 0) leave(1);
    if (take_on(creds, own) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || !install_filter(worker_filter))
      leave(1);
    return true;
  }
  answer = pid < 0 ? WireAnswer{0, errno} : WireAnswer{0, 0};
  // A clone that fails late (the pids cgroup says no after the pidfd was reserved) leaves
  // a number here that is no longer ours.
  if (pid < 0) pidfd = -1;
  return false;
}

// Sends `answer`, with `fd` if there is one.
void send_answer(int channel, const WireAnswer& answer, int fd) {
  iovec iov{const_cast<WireAnswer*>(&answer), sizeof answer};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  if (fd >= 0) {
    write_rights(control, std::span<const int>(&fd, 1));
    m.msg_control = control;
    m.msg_controllen = sizeof control;
  }
  ssize_t rc;
  while ((rc = sendmsg(channel, &m, 0)) < 0 && errno == EINTR) {
  }
  if (rc < 0 && fd >= 0) {  // the supervisor waits for an answer: one without the pidfd, then
    m.msg_control = nullptr;
    m.msg_controllen = 0;
    while ((rc = sendmsg(channel, &m, 0)) < 0 && errno == EINTR) {
    }
  }
  // No answer can be given: leaving closes the channel, which fails the call closed
  // (EACCES) where waiting for an answer would hold it up for good.
  if (rc < 0) leave(1);
}

WireAnswer serve_one(const WireHeader& h, char* body, const int* fds, std::size_t nfds) {
  const std::size_t fixed = 1 + (h.has_cwd ? 1 : 0);
  if (nfds != fixed + h.rights) return {0, EINVAL};
  const int sock = fds[0];
  // The supervisor checked this; the helper never touches inet sockets, whoever asks.
  int family = -1;
  socklen_t flen = sizeof family;
  if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &family, &flen) != 0) return {0, ENOTSOCK};
  if (family == AF_INET || family == AF_INET6) return {0, EACCES};
  if (h.has_cwd && fchdir(fds[1]) != 0) return {0, errno};
  char* control = body;
  auto* name = reinterpret_cast<sockaddr*>(body + h.control_len);
  char* data = body + h.control_len + h.name_len;
  long rc = -1;
  switch (static_cast<AgentOp>(h.op)) {
    case AgentOp::Connect: rc = connect(sock, name, h.name_len); break;
    case AgentOp::Bind: rc = bind(sock, name, h.name_len); break;
    case AgentOp::Send: {
      if (const int err = substitute_rights(control, h.control_len, fds + fixed, h.rights)) return {0, err};
      iovec iov{data, h.data_len};
      msghdr m{};
      m.msg_name = h.name_len ? name : nullptr;
      m.msg_namelen = h.name_len;
      m.msg_iov = &iov;
      m.msg_iovlen = 1;
      m.msg_control = h.control_len ? control : nullptr;
      m.msg_controllen = h.control_len;
      rc = sendmsg(sock, &m, h.flags);
      break;
    }
    default: return {0, EINVAL};
  }
  return rc < 0 ? WireAnswer{0, errno} : WireAnswer{rc, 0};
}

}  // namespace

void run_domain_agent(int channel) {
  // Not dumpable: the sandbox (same domain, same user) cannot ptrace it or take its fds.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // Signals sent to the sandbox's process group (sandlock forwards SIGINT, SIGHUP, SIGTERM;
  // the command may send its own) are the command's business: a dead agent would fail every
  // later unix call of a command that survives them. The agent ends when its channel closes
  // (SIGKILL still works). Faults stay fatal. A send to a closed stream reports EPIPE to
  // the caller instead of killing the agent. Workers (children) are reaped by the kernel.
  // One signal has a handler, which does nothing: the supervisor's, to interrupt a blocked
  // call (EINTR: no SA_RESTART). It is unblocked here, whatever mask sandlock was started
  // with (rt_sigprocmask is not allowed once the filter is loaded).
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP && sig != SIGSEGV && sig != SIGBUS && sig != SIGILL && sig != SIGFPE &&
        sig != SIGTRAP && sig != SIGSYS && sig != SIGABRT && sig != agent_interrupt_signal())
      signal(sig, SIG_IGN);
  struct sigaction interrupt {};
  interrupt.sa_handler = [](int) {};
  sigemptyset(&interrupt.sa_mask);
  sigaction(agent_interrupt_signal(), &interrupt, nullptr);
  sigset_t unblock;
  sigemptyset(&unblock);
  sigaddset(&unblock, agent_interrupt_signal());
  sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
  // Nothing but the channel: not the report socket, not the sandbox's stdio.
  if (channel != 3 && dup2(channel, 3) != 3) return leave(1);
  channel = 3;
  close_range(0, 2, 0);
  close_range(4, ~0U, 0);
  std::vector<std::max_align_t> packet_storage(kMaxPacket / sizeof(std::max_align_t) + 1);
  const std::span<char> packet(reinterpret_cast<char*>(packet_storage.data()), kMaxPacket);
  std::vector<char> control(CMSG_SPACE(sizeof(int) * kMaxChannelFds));
  // Both filters are built first: libseccomp allocates. (NO_NEW_PRIVS, as seccomp_load
  // would set it; the workers inherit it.)
  const PreparedSeccomp filter = agent_filter();
  const PreparedSeccomp worker_filter = agent_worker_filter();
  // The calls the first agent makes itself (no worker to be had) are for callers with these
  // only. Not to be had (too many groups): for none.
  Credentials own{};
  if (const auto mine = own_credentials()) own = *mine;
  else own.group_count = Credentials::kMaxGroups + 1;
  // Without either the supervisor fails every call it would send (EACCES).
  if (worker_filter.program.empty() || set_no_new_privs() != 0 || !install_filter(filter)) return leave(1);
  bool spawner = true;  // the first agent; its workers serve the calls
  for (;;) {
    iovec iov{packet.data(), packet.size()};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = control.data();
    m.msg_controllen = control.size();
    const ssize_t n = recvmsg(channel, &m, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return leave(0);  // the supervisor is gone
    int fds[kMaxChannelFds];
    std::size_t nfds = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (std::size_t i = 0; i < count && nfds < kMaxChannelFds; ++i)
        std::memcpy(&fds[nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
    }
    WireAnswer answer{0, EINVAL};
    WireHeader h{};
    Credentials creds{};
    bool became_worker = false;
    int worker_pidfd = -1;
    if (!(m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) && static_cast<std::size_t>(n) >= kPrefix) {
      std::memcpy(&h, packet.data(), sizeof h);
      std::memcpy(&creds, packet.data() + sizeof h, sizeof creds);
      const std::size_t body = std::size_t{h.name_len} + h.control_len + h.data_len;
      const bool serve = static_cast<AgentOp>(h.op) == AgentOp::Serve;
      if (h.name_len <= kMaxName && h.control_len <= kMaxControl && h.data_len <= kMaxData &&
          kPrefix + body == static_cast<std::size_t>(n) && nfds > 0 && (spawner || !serve)) {
        if (serve) {
          if (nfds == 1 && body == 0)
            became_worker = start_worker(fds[0], channel, worker_filter, creds, own, answer, worker_pidfd);
        } else if (creds != own) {
          answer = {0, EACCES};  // the first agent, for a caller with other credentials: fail closed
        } else {
          answer = serve_one(h, packet.data() + kPrefix, fds, nfds);
        }
      }
    }
    for (std::size_t i = 0; i < nfds; ++i) close(fds[i]);
    if (became_worker) {  // the supervisor's answer is the first agent's to give
      spawner = false;
      own = creds;
      continue;
    }
    send_answer(channel, answer, worker_pidfd);
    if (worker_pidfd >= 0) close(worker_pidfd);
  }
}

// ---- supervisor side ----

namespace {

// Root may go past net.core.wmem_max; otherwise the largest requests fail with EMSGSIZE.
void widen_send_buffer(int channel) {
  if (setsockopt(channel, SOL_SOCKET, SO_SNDBUFFORCE, &kChannelBuffer, sizeof kChannelBuffer) != 0)
    setsockopt(channel, SOL_SOCKET, SO_SNDBUF, &kChannelBuffer, sizeof kChannelBuffer);
}

enum class Sent { Answered, TooBig, GoneBefore, GoneAfter };

// Tells a request's on_worker the worker's pidfd (if it has one) for as long as it lives,
// then -1.
class Watched {
 public:
  Watched(const std::function<void(int)>& on_worker, int pidfd) : on_worker_(on_worker), told_(on_worker && pidfd >= 0) {
    if (told_) on_worker_(pidfd);
  }
  ~Watched() {
    if (told_) on_worker_(-1);
  }
  Watched(const Watched&) = delete;
  Watched& operator=(const Watched&) = delete;

 private:
  const std::function<void(int)>& on_worker_;
  const bool told_;
};

// The SCM_RIGHTS control data passing `fds`, built once per request.
std::vector<char> rights_control(const std::vector<int>& fds) {
  std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size()));
  write_rights(control, fds);
  return control;
}

// Sends one request (its parts in `iov`, its descriptors in `control`) and waits for the
// answer, and the descriptor passed with it if any (`passed`). GoneBefore: the agent was
// gone before the request, which was not sent (so may be sent again); GoneAfter: it went
// without answering (the call may have been made).
Sent transact(int channel, iovec* iov, std::size_t iovlen, std::vector<char>& control, AgentResult& out,
              UniqueFd* passed = nullptr) {
  msghdr m{};
  m.msg_iov = iov;
  m.msg_iovlen = iovlen;
  m.msg_control = control.data();
  m.msg_controllen = control.size();
  ssize_t sent;
  while ((sent = sendmsg(channel, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  if (sent < 0) {
    const bool too_big = errno == EMSGSIZE || errno == ENOBUFS;
    out = {0, too_big ? EMSGSIZE : EACCES};  // gone: fail closed
    return too_big ? Sent::TooBig : Sent::GoneBefore;
  }
  WireAnswer answer{};
  iovec answer_iov{&answer, sizeof answer};
  alignas(cmsghdr) char answer_control[CMSG_SPACE(sizeof(int))];
  msghdr a{};
  a.msg_iov = &answer_iov;
  a.msg_iovlen = 1;
  a.msg_control = answer_control;
  a.msg_controllen = sizeof answer_control;
  ssize_t got;
  while ((got = recvmsg(channel, &a, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  const cmsghdr* c = got > 0 ? CMSG_FIRSTHDR(&a) : nullptr;
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
    int fd = -1;
    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    UniqueFd received(fd);
    if (passed) *passed = std::move(received);
  }
  if (got != static_cast<ssize_t>(sizeof answer)) {
    out = {0, EACCES};  // gone: fail closed
    return Sent::GoneAfter;
  }
  out = {answer.val, answer.error};
  return Sent::Answered;
}

}  // namespace

namespace {

// Until the process of `pidfd` has exited (its pidfd readable), a second at most; without
// a pidfd, a moment.
void wait_for_exit(int pidfd) {
  if (pidfd < 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return;
  }
  pollfd p{pidfd, POLLIN, 0};
  while (poll(&p, 1, 1000) < 0 && errno == EINTR) {
  }
}

}  // namespace

DomainAgent::DomainAgent(UniqueFd channel, UniqueFd pidfd)
    : spawner_(std::move(channel)), spawner_pidfd_(std::move(pidfd)) {
  widen_send_buffer(spawner_.get());  // it makes calls too, when no worker can be had
  idle_.reserve(kMaxWorkers);         // so that putting a worker back cannot fail
}

DomainAgent::Worker DomainAgent::start_worker(const Credentials& creds) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) return {};
  Worker worker{UniqueFd(pair[0]), UniqueFd(), creds};
  const UniqueFd theirs(pair[1]);
  widen_send_buffer(worker.channel.get());
  WireHeader h{static_cast<std::uint32_t>(AgentOp::Serve), 0, 0, 0, 0, 0, 0, 0};
  iovec iov[2] = {{&h, sizeof h}, {const_cast<Credentials*>(&creds), sizeof creds}};
  std::vector<char> control = rights_control({theirs.get()});
  AgentResult r;
  const std::lock_guard lock(spawn_mu_);  // one request at a time on the first agent's channel
  // Without a pidfd (not passed: the descriptor table full, say) the worker still serves,
  // but its calls cannot be interrupted.
  if (transact(spawner_.get(), iov, 2, control, r, &worker.pidfd) != Sent::Answered || r.error) return {};
  return worker;
}

DomainAgent::Worker DomainAgent::take_idle(std::vector<Worker>::iterator at) {
  Worker worker = std::move(*at);
  if (at + 1 != idle_.end()) *at = std::move(idle_.back());
  idle_.pop_back();
  return worker;
}

DomainAgent::Worker DomainAgent::take_worker(const Credentials& creds) {
  std::chrono::steady_clock::time_point room_made{};  // when this call last evicted a worker
  std::unique_lock lock(mu_);
  for (;;) {
    const auto same = std::find_if(idle_.begin(), idle_.end(), [&](const Worker& w) { return w.creds == creds; });
    if (same != idle_.end()) return take_idle(same);
    if (workers_ == kMaxWorkers && !idle_.empty()) {
      // Every worker is taken or idle with other credentials: one idle one makes room (its
      // channel closed, it leaves).
      idle_.pop_back();
      --workers_;
      next_start_ = {};
    }
    if (workers_ < kMaxWorkers && std::chrono::steady_clock::now() >= next_start_) {
      // One start at a time (the first agent forks one at a time anyway). One that fails
      // (the sandbox's process limit, most likely) is not tried again before a worker is
      // back, one dies, or kStartRetry has passed: each failure woke every waiter to try at
      // once, and with calls blocked at the limit the first agent spent a CPU failing to fork.
      ++workers_;
      next_start_ = std::chrono::steady_clock::now() + kStartRetry;
      lock.unlock();
      Worker worker;
      try {
        worker = start_worker(creds);
      } catch (...) {
        lose_worker();
        throw;
      }
      lock.lock();
      if (worker.channel) {
        next_start_ = {};
        failing_since_ = {};
        freed_.notify_all();  // those waiting to start one may now
        return worker;
      }
      --workers_;
      next_start_ = std::chrono::steady_clock::now() + kStartRetry;
      if (failing_since_ == std::chrono::steady_clock::time_point{}) failing_since_ = std::chrono::steady_clock::now();
      // No room for a process, most likely: an idle worker (of other credentials, or it would
      // have been taken) makes room, and the start is tried again once it has left. Else this
      // call waited for ever at a process limit with room for one worker, idle with other
      // credentials (and never fell back to the first agent, with a worker still counted).
      const auto other = std::find_if(idle_.begin(), idle_.end(), [&](const Worker& w) { return !(w.creds == creds); });
      if (other != idle_.end()) {
        Worker evicted = take_idle(other);
        --workers_;
        lock.unlock();
        evicted.channel.reset();  // it leaves when its channel closes
        wait_for_exit(evicted.pidfd.get());
        lock.lock();
        next_start_ = {};
        room_made = std::chrono::steady_clock::now();
        continue;
      }
      // Those waiting: with none at all, the first agent makes their calls; below the bound
      // again, they wait for the retry time rather than for a worker to be freed.
      freed_.notify_all();
      continue;
    }
    // None at all, and none to be started now; but a worker that made room a moment ago may
    // not be released yet (its pidfd is readable before its process slot is freed), and a
    // start that failed a moment ago may have met a passing shortage. Not at once: a call
    // the first agent makes that blocks holds up every start (and so every call) until it
    // ends; after one failed start, a blocked unix send held up an unrelated one.
    const auto now = std::chrono::steady_clock::now();
    if (workers_ == 0 && now - room_made > kRoomSettles && now - failing_since_ > kRoomSettles) return {};
    if (workers_ < kMaxWorkers) freed_.wait_until(lock, next_start_);
    else freed_.wait(lock);
  }
}

void DomainAgent::lose_worker() {
  {
    const std::lock_guard lock(mu_);
    --workers_;
    next_start_ = {};  // a process fewer: another may be started
  }
  freed_.notify_all();
}

void DomainAgent::keep_worker(Worker worker) {
  {
    const std::lock_guard lock(mu_);
    idle_.push_back(std::move(worker));  // never reallocates: room for kMaxWorkers is reserved
  }
  freed_.notify_one();
}

AgentResult DomainAgent::perform(const AgentRequest& r) {
  if (r.name_len > kMaxName || r.control_len > kMaxControl || r.data_len > kMaxData) return {0, EMSGSIZE};
  if (r.rights.size() > kMaxPassedFds) return {0, EINVAL};
  if (r.op == AgentOp::Serve) return {0, EINVAL};
  const WireHeader h{static_cast<std::uint32_t>(r.op), r.flags, r.name_len, static_cast<std::uint32_t>(r.control_len),
                     static_cast<std::uint32_t>(r.data_len), static_cast<std::uint32_t>(r.rights.size()),
                     r.cwd >= 0 ? 1U : 0U, 0};
  iovec iov[5] = {{const_cast<WireHeader*>(&h), sizeof h},
                  {const_cast<Credentials*>(&r.creds), sizeof r.creds},
                  {const_cast<char*>(r.control), r.control_len},
                  {const_cast<void*>(r.name), r.name_len},
                  {const_cast<char*>(r.data), r.data_len}};
  std::vector<int> fds{r.sock};
  if (r.cwd >= 0) fds.push_back(r.cwd);
  fds.insert(fds.end(), r.rights.begin(), r.rights.end());
  // The channel carries the socket (and directory) beside the caller's descriptors in one
  // message: past the kernel's limit its send would fail as if the worker were gone, and
  // healthy workers were dropped and forked again for a call that could never be carried.
  if (fds.size() > kMaxPassedFds) return {0, EINVAL};
  std::vector<char> control = rights_control(fds);

  AgentResult result;
  // A worker that died while idle (killed by a signal to the sandbox's process group, say)
  // is found when the request cannot be sent: nothing was made, so another one may take it.
  for (int attempt = 0; attempt < 3; ++attempt) {
    Worker worker = take_worker(r.creds);
    if (!worker.channel) {
      // No worker to be had (the sandbox's process limit): the first agent makes the call
      // itself, one call at a time. Gone, it fails the call (EACCES).
      const std::lock_guard lock(spawn_mu_);
      const Watched watched(r.on_worker, spawner_pidfd_.get());
      transact(spawner_.get(), iov, 5, control, result);
      return result;
    }
    Sent sent;
    {
      const Watched watched(r.on_worker, worker.pidfd.get());
      sent = transact(worker.channel.get(), iov, 5, control, result);
    }  // told before the worker can be given another call
    if (sent == Sent::Answered || sent == Sent::TooBig) {
      keep_worker(std::move(worker));
      return result;
    }
    lose_worker();
    if (sent == Sent::GoneAfter) return result;
  }
  return result;
}

}  // namespace sandlock
