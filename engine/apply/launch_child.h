// The child side of launch(): everything between fork and exec, and the small record a
// failing step sends back to the parent through the O_CLOEXEC report pipe.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "engine/apply/confine.h"

namespace sandlock {

struct RlimitSetting {
  int resource;  // RLIMIT_*
  rlim_t soft;
  rlim_t hard;
  const char* name;  // "RLIMIT_AS", for the error message
};

// Fixed-size so one write() (atomic below PIPE_BUF) carries it; EOF without it = exec happened.
struct ChildFailure {
  char step[128];
  int err;
  char message[256];
};

// Built in the parent before fork; the child only reads it.
struct ChildSetup {
  pid_t parent = 0;      // recorded before fork, for the parent-death race check
  sigset_t signal_mask;  // the mask to restore before exec
  std::vector<char*> argv;  // null-terminated
  std::vector<char*> envp;  // null-terminated
  std::string cwd;
  bool take_terminal = false;  // the launcher owns the terminal's foreground: take it over
  std::string cgroup_procs;  // empty: no pids cgroup to join
  std::vector<RlimitSetting> rlimits;
  const LandlockPlan* landlock = nullptr;
  const PreparedSeccomp* seccomp = nullptr;
  bool hand_over_listener = false;  // the filter notifies: pass its listener to the parent
  int agent_channel = -1;  // >= 0: fork the domain agent (domain_agent.h) serving this socket
};

// Never returns: execs the command, or reports the failed step on `report_fd` and exits.
[[noreturn]] void run_child(const ChildSetup& setup, int report_fd);

}  // namespace sandlock
