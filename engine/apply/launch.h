// The launcher behind `sandlock run`: fork, confine the child, exec the command, wait.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <memory>

#include "engine/apply/destinations.h"
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
};

// Runs the command confined by request.plan and returns its exit status: the command's
// own; 128+N if it died of signal N; 124 on timeout (its whole process group killed);
// 125 when sandlock failed (error_out names the step, without a "sandlock: " prefix); 126 not executable (including exec
// denied by Landlock); 127 not found. Makes the caller a child subreaper (permanently),
// so orphaned grandchildren are reaped here; SIGINT/SIGTERM/SIGHUP/SIGQUIT received
// while waiting are forwarded to the command's process group.
int launch(const LaunchRequest& request, std::string& error_out);

}  // namespace sandlock
