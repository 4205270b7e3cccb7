// The child side of launch(): everything between the spawn and exec, and the small record a
// failing step sends back to the parent through the O_CLOEXEC report socket.
//
// The child usually shares the parent's memory (a vfork-style clone: no page tables to copy,
// no copy-on-write faults, the parent suspended until exec), so everything here is
// allocation-free and only reads the setup the parent built, and the failure record names
// its step by number: the parent turns it into text.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "engine/apply/confine.h"
#include "engine/apply/exec_search.h"

namespace sandlock {

struct RlimitSetting {
  int resource;  // RLIMIT_*
  rlim_t soft;
  rlim_t hard;
  const char* name;  // "RLIMIT_AS", for the error message
};

enum class ChildStep : int {
  ParentDeathSignal,
  Chdir,
  JoinCgroup,
  NoNewPrivs,
  LandlockRestrict,
  DropCapabilities,
  ForkAgent,
  Setrlimit,  // ChildFailure::index names the rlimit
  SeccompLoad,
  ListenerHandoff,
  Exec,
};

// Fixed-size so one write() carries it; EOF without it = exec happened.
struct ChildFailure {
  ChildStep step;
  int err;    // errno
  int index;  // which rlimit, for Setrlimit
};

// The network supervisor's steps in the child (listener_handoff.h, domain_agent.h), passed
// as functions: a launcher that never supervises links none of the supervisor's code.
struct SupervisedChildSteps {
  // Right after the filter is loaded: 0 once the parent holds the listener (and the domain
  // agent's pidfd `agent`, if >= 0), else an errno.
  int (*hand_over_listener)(int listener, int agent, int channel) = nullptr;
  // The domain agent's main loop, in a process forked inside the Landlock domain.
  void (*run_domain_agent)(int channel) = nullptr;  // does not return
};

// How the parent's side of the listener handoff ended.
enum class Handoff {
  Started,      // the supervisor runs; the child goes on to exec
  ChildFailed,  // the child reported a failed step first: `failure` holds it
  Broken,       // no listener arrived (or it could not be taken): `error` says why
};

// Built in the parent before the spawn; the child only reads it (and ExecSearch's scratch slot).
struct ChildSetup {
  pid_t parent = 0;      // recorded before the spawn, for the parent-death race check
  sigset_t signal_mask;  // the mask to restore before exec
  std::vector<char*> argv;  // null-terminated
  std::vector<char*> envp;  // null-terminated
  ExecSearch* exec = nullptr;
  std::string cwd;
  bool take_terminal = false;  // the launcher owns the terminal's foreground: take it over
  bool ignore_child_signal = false;  // the launcher was started with SIGCHLD ignored: so is the command
  std::string cgroup_procs;  // empty: no pids cgroup to join
  std::vector<RlimitSetting> rlimits;
  const PreparedLandlock* landlock = nullptr;
  const PreparedSeccomp* seccomp = nullptr;
  std::uint64_t drop_capabilities = 0;  // capability bits given up before exec (and the agent)
  // Set when the filter notifies: pass its listener to the parent, and fork the domain
  // agent serving `agent_channel`.
  const SupervisedChildSteps* supervised = nullptr;
  int agent_channel = -1;
};

// Starts the child, which confines itself and execs the command, or reports the failed step
// on `report_fd` and exits 125. A vfork-style clone unless the child must run alongside the
// parent before exec (the listener handoff, the domain agent): then fork(). Returns the
// child's pid, or -1 with errno.
pid_t spawn_child(const ChildSetup& setup, int report_fd);
// True when spawn_child uses the vfork-style clone: it returns only once the child has
// exec'd or exited, so every step before exec (its own process group, the terminal) is done.
bool spawn_shares_memory(const ChildSetup& setup);

// "chdir /srv", "setrlimit RLIMIT_AS", ...: the step as the error message names it.
std::string child_step_name(const ChildFailure& failure, const ChildSetup& setup);

}  // namespace sandlock
