#include "engine/apply/launch.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <linux/seccomp.h>

#include "engine/apply/child_signal.h"
#include "engine/apply/credentials.h"
#include "engine/apply/launch_child.h"
#include "engine/apply/leftover_children.h"
#include "engine/apply/pidfd.h"
#include "engine/apply/pids_cgroup.h"
#include "engine/apply/terminal.h"
#include "engine/apply/unique_fd.h"
#include "engine/util/disk.h"

namespace sandlock {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::array kForwardedSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};
constexpr double kMaxTimeoutSeconds = 1e9;

// Blocks the forwarded signals and reads them from a signalfd; restores the mask on exit.
class SignalCatcher {
 public:
  SignalCatcher() {
    sigemptyset(&set_);
    for (const int sig : kForwardedSignals) sigaddset(&set_, sig);
    sigprocmask(SIG_BLOCK, &set_, &old_mask_);
    fd_.reset(signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK));
  }
  ~SignalCatcher() { sigprocmask(SIG_SETMASK, &old_mask_, nullptr); }
  SignalCatcher(const SignalCatcher&) = delete;
  SignalCatcher& operator=(const SignalCatcher&) = delete;

  int fd() const { return fd_.get(); }
  const sigset_t& old_mask() const { return old_mask_; }
  // Forwards every pending signal to the child's process group, and to the child itself when
  // it has left that group (for another one of the session's, where the group's signal
  // misses it; sent once otherwise, as a terminal would).
  void forward_to(int child_pidfd, pid_t child) const {
    signalfd_siginfo info{};
    while (read(fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      const int sig = static_cast<int>(info.ssi_signo);
      kill(-child, sig);
      if (getpgid(child) != child) sys::pidfd_send_signal(child_pidfd, sig);
    }
  }

 private:
  sigset_t set_{};
  sigset_t old_mask_{};
  UniqueFd fd_;
};

// Progress notes (--verbose) go straight to stderr: the launcher of cached plans keeps
// iostreams (and their start-up cost) out of its binary.
void note(const std::string& text) { disk::write_all(STDERR_FILENO, "sandlock: " + text + "\n"); }

std::string validate_request(const PreparedLaunch& r) {
  if (r.argv.empty()) return "no command to run";
  if ((r.seccomp.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) && !r.supervision)
    return "this profile needs the network supervisor, but none was given";
  if (r.timeout_seconds && !(*r.timeout_seconds > 0)) return "the timeout must be a positive number of seconds";
  // Beyond it the deadline would overflow the clock (and no run is meant to last 30 years).
  if (r.timeout_seconds && *r.timeout_seconds > kMaxTimeoutSeconds)
    return "the timeout must be at most " + std::to_string(static_cast<long long>(kMaxTimeoutSeconds)) + " seconds";
  return {};
}

// The rlimits for every limit but `processes` (handled by the pids cgroup or RLIMIT_NPROC).
std::string rlimits_for(const std::map<std::string, std::uint64_t>& limits, std::vector<RlimitSetting>& out) {
  for (const auto& [name, value] : limits) {
    const rlim_t v = static_cast<rlim_t>(value);
    if (name == "memory") out.push_back({RLIMIT_AS, v, v, "RLIMIT_AS"});
    else if (name == "open_files") out.push_back({RLIMIT_NOFILE, v, v, "RLIMIT_NOFILE"});
    // SIGXCPU at N seconds, SIGKILL a second later if the command ignores it.
    else if (name == "cpu_time") out.push_back({RLIMIT_CPU, v, v == RLIM_INFINITY ? v : v + 1, "RLIMIT_CPU"});
    else if (name == "file_size") out.push_back({RLIMIT_FSIZE, v, v, "RLIMIT_FSIZE"});
    else if (name != "processes") return "unknown limit '" + name + "'";
  }
  return {};
}

// `processes` must bind even for root: a pids cgroup, else RLIMIT_NPROC for non-root only.
std::string limit_processes(const PreparedLaunch& r, std::optional<PidsCgroup>& cgroup, std::vector<RlimitSetting>& rl) {
  const auto it = r.limits.find("processes");
  if (it == r.limits.end()) return {};
  std::string why;
  cgroup = PidsCgroup::create(it->second, why);
  if (cgroup) {
    if (r.verbose) note("processes limited by " + cgroup->dir() + "/pids.max");
    return {};
  }
  // The kernel does not count RLIMIT_NPROC against real uid 0, nor against CAP_SYS_ADMIN or
  // CAP_SYS_RESOURCE (the child gives up the latter once its limits are set; not the former).
  const auto caps = read_capabilities();
  constexpr std::uint64_t kSysAdmin = 1ULL << 21;  // CAP_SYS_ADMIN
  if (geteuid() == 0 || getuid() == 0 || !caps || (caps->permitted & kSysAdmin))
    return "cannot limit processes to " + std::to_string(it->second) + ": no pids cgroup (" + why +
           ") and RLIMIT_NPROC does not bind root or CAP_SYS_ADMIN";
  const rlim_t v = static_cast<rlim_t>(it->second);
  rl.push_back({RLIMIT_NPROC, v, v, "RLIMIT_NPROC"});
  if (r.verbose) note("no pids cgroup (" + why + "); using RLIMIT_NPROC (counts all your processes)");
  return {};
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

enum class Waited { Exited, TimedOut, Failed };

// Waits for the child's pidfd, forwarding signals, until it exits or the deadline passes
// (Clock::time_point::max() = no deadline); Failed (errno set) when it cannot wait.
Waited wait_for_exit(int pidfd, const SignalCatcher& signals, pid_t child, Clock::time_point deadline) {
  pollfd fds[2] = {{pidfd, POLLIN, 0}, {signals.fd(), POLLIN, 0}};
  for (;;) {
    int timeout_ms = -1;
    if (deadline != Clock::time_point::max()) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return Waited::TimedOut;
      timeout_ms = static_cast<int>(std::min<std::int64_t>(left, INT_MAX));
    }
    if (poll(fds, 2, timeout_ms) < 0) {
      if (errno == EINTR) continue;
      return Waited::Failed;
    }
    if (fds[1].revents & POLLIN) signals.forward_to(pidfd, child);
    if (fds[0].revents & POLLIN) return Waited::Exited;
  }
}

// The child's wait status; none when it cannot be had (never "exited 0" for a status lost).
std::optional<int> wait_status(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return std::nullopt;
  return status;
}

// Kills what is left of the sandbox and reaps it: the process group, plus (via the
// cgroup) members that left the group, plus, when every child of ours but those `spared`
// (the ones we had before it) is the sandbox's, whatever else it left us: orphans are ours
// as the subreaper.
// `group_killed`: the caller killed the group while its leader still held the group's id
// (once every member is reaped the id is free, and another process may take it).
void kill_and_reap_sandbox(pid_t pgid, const std::optional<PidsCgroup>& cgroup,
                           const std::optional<std::vector<pid_t>>& spared, bool group_killed = false) {
  if (!group_killed) kill(-pgid, SIGKILL);
  if (cgroup) cgroup->kill_all();
  int status = 0;
  while (waitpid(-pgid, &status, 0) > 0 || errno == EINTR) {
  }
  if (cgroup)
    for (const pid_t pid : cgroup->members()) waitpid(pid, &status, 0);
  if (spared) kill_leftover_children(*spared);
}

int exit_code_from(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kExitSandlockError;
}

int exit_code_from(const ChildFailure& f, const ChildSetup& setup, const std::string& command,
                   std::string& error_out) {
  if (f.step == ChildStep::Exec) {
    error_out = command + ": " + std::strerror(f.err);
    return f.err == ENOENT ? kExitNotFound : kExitNotExecutable;
  }
  error_out = child_step_name(f, setup) + " failed: " + std::strerror(f.err) + "; the command was not run";
  return kExitSandlockError;
}

std::optional<std::string> env_value(const PreparedLaunch& r, std::string_view key) {
  for (const auto& [k, v] : r.env)
    if (k == key) return v;
  return std::nullopt;
}

std::string errno_message(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

void print_plan_summary(const PreparedLaunch& r) {
  note("Landlock ABI " + std::to_string(r.landlock.abi) + ", " + std::to_string(r.landlock.path_rules.size()) +
       " path rules, " + std::to_string(r.landlock.net_rules.size()) + " port rules, " +
       std::to_string(r.seccomp_rules) + " seccomp rules");
}

// "2.5", "0.25", "30": the timeout as the user wrote it, without iostreams.
std::string seconds_text(double seconds) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", seconds);
  return buf;
}

// After a successful exec: waits (forwarding signals, enforcing the deadline), then
// kills and reaps whatever is left of the sandbox.
int supervise(pid_t child, const SignalCatcher& signals, Clock::time_point deadline,
              const std::optional<PidsCgroup>& cgroup, const std::optional<std::vector<pid_t>>& spared,
              const PreparedLaunch& request, std::string& error_out) {
  const UniqueFd pidfd(sys::pidfd_open(child, 0));
  if (!pidfd) {  // without it neither the deadline nor forwarded signals could reach the command
    const int err = errno;
    kill_and_reap_sandbox(child, cgroup, spared);
    error_out = std::string("watching the command failed (pidfd_open: ") + std::strerror(err) +
                "); the sandbox was killed";
    return kExitSandlockError;
  }
  const Waited waited = wait_for_exit(pidfd.get(), signals, child, deadline);
  const int poll_errno = errno;
  const bool exited = waited == Waited::Exited;
  // The command itself too: it may have left its process group for another of the session's.
  if (!exited) sys::pidfd_send_signal(pidfd.get(), SIGKILL);
  kill(-child, SIGKILL);  // before the leader is reaped: until then the group's id is its
  if (cgroup) cgroup->kill_all();
  const std::optional<int> status = wait_status(child);
  const int wait_errno = errno;
  kill_and_reap_sandbox(child, cgroup, spared, true);
  if (waited == Waited::Failed) {
    error_out = std::string("waiting for the command failed (poll: ") + std::strerror(poll_errno) +
                "); the sandbox was killed";
    return kExitSandlockError;
  }
  if (!exited) {
    error_out = "timed out after " + seconds_text(*request.timeout_seconds) + " s; the sandbox was killed";
    return kExitTimeout;
  }
  if (!status) {
    error_out = std::string("the command's exit status could not be read (waitpid: ") + std::strerror(wait_errno) + ")";
    return kExitSandlockError;
  }
  const int code = exit_code_from(*status);
  if (request.verbose) note("exit status " + std::to_string(code));
  return code;
}

// Reads the child's report: true and `f` filled when a step failed, false on EOF (exec).
bool read_failure(int fd, ChildFailure& f) {
  ssize_t n;
  while ((n = read(fd, &f, sizeof f)) < 0 && errno == EINTR) {
  }
  return n == static_cast<ssize_t>(sizeof f);
}

}  // namespace

int launch_prepared(const PreparedLaunch& request, std::string& error_out) {
  error_out.clear();
  auto fail = [&](const std::string& message) {
    error_out = message + "; the command was not run";
    return kExitSandlockError;
  };
  if (auto problem = validate_request(request); !problem.empty()) return fail(problem);

  ChildSetup setup;
  if (auto problem = rlimits_for(request.limits, setup.rlimits); !problem.empty()) return fail(problem);
  std::optional<PidsCgroup> cgroup;
  if (auto problem = limit_processes(request, cgroup, setup.rlimits); !problem.empty()) return fail(problem);
  // Everything that can fail with a message happens here, before the spawn: the child only
  // makes the final syscalls.
  PreparedLandlock landlock;
  if (auto e = prepare_landlock(request.landlock, landlock)) return fail(e->step + " failed: " + e->message);

  std::vector<std::string> argv = request.argv;
  std::vector<std::string> env;
  for (const auto& [key, value] : request.env) env.push_back(key + "=" + value);
  setup.argv = c_strings(argv);
  setup.envp = c_strings(env);
  ExecSearch exec(argv[0], env_value(request, "PATH"), setup.argv.data());
  setup.exec = &exec;
  setup.cwd = request.cwd;
  if (cgroup) setup.cgroup_procs = cgroup->procs_file();
  setup.landlock = &landlock;
  setup.seccomp = &request.seccomp;
  setup.drop_capabilities = request.drop_capabilities;
  if (request.supervision) setup.supervised = &request.supervision->child_steps();
  if (request.verbose) print_plan_summary(request);

  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return fail(errno_message("PR_SET_CHILD_SUBREAPER"));
  const DefaultChildSignal child_signal;
  setup.ignore_child_signal = child_signal.was_ignored();  // the command gets what we got
  const SignalCatcher signals;
  if (signals.fd() < 0) return fail(errno_message("signalfd"));
  setup.signal_mask = signals.old_mask();
  // A packet socket pair rather than a pipe: one message per write, and the parent can
  // answer (the seccomp listener handoff). EOF still means exec happened (SOCK_CLOEXEC).
  int pipe_fds[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pipe_fds) != 0) return fail(errno_message("socketpair"));
  UniqueFd report_read(pipe_fds[0]), report_write(pipe_fds[1]);
  UniqueFd agent_parent, agent_child;  // the supervisor's channel to the domain agent
  if (request.supervision) {
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pipe_fds) != 0) return fail(errno_message("socketpair"));
    agent_parent.reset(pipe_fds[0]);
    agent_child.reset(pipe_fds[1]);
    setup.agent_channel = agent_child.get();
  }

  const ForegroundTerminal terminal;  // declared after `signals`: gives the terminal back first
  setup.take_terminal = terminal.owned();
  setup.parent = getpid();
  const auto deadline = request.timeout_seconds
                            ? Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(*request.timeout_seconds))
                            : Clock::time_point::max();
  // Children we had before the sandbox (jobs of a shell that exec'd sandlock) are not its.
  std::optional<std::vector<pid_t>> spared;
  if (request.kill_every_child) spared = own_children();
  const pid_t child = spawn_child(setup, report_write.get());
  if (child < 0) return fail(errno_message("starting the child"));
  // A forked child may not have got there yet: also here, so kill(-child) cannot race its
  // own setpgid. A vfork-style child has done both by the time we resume.
  if (!spawn_shares_memory(setup)) {
    setpgid(child, child);
    terminal.hand_to(child);
  }
  report_write.reset();
  agent_child.reset();

  ChildFailure failure{};
  // The supervisor runs until the caller drops `supervision`: after the sandbox is reaped.
  Handoff handoff = Handoff::Started;
  if (request.supervision) {
    std::string why;
    handoff = request.supervision->start(report_read.get(), child, std::move(agent_parent), failure, why);
    if (handoff == Handoff::Broken) {
      kill_and_reap_sandbox(child, cgroup, spared);
      return fail("network supervisor: " + why);
    }
  }
  if (handoff == Handoff::ChildFailed || read_failure(report_read.get(), failure)) {
    kill_and_reap_sandbox(child, cgroup, spared);
    return exit_code_from(failure, setup, request.argv[0], error_out);
  }
  return supervise(child, signals, deadline, cgroup, spared, request, error_out);
}

}  // namespace sandlock
