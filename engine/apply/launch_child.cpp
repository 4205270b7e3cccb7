#include "engine/apply/launch_child.h"

#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "engine/apply/domain_agent.h"
#include "engine/apply/listener_handoff.h"
#include "engine/apply/pids_cgroup.h"
#include "engine/apply/terminal.h"

extern char** environ;

namespace sandlock {
namespace {

void copy_truncated(char* dst, std::size_t size, const std::string& src) {
  const std::size_t n = std::min(size - 1, src.size());
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

[[noreturn]] void fail(int report_fd, const std::string& step, int err, const std::string& message) {
  ChildFailure f{};
  copy_truncated(f.step, sizeof f.step, step);
  f.err = err;
  copy_truncated(f.message, sizeof f.message, message);
  [[maybe_unused]] const auto n = write(report_fd, &f, sizeof f);
  _exit(125);
}

[[noreturn]] void fail_errno(int report_fd, const std::string& step, int err) {
  fail(report_fd, step, err, std::strerror(err));
}

// Everything above stderr goes, except the report socket and the agent's channel (both
// O_CLOEXEC: they close at exec).
void close_inherited_fds(int keep_a, int keep_b) {
  unsigned from = 3;
  for (const int keep : {std::min(keep_a, keep_b), std::max(keep_a, keep_b)}) {
    if (keep < static_cast<int>(from)) continue;
    if (static_cast<unsigned>(keep) > from) close_range(from, static_cast<unsigned>(keep) - 1, 0);
    from = static_cast<unsigned>(keep) + 1;
  }
  close_range(from, ~0U, 0);
}

// The domain agent: forked inside the Landlock domain, before the seccomp filter.
void start_domain_agent(int channel, int report_fd) {
  const pid_t agent = fork();
  if (agent < 0) fail_errno(report_fd, "fork the domain agent", errno);
  if (agent == 0) run_domain_agent(channel);  // closes every other descriptor first
  close(channel);
}

}  // namespace

void run_child(const ChildSetup& s, int report_fd) {
  setpgid(0, 0);
  // The parent does this too; whichever runs first wins the race against exec.
  if (s.take_terminal) set_terminal_foreground(STDIN_FILENO, getpid());
  // If the launcher died between fork and prctl, nobody would kill us later: leave now.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) fail_errno(report_fd, "prctl(PR_SET_PDEATHSIG)", errno);
  if (getppid() != s.parent) _exit(125);
  sigprocmask(SIG_SETMASK, &s.signal_mask, nullptr);
  close_inherited_fds(report_fd, s.agent_channel);

  environ = const_cast<char**>(s.envp.data());  // execvpe searches this environment's PATH
  if (!s.cwd.empty() && chdir(s.cwd.c_str()) != 0) fail_errno(report_fd, "chdir " + s.cwd, errno);
  if (!s.cgroup_procs.empty())
    if (const int err = join_cgroup(s.cgroup_procs.c_str()); err != 0)
      fail_errno(report_fd, "join pids cgroup " + s.cgroup_procs, err);

  // Landlock before the rlimits: a small open_files or memory limit must not break the
  // confinement steps themselves. Seccomp after them: the filter may deny setrlimit.
  if (auto e = set_no_new_privs()) fail(report_fd, e->step, e->err, e->message);
  if (auto e = apply_landlock(*s.landlock)) fail(report_fd, e->step, e->err, e->message);
  if (s.agent_channel >= 0) start_domain_agent(s.agent_channel, report_fd);
  for (const auto& r : s.rlimits) {
    const rlimit lim{r.soft, r.hard};
    if (setrlimit(r.resource, &lim) != 0) fail_errno(report_fd, std::string("setrlimit ") + r.name, errno);
  }
  if (auto e = load_seccomp(*s.seccomp)) fail(report_fd, e->step, e->err, e->message);
  if (s.hand_over_listener)
    if (auto e = hand_over_listener(*s.seccomp, report_fd)) fail(report_fd, e->step, e->err, e->message);

  execvpe(s.argv[0], s.argv.data(), s.envp.data());
  fail_errno(report_fd, "exec", errno);
}

}  // namespace sandlock
