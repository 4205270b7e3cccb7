#include "engine/apply/launch_child.h"

#include <linux/capability.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <memory>

#include "engine/apply/credentials.h"
#include "engine/apply/pidfd.h"
#include "engine/apply/pids_cgroup.h"
#include "engine/apply/terminal.h"

namespace sandlock {
namespace {

[[noreturn]] void fail(int report_fd, ChildStep step, int err, int index = 0) {
  const ChildFailure f{step, err, index};
  [[maybe_unused]] const auto n = write(report_fd, &f, sizeof f);
  _exit(125);
}

// Everything above stderr goes but `keep` (descriptors < 0 ignored); those are O_CLOEXEC
// and close at exec.
void close_inherited_fds(std::array<int, 3> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned from = 3;
  for (const int fd : keep) {
    if (fd < static_cast<int>(from)) continue;
    if (static_cast<unsigned>(fd) > from) close_range(from, static_cast<unsigned>(fd) - 1, 0);
    from = static_cast<unsigned>(fd) + 1;
  }
  close_range(from, ~0U, 0);
}

// Removes the capabilities in `caps` (bits 1 << CAP_*) from this process's permitted,
// effective, inheritable and ambient sets, and from its bounding set when it may change it
// (CAP_SETPCAP). With NO_NEW_PRIVS set, exec then cannot give them back, root or not: what
// an exec would gain is cut to what the process had. 0 or an errno.
int drop_capabilities(std::uint64_t caps) {
  for (unsigned c = 0; c < 64; ++c)
    if (caps >> c & 1) {
      prctl(PR_CAPBSET_DROP, c, 0, 0, 0);  // EPERM without CAP_SETPCAP: NO_NEW_PRIVS suffices
      prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, c, 0, 0);
    }
  auto sets = read_capabilities();
  if (!sets) return errno;
  sets->effective &= ~caps;
  sets->permitted &= ~caps;
  sets->inheritable &= ~caps;
  return write_capabilities(*sets);
}

// The domain agent: forked inside the Landlock domain, before the seccomp filter, as the
// launcher's child (CLONE_PARENT), not ours: the command it becomes must not see a child it
// did not make (a wait() for any child would wait for the agent for good), nor be able to
// move it out of the process group the launcher kills (setpgid takes one's own children
// only). Dies with the launcher. Returns its pidfd, which the parent takes with the
// listener, so that a call the agent makes itself can be interrupted too. Only ever on the
// fork() path: the child then has its own memory, and one thread (a bare clone is a fork).
int start_domain_agent(const SupervisedChildSteps& steps, int channel, int report_fd, pid_t launcher,
                       const sigset_t& mask) {
  int pidfd = -1;
  const long agent = syscall(SYS_clone, CLONE_PARENT | CLONE_PIDFD | SIGCHLD, 0, &pidfd, 0, 0);
  if (agent < 0) fail(report_fd, ChildStep::ForkAgent, errno);
  if (agent == 0) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != launcher) _exit(125);
    sigprocmask(SIG_SETMASK, &mask, nullptr);  // the launcher's mask, as the command gets it
    steps.run_domain_agent(channel);           // closes every other descriptor first
    _exit(125);
  }
  close(channel);
  return pidfd;
}

// Signals stay blocked (all of them, as the spawn left them) through the confinement steps,
// so none can interrupt them half-way; one sent to the group meanwhile stays pending and is
// delivered when the launcher's mask is restored, just before exec. sandlock installs no
// signal handlers (it reads signals from a signalfd), so none can run on the shared memory
// in that last window; with handlers, they would have to be reset first, as posix_spawn does.
[[noreturn]] void run_child(const ChildSetup& s, int report_fd) {
  setpgid(0, 0);
  // The parent does this too; whichever runs first wins the race against exec.
  if (s.take_terminal) set_terminal_foreground(STDIN_FILENO, getpid());
  // If the launcher died before prctl, nobody would kill us later: leave now.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) fail(report_fd, ChildStep::ParentDeathSignal, errno);
  if (getppid() != s.parent) _exit(125);
  const int ruleset = s.landlock->ruleset.get();
  close_inherited_fds({report_fd, s.agent_channel, ruleset});

  if (!s.cwd.empty() && chdir(s.cwd.c_str()) != 0) fail(report_fd, ChildStep::Chdir, errno);
  if (!s.cgroup_procs.empty())
    if (const int err = join_cgroup(s.cgroup_procs.c_str()); err != 0) fail(report_fd, ChildStep::JoinCgroup, err);

  // Landlock before the rlimits: a small open_files or memory limit must not break the
  // confinement steps themselves. Seccomp after them: the filter may deny setrlimit.
  if (const int err = set_no_new_privs()) fail(report_fd, ChildStep::NoNewPrivs, err);
  if (const int err = restrict_landlock(*s.landlock)) fail(report_fd, ChildStep::LandlockRestrict, err);
  if (ruleset >= 0) close(ruleset);  // the domain agent need not hold it
  if (s.drop_capabilities)  // before the agent is forked: it gives them up too
    if (const int err = drop_capabilities(s.drop_capabilities)) fail(report_fd, ChildStep::DropCapabilities, err);
  int agent = -1;
  if (s.supervised && s.agent_channel >= 0)
    agent = start_domain_agent(*s.supervised, s.agent_channel, report_fd, s.parent, s.signal_mask);
  // Only now, for the command: the agent is no child of ours.
  if (s.ignore_child_signal) signal(SIGCHLD, SIG_IGN);
  for (std::size_t i = 0; i < s.rlimits.size(); ++i) {
    const rlimit lim{s.rlimits[i].soft, s.rlimits[i].hard};
    if (setrlimit(s.rlimits[i].resource, &lim) != 0)
      fail(report_fd, ChildStep::Setrlimit, errno, static_cast<int>(i));
  }
  // A limit binds only a process that cannot raise it again, and CAP_SYS_RESOURCE (root's)
  // raises hard limits: given up once the limits are set (setting one above the hard limit
  // the child was given needs it).
  if (!s.rlimits.empty())
    if (const int err = drop_capabilities(1ULL << CAP_SYS_RESOURCE)) fail(report_fd, ChildStep::DropCapabilities, err);
  int listener = -1;
  if (const int err = load_seccomp(*s.seccomp, listener)) fail(report_fd, ChildStep::SeccompLoad, err);
  if (s.supervised)
    if (const int err = s.supervised->hand_over_listener(listener, agent, report_fd)) fail(report_fd, ChildStep::ListenerHandoff, err);

  sigprocmask(SIG_SETMASK, &s.signal_mask, nullptr);
  fail(report_fd, ChildStep::Exec, s.exec->exec(s.envp.data()));
}

struct SpawnArgs {
  const ChildSetup* setup;
  int report_fd;
};

int child_entry(void* arg) {
  const auto* a = static_cast<const SpawnArgs*>(arg);
  run_child(*a->setup, a->report_fd);
}

}  // namespace

bool spawn_shares_memory(const ChildSetup& setup) { return !setup.supervised && setup.agent_channel < 0; }

pid_t spawn_child(const ChildSetup& setup, int report_fd) {
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old);
  pid_t pid;
  if (!spawn_shares_memory(setup)) {
    pid = fork();
    if (pid == 0) run_child(setup, report_fd);
  } else {
    // The child's own stack; the parent's stays untouched while it is suspended. The child
    // needs a few pages; sanitizer builds need more for their redzones.
    constexpr std::size_t kStackSize = 256 * 1024;
    const auto stack = std::make_unique_for_overwrite<char[]>(kStackSize);
    SpawnArgs args{&setup, report_fd};
    pid = clone(child_entry, stack.get() + kStackSize, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  }
  const int err = errno;
  sigprocmask(SIG_SETMASK, &old, nullptr);
  errno = err;
  return pid;
}

std::string child_step_name(const ChildFailure& f, const ChildSetup& s) {
  switch (f.step) {
    case ChildStep::ParentDeathSignal: return "prctl(PR_SET_PDEATHSIG)";
    case ChildStep::Chdir: return "chdir " + s.cwd;
    case ChildStep::JoinCgroup: return "join pids cgroup " + s.cgroup_procs;
    case ChildStep::NoNewPrivs: return "prctl(PR_SET_NO_NEW_PRIVS)";
    case ChildStep::LandlockRestrict: return "landlock_restrict_self";
    case ChildStep::DropCapabilities: return "drop capabilities";
    case ChildStep::ForkAgent: return "fork the domain agent";
    case ChildStep::Setrlimit:
      if (f.index >= 0 && static_cast<std::size_t>(f.index) < s.rlimits.size())
        return std::string("setrlimit ") + s.rlimits[static_cast<std::size_t>(f.index)].name;
      return "setrlimit";
    case ChildStep::SeccompLoad: return "seccomp(SECCOMP_SET_MODE_FILTER)";
    case ChildStep::ListenerHandoff: return "seccomp listener handoff";
    case ChildStep::Exec: return "exec";
  }
  return "unknown step";
}

}  // namespace sandlock
