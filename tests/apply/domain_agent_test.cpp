// The domain agent's workers, below the CLI: a real agent process (forked here, serving a
// socketpair as in a sandbox), real unix datagram sockets. A worker per call, kept for the
// next; one that died while idle is replaced without failing the call it was taken for.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <optional>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/apply/credentials.h"
#include "engine/apply/domain_agent.h"
#include "engine/apply/pidfd.h"
#include "engine/apply/task_status.h"
#include "engine/apply/unique_fd.h"

namespace sandlock {
namespace {

// The children of `pid` (its workers), from /proc.
std::vector<pid_t> children_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> out;
  for (pid_t child; in >> child;) out.push_back(child);
  return out;
}

bool gone(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

// The number of seccomp filters on `pid` (Seccomp_filters in its status).
int seccomp_filters(pid_t pid) {
  const auto status = read_task_status(pid);
  return status ? static_cast<int>(status_field(*status, "Seccomp_filters", 10)) : -1;
}

// The instructions of `pid`'s newest seccomp filter, read through ptrace (which needs
// CAP_SYS_ADMIN); empty with `why` set when they cannot be read. (The kernel counts from the
// oldest: index 0 is the first filter installed.)
std::string newest_filter(pid_t pid, std::string& why) {
  const int newest = seccomp_filters(pid) - 1;
  if (ptrace(PTRACE_SEIZE, pid, nullptr, nullptr) != 0) {
    why = std::string("PTRACE_SEIZE: ") + std::strerror(errno);
    return {};
  }
  int status = 0;
  ptrace(PTRACE_INTERRUPT, pid, nullptr, nullptr);
  waitpid(pid, &status, __WALL);
  std::string out;
  const auto index = reinterpret_cast<void*>(static_cast<std::intptr_t>(newest));
  const long count = newest < 0 ? -1 : ptrace(PTRACE_SECCOMP_GET_FILTER, pid, index, nullptr);
  if (count > 0) {
    out.resize(static_cast<std::size_t>(count) * sizeof(sock_filter));
    if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, index, out.data()) != count) out.clear();
  }
  if (out.empty()) why = std::string("PTRACE_SECCOMP_GET_FILTER: ") + std::strerror(errno);
  ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
  return out;
}

// In a child: loads agent_worker_filter() if `filtered`, then runs `op`; the child's exit
// code is what `op` returns (an errno, 0 for success), 100 when the filter did not load.
template <typename Op>
int in_child_under_worker_filter(bool filtered, Op op) {
  const pid_t child = fork();
  if (child == 0) {
    if (filtered) {
      const PreparedSeccomp filter = agent_worker_filter();
      int listener = -1;
      if (filter.program.empty() || set_no_new_privs() != 0 || load_seccomp(filter, listener) != 0) _exit(100);
    }
    _exit(op());
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

// fork's errno there (0: it forked).
int fork_errno_in_child(bool filtered) {
  return in_child_under_worker_filter(filtered, [] {
    const pid_t grandchild = fork();
    if (grandchild == 0) _exit(0);
    if (grandchild < 0) return errno;
    waitpid(grandchild, nullptr, 0);
    return getpid() > 0 ? 0 : 101;  // other calls still work
  });
}

// The errno of a setresuid that changes nothing (all -1), there (0: allowed).
int setresuid_errno_in_child(bool filtered) {
  return in_child_under_worker_filter(filtered, [] { return syscall(SYS_setresuid, -1, -1, -1) == 0 ? 0 : errno; });
}

TEST(AgentWorkerFilter, RefusesCredentialChanges) {
  EXPECT_EQ(setresuid_errno_in_child(true), EPERM);
  EXPECT_EQ(setresuid_errno_in_child(false), 0);  // control
}

// A request to send one byte on `sock`, for a caller with our credentials.
AgentRequest one_byte_send(int sock) {
  AgentRequest r;
  r.creds = own_credentials().value();
  r.op = AgentOp::Send;
  r.sock = sock;
  r.data = "x";
  r.data_len = 1;
  return r;
}

// Fills `fd`'s send buffer (its peer reads nothing): a blocking send on it then waits.
void fill(int fd) {
  const std::string chunk(4096, 'f');
  while (send(fd, chunk.data(), chunk.size(), MSG_DONTWAIT) > 0) {
  }
}

void drain(int fd) {
  char buf[65536];
  while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
  }
}

class DomainAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int pair[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
    agent_pid_ = fork();
    ASSERT_GE(agent_pid_, 0);
    if (agent_pid_ == 0) {
      close(pair[0]);
      // As if sandlock had been started with the interrupt signal blocked: the agent must
      // unblock it itself.
      sigset_t blocked;
      sigemptyset(&blocked);
      sigaddset(&blocked, agent_interrupt_signal());
      sigprocmask(SIG_BLOCK, &blocked, nullptr);
      run_domain_agent(pair[1]);
      _exit(1);
    }
    close(pair[1]);
    agent_.emplace(UniqueFd(pair[0]));
    receiver_ = UniqueFd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sender_ = UniqueFd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    address_.sun_family = AF_UNIX;
    const std::string name = "sandlock-agent-test-" + std::to_string(getpid());  // abstract
    std::memcpy(address_.sun_path + 1, name.data(), name.size());
    address_len_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    ASSERT_EQ(bind(receiver_.get(), reinterpret_cast<sockaddr*>(&address_), address_len_), 0);
  }
  void TearDown() override {
    agent_.reset();  // closes the channels: the agent and its workers leave
    if (agent_pid_ > 0) waitpid(agent_pid_, nullptr, 0);
  }

  // Has the agent send `text` to the receiver for a caller with `creds` (default: ours);
  // the call's errno (0: sent).
  int send_through_agent(const std::string& text, std::optional<Credentials> creds = std::nullopt) {
    AgentRequest r;
    r.creds = creds ? *creds : own_credentials().value();
    r.op = AgentOp::Send;
    r.sock = sender_.get();
    r.name = &address_;
    r.name_len = address_len_;
    r.data = text.data();
    r.data_len = text.size();
    return agent_->perform(r).error;
  }
  std::string received() {
    char buf[64] = {};
    const ssize_t n = recv(receiver_.get(), buf, sizeof buf, MSG_DONTWAIT);
    return n < 0 ? "nothing" : std::string(buf, static_cast<std::size_t>(n));
  }

  pid_t agent_pid_ = -1;
  std::optional<DomainAgent> agent_;
  UniqueFd receiver_, sender_;
  sockaddr_un address_{};
  socklen_t address_len_ = 0;
};

TEST_F(DomainAgentTest, AWorkerIsKeptForTheNextCall) {
  ASSERT_EQ(send_through_agent("one"), 0);
  EXPECT_EQ(received(), "one");
  const std::vector<pid_t> first = children_of(agent_pid_);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(send_through_agent("two"), 0);
  EXPECT_EQ(received(), "two");
  EXPECT_EQ(children_of(agent_pid_), first);  // the same worker, not another fork
}

// One message to a worker carries the caller's socket beside the descriptors it passes, within
// the kernel's 253: a call passing 253 could not be carried, and its failed send dropped the
// worker as if it had died, three times over (three forks, then EACCES). It is refused at
// once (EINVAL) and the worker stays. Control: 252, with the socket 253 in all, are passed.
TEST_F(DomainAgentTest, DescriptorsPastWhatOneMessageCarriesAreRefusedAndTheWorkerStays) {
  ASSERT_EQ(send_through_agent("one"), 0);
  EXPECT_EQ(received(), "one");
  const std::vector<pid_t> workers = children_of(agent_pid_);
  ASSERT_EQ(workers.size(), 1u);
  const auto send_rights = [&](std::size_t count) {
    std::vector<UniqueFd> held;
    AgentRequest r;
    r.creds = own_credentials().value();
    r.op = AgentOp::Send;
    r.sock = sender_.get();
    r.name = &address_;
    r.name_len = address_len_;
    r.data = "fds";
    r.data_len = 3;
    std::vector<char> control(CMSG_SPACE(count * sizeof(int)));
    msghdr m{};
    m.msg_control = control.data();
    m.msg_controllen = control.size();
    cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(count * sizeof(int));
    for (std::size_t i = 0; i < count; ++i) {
      held.emplace_back(open("/dev/null", O_RDONLY | O_CLOEXEC));
      r.rights.push_back(held.back().get());
      std::memcpy(CMSG_DATA(c) + i * sizeof(int), &r.rights.back(), sizeof(int));
    }
    r.control = control.data();
    r.control_len = control.size();
    return agent_->perform(r).error;
  };
  EXPECT_EQ(send_rights(253), EINVAL);
  EXPECT_EQ(received(), "nothing");
  EXPECT_EQ(children_of(agent_pid_), workers);
  EXPECT_EQ(send_rights(252), 0);
  EXPECT_EQ(received(), "fds");
  EXPECT_EQ(children_of(agent_pid_), workers);
}

TEST_F(DomainAgentTest, AWorkerThatDiedIdleIsReplacedWithoutFailingTheCall) {
  ASSERT_EQ(send_through_agent("one"), 0);
  EXPECT_EQ(received(), "one");
  const std::vector<pid_t> workers = children_of(agent_pid_);
  ASSERT_EQ(workers.size(), 1u);
  ASSERT_EQ(kill(workers[0], SIGKILL), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!gone(workers[0]) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(gone(workers[0]));  // reaped by the kernel: the agent ignores SIGCHLD
  EXPECT_EQ(send_through_agent("two"), 0);
  EXPECT_EQ(received(), "two");
  const std::vector<pid_t> now = children_of(agent_pid_);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_NE(now[0], workers[0]);
}

// The supervisor interrupts a call a worker is blocked in (here a stream send to a peer
// that reads nothing) when the caller has a signal to handle: the call fails with EINTR,
// and the worker serves the next call. The signal is sent until the call ends, as the
// supervisor's watchdog does on every tick: one sent before the worker enters the send
// interrupts nothing.
TEST_F(DomainAgentTest, TheInterruptSignalEndsABlockedCallWithEintr) {
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  const UniqueFd full(pair[0]), peer(pair[1]);
  std::mutex mu;
  int worker = -1;  // under mu: the pidfd on_worker told, while it is valid
  const auto send_byte = [&] {
    AgentRequest r = one_byte_send(full.get());
    r.on_worker = [&](int pidfd) {
      const std::lock_guard lock(mu);
      worker = pidfd;
    };
    return agent_->perform(r);
  };
  const auto named = [&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;; std::this_thread::sleep_for(std::chrono::milliseconds(5))) {
      const std::lock_guard lock(mu);
      if (worker >= 0 || std::chrono::steady_clock::now() > deadline) return worker >= 0;
    }
  };
  // Control: unsignalled, the send stays blocked until the peer reads.
  fill(full.get());
  std::future<AgentResult> blocked = std::async(std::launch::async, send_byte);
  EXPECT_TRUE(named());
  EXPECT_EQ(blocked.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  drain(peer.get());
  AgentResult r = blocked.get();
  EXPECT_EQ(r.error, 0);
  EXPECT_EQ(r.val, 1);
  const std::vector<pid_t> workers = children_of(agent_pid_);
  ASSERT_EQ(workers.size(), 1u);

  fill(full.get());
  std::future<AgentResult> interrupted = std::async(std::launch::async, send_byte);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (interrupted.wait_for(std::chrono::milliseconds(20)) == std::future_status::timeout &&
         std::chrono::steady_clock::now() < deadline) {
    const std::lock_guard lock(mu);
    if (worker >= 0) sys::pidfd_send_signal(worker, agent_interrupt_signal());
  }
  if (interrupted.wait_for(std::chrono::seconds(0)) == std::future_status::timeout) drain(peer.get());  // unblock, then fail
  r = interrupted.get();
  EXPECT_EQ(r.error, EINTR);
  {
    const std::lock_guard lock(mu);
    EXPECT_EQ(worker, -1);  // told when the worker was done with the call
  }
  drain(peer.get());
  r = send_byte();
  EXPECT_EQ(r.error, 0);
  EXPECT_EQ(r.val, 1);
  EXPECT_EQ(children_of(agent_pid_), workers);  // the same worker, which survived the signal
}

// Only the first agent forks: each worker adds a filter that refuses clone, so a worker
// taken over by what it serves cannot fork.
TEST_F(DomainAgentTest, AWorkerCannotFork) {
  ASSERT_EQ(send_through_agent("one"), 0);
  EXPECT_EQ(received(), "one");
  const std::vector<pid_t> workers = children_of(agent_pid_);
  ASSERT_EQ(workers.size(), 1u);
  EXPECT_EQ(seccomp_filters(workers[0]), seccomp_filters(agent_pid_) + 1);
  EXPECT_EQ(fork_errno_in_child(true), EPERM);
  EXPECT_EQ(fork_errno_in_child(false), 0);  // control: the same child forks without it
  // And the filter the worker added is that one.
  std::string why;
  const std::string added = newest_filter(workers[0], why);
  if (added.empty()) GTEST_SKIP() << "SKIP: cannot read the worker's filter to compare it: " << why;
  const PreparedSeccomp worker_filter = agent_worker_filter();
  EXPECT_EQ(added, std::string(reinterpret_cast<const char*>(worker_filter.program.data()),
                               worker_filter.program.size() * sizeof(sock_filter)));
  EXPECT_EQ(send_through_agent("two"), 0);  // the worker serves on after the look
  EXPECT_EQ(received(), "two");
}

// A request as a fake first agent or worker receives it on `channel`: the header's op and
// flags, and the descriptors it passes; nothing once the channel is closed.
struct Request {
  std::uint32_t op = 0;
  std::int32_t flags = 0;
  std::vector<int> fds;
};
std::optional<Request> receive_request(int channel) {
  char packet[16384];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
  iovec iov{packet, sizeof packet};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  if (recvmsg(channel, &m, MSG_CMSG_CLOEXEC) < 8) return std::nullopt;
  Request r;
  std::memcpy(&r.op, packet, sizeof r.op);
  std::memcpy(&r.flags, packet + 4, sizeof r.flags);
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
    for (std::size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); ++i) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      r.fds.push_back(fd);
    }
  return r;
}

// The agent's answer on the wire: a value and an errno.
struct WireAnswer {
  std::int64_t val;
  std::int32_t error;
};

// At the sandbox's process limit a worker cannot be started. Calls waiting for one then try
// again one at a time, every kStartRetry at most, not all at once on every failure: the
// first agent spent a whole CPU failing to fork while calls were blocked at the limit.
// Here the test plays the first agent: its first worker takes a call and never answers,
// every later start fails with EAGAIN. Eight more calls wait; the starts they try are
// counted for 0.5 s (before: thousands).
TEST(DomainAgentAtTheLimit, FailedStartsAreNotRetriedByEveryWaitingCall) {
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
  const UniqueFd spawner(pair[1]);
  std::optional<DomainAgent> agent(std::in_place, UniqueFd(pair[0]));
  std::atomic<int> starts{0};
  UniqueFd worker;  // the one worker's channel: never answered
  std::thread first_agent([&] {
    WireAnswer answer{};
    for (;;) {
      const auto request = receive_request(spawner.get());
      if (!request) return;
      const int fd = request->fds.empty() ? -1 : request->fds[0];
      const bool first = starts.fetch_add(1) == 0;
      if (first) worker = UniqueFd(fd);
      else close(fd);
      answer.error = first ? 0 : EAGAIN;
      send(spawner.get(), &answer, sizeof answer, MSG_NOSIGNAL);
    }
  });
  const UniqueFd sock(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const auto call = [&] { return agent->perform(one_byte_send(sock.get())).error; };
  std::vector<std::future<int>> calls;
  calls.push_back(std::async(std::launch::async, call));
  while (starts.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // that call is the worker's now
  for (int i = 0; i < 8; ++i) calls.push_back(std::async(std::launch::async, call));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const int tried = starts.load() - 1;
  EXPECT_GE(tried, 1);
  EXPECT_LE(tried, 20);  // one per 50 ms, and some slack for a slow machine
  worker.reset();  // the blocked call's worker is gone: it fails closed; the others, at the
  for (auto& c : calls) c.wait();  // limit with no worker, are made by the first agent (EAGAIN here)
  agent.reset();
  first_agent.join();
}

// A start that fails once (a passing shortage) is tried again before the first agent is
// given the call: a call the first agent makes that blocks holds up every start until it
// ends. Here the test plays the first agent and its workers: the first start fails
// (EAGAIN), later ones succeed; a call marked kBlocks is answered only once released.
// Before, that first call went to the first agent at once and blocked it, and a second call
// on another socket, which needs a worker started, waited for it ("second held up" in
// RunSupervised.ABlockedUnixSendDoesNotHoldUpAnother).
TEST(DomainAgentAtTheLimit, AStartThatFailsOnceLeavesNoBlockedCallOnTheFirstAgent) {
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
  const UniqueFd spawner(pair[1]);
  std::optional<DomainAgent> agent(std::in_place, UniqueFd(pair[0]));
  constexpr int kBlocks = MSG_DONTROUTE;  // the flag that marks the blocking call (never sent)
  std::mutex mu;
  std::condition_variable released_cv;
  bool released = false;
  int starts = 0, made_by_first_agent = 0, blocked = 0;  // under mu
  std::vector<std::thread> workers;                       // touched by the first agent's thread only
  // Serves `channel` until it closes: the first agent (Serve requests, and calls) or a worker.
  std::function<void(int, bool)> serve = [&](int channel, bool first_agent) {
    for (;;) {
      const auto request = receive_request(channel);
      if (!request) return;
      const std::uint32_t op = request->op;
      const std::int32_t flags = request->flags;
      const std::vector<int>& fds = request->fds;
      WireAnswer answer{1, 0};
      if (first_agent && op == static_cast<std::uint32_t>(AgentOp::Serve)) {
        bool fail;
        {
          const std::lock_guard lock(mu);
          fail = starts++ == 0;
        }
        if (fail || fds.size() != 1) {
          answer = {0, EAGAIN};
          for (const int fd : fds) close(fd);
        } else {
          workers.emplace_back([&serve, fd = fds[0]] {
            serve(fd, false);
            close(fd);
          });
        }
      } else {
        std::unique_lock lock(mu);
        if (first_agent) ++made_by_first_agent;
        if (flags & kBlocks) {
          ++blocked;
          released_cv.wait(lock, [&] { return released; });
        }
        lock.unlock();
        for (const int fd : fds) close(fd);
      }
      send(channel, &answer, sizeof answer, MSG_NOSIGNAL);
    }
  };
  std::thread first_agent([&] { serve(spawner.get(), true); });
  const UniqueFd sock(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const auto call = [&](int flags) {
    AgentRequest r = one_byte_send(sock.get());
    r.flags = flags;
    return agent->perform(r).error;
  };
  std::future<int> first = std::async(std::launch::async, call, kBlocks);
  for (;; std::this_thread::sleep_for(std::chrono::milliseconds(1))) {
    const std::lock_guard lock(mu);
    if (blocked > 0) break;
  }
  std::future<int> second = std::async(std::launch::async, call, 0);
  EXPECT_EQ(second.wait_for(std::chrono::seconds(3)), std::future_status::ready) << "second held up";
  {
    const std::lock_guard lock(mu);
    released = true;
    EXPECT_EQ(made_by_first_agent, 0);
    EXPECT_EQ(starts, 3);  // the failed one, then one per call
  }
  released_cv.notify_all();
  EXPECT_EQ(first.get(), 0);
  EXPECT_EQ(second.get(), 0);
  agent.reset();  // closes the channels: the threads playing the agent end
  first_agent.join();
  for (std::thread& t : workers) t.join();
}

// The uid the receiver's next datagram was sent with (SCM_CREDENTIALS), or -1.
long sender_uid(int receiver) {
  char buf[64];
  iovec iov{buf, sizeof buf};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  if (recvmsg(receiver, &m, MSG_DONTWAIT) < 0) return -1;
  const cmsghdr* c = CMSG_FIRSTHDR(&m);
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS) return -1;
  ucred cred{};
  std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
  return cred.uid;
}

// Each call is made with its caller's credentials, by a worker that took them on: the
// receiver sees the uid (SCM_CREDENTIALS). Workers are kept per credentials: ours again is
// served by the first worker, and there are two.
TEST_F(DomainAgentTest, CallsAreMadeWithTheCallersCredentials) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (a worker takes on another uid)";
  const int on = 1;
  ASSERT_EQ(setsockopt(receiver_.get(), SOL_SOCKET, SO_PASSCRED, &on, sizeof on), 0);
  Credentials nobody{};
  for (auto* ids : {nobody.uid, nobody.gid})
    for (int i = 0; i < 4; ++i) ids[i] = 65534;
  ASSERT_EQ(send_through_agent("ours"), 0);
  EXPECT_EQ(sender_uid(receiver_.get()), 0);
  ASSERT_EQ(send_through_agent("nobody's", nobody), 0);
  EXPECT_EQ(sender_uid(receiver_.get()), 65534);
  ASSERT_EQ(send_through_agent("ours"), 0);
  EXPECT_EQ(sender_uid(receiver_.get()), 0);
  EXPECT_EQ(children_of(agent_pid_).size(), 2u);
}

// Credentials a worker cannot take on (a uid change without the capability) fail the call
// closed: the worker leaves without serving.
TEST_F(DomainAgentTest, CredentialsThatCannotBeTakenOnFailTheCall) {
  if (geteuid() != 0) GTEST_SKIP() << "SKIP: needs root (to be sure the test agent could take on the control's)";
  Credentials nobody{};
  for (auto* ids : {nobody.uid, nobody.gid})
    for (int i = 0; i < 4; ++i) ids[i] = 65534;
  Credentials impossible = nobody;
  impossible.cap_permitted = impossible.cap_effective = ~std::uint64_t{0};  // beyond any bounding set
  EXPECT_EQ(send_through_agent("never", impossible), EACCES);
  EXPECT_EQ(received(), "nothing");
  EXPECT_EQ(send_through_agent("nobody's", nobody), 0);  // control
  EXPECT_EQ(received(), "nobody's");
}

TEST_F(DomainAgentTest, AGoneAgentFailsTheCallClosed) {
  ASSERT_EQ(kill(agent_pid_, SIGKILL), 0);
  waitpid(agent_pid_, nullptr, 0);
  agent_pid_ = -1;
  EXPECT_EQ(send_through_agent("one"), EACCES);
  EXPECT_EQ(received(), "nothing");
}

}  // namespace
}  // namespace sandlock
