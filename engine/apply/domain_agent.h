// Calls on sockets the destination policy does not speak about (unix, netlink, ...) reach
// the supervisor too: BPF cannot see a socket's family. Letting the kernel re-run such a
// call (CONTINUE) re-reads the fd number, onto which another thread can dup2 an inet socket
// in between: an unchecked connect. Making the call in the supervisor instead would run it
// outside the sandbox's Landlock domain (escaping the abstract-socket scope, and resolving
// relative paths in the wrong directory). So a small helper process, the domain agent,
// makes them: the sandboxed child forks it after landlock_restrict_self and before loading
// its own seccomp filter, so it is in the sandbox's domain and its calls are not notified.
// (Forked as the launcher's child, CLONE_PARENT: see launch_child.cpp.)
// The supervisor sends it the socket it duplicated and checked (so the family checked is
// the family used), the copied address and message, the caller's working directory and
// the descriptors an SCM_RIGHTS message carries, duplicated from the caller.
//
// A unix call can block (a send to a peer that does not read, a connect to a full backlog),
// and another call of the sandbox may be what would unblock it. So each call gets an agent
// of its own: the first agent only forks workers, one per channel the supervisor sends it,
// and each worker serves one call at a time on its channel; idle workers are kept for later
// calls. The workers are the first agent's children: same domain, same filter, plus one
// that refuses clone (agent_worker_filter()). Each worker takes on the credentials of the
// callers it serves before its first call (so a command that gave up root does not connect
// as root): idle workers are kept per credentials. The first agent hands the supervisor each
// worker's pidfd, so that a signal the caller would handle can interrupt the call its
// worker is blocked in (agent_interrupt_signal()); the launcher hands it the first agent's
// own, for the calls it makes itself.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "engine/apply/confine.h"
#include "engine/apply/credentials.h"
#include "engine/apply/unique_fd.h"

namespace sandlock {

// Helper side: serves requests on `channel` until the supervisor closes it. Runs in the
// forked helper; keeps no other descriptor, is not dumpable, loads its own small filter.
void run_domain_agent(int channel);  // never returns (not marked noreturn: see leave() in the .cpp)

// Serve: to the first agent only, with a new channel as its one descriptor: fork a worker
// that serves that channel. (The first agent makes calls too, when no worker can be had.)
enum class AgentOp : std::uint32_t { Connect = 1, Bind = 2, Send = 3, Serve = 4 };

struct AgentRequest {
  AgentOp op = AgentOp::Connect;
  // The caller's: the call is made by a worker that has taken them on (credentials.h). The
  // first agent makes a call itself only when they are its own (else EACCES: fail closed).
  Credentials creds;
  int flags = 0;  // sendmsg flags
  int sock = -1;  // the supervisor's duplicate of the caller's socket
  int cwd = -1;   // the caller's working directory (O_PATH), for relative socket paths
  const void* name = nullptr;
  socklen_t name_len = 0;
  const char* data = nullptr;
  std::size_t data_len = 0;
  // The caller's control data, verbatim; the SCM_RIGHTS descriptor numbers in it are
  // replaced by the helper, in order, with `rights` (duplicates of those descriptors).
  const char* control = nullptr;
  std::size_t control_len = 0;
  std::vector<int> rights;
  // Told, on the thread in perform(), the pidfd of the worker making the call once it has
  // one, then -1 once that worker is done with it. In between, agent_interrupt_signal() sent
  // to that pidfd interrupts the call: EINTR, or the part of a stream send already made, as
  // the kernel answers a caller whose handler interrupts it. The first agent's pidfd when it
  // makes the call itself (no worker to be had). Never told when the pidfd of the one making
  // the call is not to be had (did not arrive): such a call is not interruptible.
  std::function<void(int pidfd)> on_worker;
};

// The signal a worker handles (with a handler that does nothing, without SA_RESTART) so
// that a blocked call fails with EINTR; every other asynchronous signal is ignored.
int agent_interrupt_signal();

// What each worker adds to the agent's filter as it starts, once it has taken on its
// callers' credentials: clone refused (EPERM), the one way to fork that filter allows (clone3,
// fork and vfork it refuses), so a worker cannot fork, and every credential change refused.
// Only the first agent forks (workers). Its program is empty if libseccomp fails.
PreparedSeccomp agent_worker_filter();

struct AgentResult {
  std::int64_t val = 0;
  int error = 0;  // positive errno
};

// Supervisor side: each call on a worker of its own, forked on demand up to kMaxWorkers
// (beyond, calls wait for a worker to be free). When not even one worker can be started
// (the sandbox's process limit) for kRoomSettles, the first agent makes the calls, one at a
// time. An agent
// that is gone fails the call it was sent (EACCES): fail closed.
class DomainAgent {
 public:
  static constexpr std::size_t kMaxWorkers = 64;  // as many as the supervisor has threads

  // `pidfd`: the first agent's (optional: without it, the calls it makes itself cannot be
  // interrupted).
  explicit DomainAgent(UniqueFd channel, UniqueFd pidfd = UniqueFd());
  AgentResult perform(const AgentRequest& request);

 private:
  // A free worker, a new one, or (none free, none to be started) one freed meanwhile; null
  // when there is no worker at all and none can be started.
  struct Worker {
    UniqueFd channel;
    UniqueFd pidfd;  // to interrupt its call
    Credentials creds;  // those it took on: it serves only callers that have them
  };
  Worker take_worker(const Credentials& creds);
  Worker take_idle(std::vector<Worker>::iterator at);  // out of idle_ (under mu_)
  Worker start_worker(const Credentials& creds);
  void keep_worker(Worker worker);  // back to the idle ones
  void lose_worker();                  // one that died or could not be started

  UniqueFd spawner_;  // the first agent's channel: Serve requests, and calls when no worker can be had
  UniqueFd spawner_pidfd_;
  std::mutex spawn_mu_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<Worker> idle_;    // under mu_: workers waiting for a call, of any credentials
  std::size_t workers_ = 0;     // under mu_: started or being started
  // Under mu_: after a failed start, none is tried before this (unless a worker is lost).
  std::chrono::steady_clock::time_point next_start_{};
  // Under mu_: since when starts have failed, none succeeding since ({}: the last did not fail).
  std::chrono::steady_clock::time_point failing_since_{};
  static constexpr std::chrono::milliseconds kStartRetry{50};
  // After evicting an idle worker to make room, and once starts begin to fail, they are
  // retried (every kStartRetry) this long before a call falls back to the first agent.
  static constexpr std::chrono::milliseconds kRoomSettles{200};
};

// What one copied message may hold: the supervisor copies no more, the agent takes no more.
inline constexpr std::size_t kMaxMessageData = 256 * 1024;
inline constexpr std::size_t kMaxMessageControl = 64 * 1024;

// The most descriptors one SCM_RIGHTS message may carry (the kernel's SCM_MAX_FD).
inline constexpr std::size_t kMaxPassedFds = 253;

}  // namespace sandlock
