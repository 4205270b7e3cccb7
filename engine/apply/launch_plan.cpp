// launch(): a Plan's launch. Builds what launch_prepared() takes: the seccomp program
// (libseccomp) and, when the plan needs it, the network supervisor.
#include <optional>

#include "engine/apply/launch.h"
#include "engine/apply/listener_handoff.h"

namespace sandlock {

int launch(const LaunchRequest& request, std::string& error_out) {
  error_out.clear();
  auto fail = [&](const std::string& message) {
    error_out = message + "; the command was not run";
    return kExitSandlockError;
  };
  if (request.plan.needs_supervisor && !request.destinations)
    return fail("this profile needs the network supervisor, but no resolved destination policy was given");
  PreparedLaunch prepared;
  if (auto e = prepare_seccomp(request.plan.seccomp, prepared.seccomp)) return fail(e->step + " failed: " + e->message);
  std::optional<NetworkSupervision> supervision;
  if (request.plan.needs_supervisor) prepared.supervision = &supervision.emplace(request.destinations);
  prepared.argv = request.argv;
  prepared.env = request.env;
  prepared.cwd = request.cwd;
  prepared.limits = request.limits;
  prepared.landlock = request.plan.landlock;
  prepared.seccomp_rules = request.plan.seccomp.rules.size();
  prepared.timeout_seconds = request.timeout_seconds;
  prepared.verbose = request.verbose;
  return launch_prepared(prepared, error_out);
}

}  // namespace sandlock
