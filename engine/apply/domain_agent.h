// Calls on sockets the destination policy does not speak about (unix, netlink, ...) reach
// the supervisor too: BPF cannot see a socket's family. Letting the kernel re-run such a
// call (CONTINUE) re-reads the fd number, onto which another thread can dup2 an inet socket
// in between: an unchecked connect. Making the call in the supervisor instead would run it
// outside the sandbox's Landlock domain (escaping the abstract-socket scope, and resolving
// relative paths in the wrong directory). So a small helper process, the domain agent,
// makes them: the sandboxed child forks it after landlock_restrict_self and before loading
// its own seccomp filter, so it is in the sandbox's domain and its calls are not notified.
// The supervisor sends it the socket it duplicated and checked (so the family checked is
// the family used), the copied address and message, the caller's working directory and
// the descriptors an SCM_RIGHTS message carries, duplicated from the caller.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <cstdint>
#include <mutex>
#include <vector>

#include "engine/apply/unique_fd.h"

namespace sandlock {

// Helper side: serves requests on `channel` until the supervisor closes it. Runs in the
// forked helper; keeps no other descriptor, is not dumpable, loads its own small filter.
void run_domain_agent(int channel);  // never returns (not marked noreturn: see leave() in the .cpp)

enum class AgentOp : std::uint32_t { Connect = 1, Bind = 2, Send = 3 };

struct AgentRequest {
  AgentOp op = AgentOp::Connect;
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
};

struct AgentResult {
  std::int64_t val = 0;
  int error = 0;  // positive errno
};

// Supervisor side: one request at a time on the channel (unix calls are rare next to
// inet ones, which never come here). A helper that is gone fails every call (EACCES).
class DomainAgent {
 public:
  explicit DomainAgent(UniqueFd channel);
  AgentResult perform(const AgentRequest& request);

 private:
  UniqueFd channel_;
  std::mutex mu_;
};

// What one copied message may hold: the supervisor copies no more, the agent takes no more.
inline constexpr std::size_t kMaxMessageData = 256 * 1024;
inline constexpr std::size_t kMaxMessageControl = 64 * 1024;

// The most descriptors one SCM_RIGHTS message may carry (the kernel's SCM_MAX_FD).
inline constexpr std::size_t kMaxPassedFds = 253;

}  // namespace sandlock
