// The launcher behind `sandlock run`: fork, confine the child, exec the command, wait.
//
// Two entry points: launch() takes a Plan (the engine's path: it builds the seccomp
// program with libseccomp and the network supervisor when the plan needs one);
// launch_prepared() takes the plan's kernel objects already built (the BPF program as
// bytes), so the small launcher that runs cached plans (cli/launcher.cpp) links neither
// libseccomp nor the supervisor.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <memory>

#include "engine/apply/confine.h"
#include "engine/apply/destinations.h"
#include "engine/apply/launch_child.h"
#include "engine/lower/plan.h"

namespace sandlock {

// Exit statuses of `sandlock run` besides the command's own (and 128+N for signal N).
inline constexpr int kExitTimeout = 124;
inline constexpr int kExitSandlockError = 125;  // a confinement step failed: the command never ran
inline constexpr int kExitNotExecutable = 126;
inline constexpr int kExitNotFound = 127;

struct LaunchRequest {
  std::vector<std::string> argv;                         // argv[0] is searched in the env's PATH
  std::vector<std::pair<std::string, std::string>> env;  // the final environment, already built
  std::string cwd;                                       // empty: stay in the launcher's cwd
  // memory (bytes), processes, open_files, cpu_time (seconds), file_size (bytes).
  std::map<std::string, std::uint64_t> limits;
  Plan plan;
  // The network supervisor's policy (host names already resolved); required when
  // plan.needs_supervisor.
  std::shared_ptr<const DestinationPolicy> destinations;
  std::optional<double> timeout_seconds;
  bool verbose = false;  // progress notes on stderr
  bool kill_every_child = false;  // PreparedLaunch::kill_every_child
};

// The network supervisor, as the launcher drives it (listener_handoff.h implements it).
class Supervision {
 public:
  virtual ~Supervision() = default;
  virtual const SupervisedChildSteps& child_steps() const = 0;
  // Parent side, right after the spawn: takes the child's listener from `channel`.
  virtual Handoff start(int channel, pid_t child, UniqueFd agent, ChildFailure& failure, std::string& error) = 0;
};

// A launch with the plan's kernel objects built (or loaded from the plan cache).
struct PreparedLaunch {
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> env;
  std::string cwd;
  std::map<std::string, std::uint64_t> limits;
  LandlockPlan landlock;
  PreparedSeccomp seccomp;
  std::size_t seccomp_rules = 0;      // for the --verbose summary
  std::uint64_t drop_capabilities = 0;  // Plan::drop_capabilities
  Supervision* supervision = nullptr;  // required when the seccomp program notifies
  std::optional<double> timeout_seconds;
  bool verbose = false;
  // The caller makes no children of its own while the sandbox runs (the sandlock process):
  // every child it has when the command ends, but those it had before, is the sandbox's and
  // is killed, those that left the command's process group (setsid) too. Not stored in the
  // plan cache: each run says it.
  bool kill_every_child = false;
};

// Runs the command confined by request.plan and returns its exit status: the command's
// own; 128+N if it died of signal N; 124 on timeout (its whole process group killed);
// 125 when sandlock failed (error_out names the step, without a "sandlock: " prefix); 126 not executable (including exec
// denied by Landlock); 127 not found. Makes the caller a child subreaper (permanently),
// so orphaned grandchildren are reaped here; SIGINT/SIGTERM/SIGHUP/SIGQUIT received
// while waiting are forwarded to the command's process group.
int launch(const LaunchRequest& request, std::string& error_out);
// The same, for a launch already prepared.
int launch_prepared(const PreparedLaunch& launch, std::string& error_out);

// Builds the seccomp program of `plan` (libseccomp) into `out`: the part of launch() that
// launch_prepared() does not do. Fails with the step and the reason.
std::optional<ConfineError> prepare_seccomp(const SeccompPlan& plan, PreparedSeccomp& out);
// The whole request as launch_prepared() takes it (the seccomp program built; no supervision).
std::optional<ConfineError> prepare_launch(const LaunchRequest& request, PreparedLaunch& out);

}  // namespace sandlock
