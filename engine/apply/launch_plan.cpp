// launch(): a Plan's launch. Builds what launch_prepared() takes: the seccomp program
// (libseccomp) and, when the plan needs it, the network supervisor.
#include <optional>

#include "engine/apply/launch.h"
#include "engine/apply/listener_handoff.h"

namespace sandlock {

std::optional<ConfineError> prepare_launch(const LaunchRequest& request, PreparedLaunch& out) {
  out = PreparedLaunch{};
  if (auto e = prepare_seccomp(request.plan.seccomp, out.seccomp)) return e;
  out.argv = request.argv;
  out.env = request.env;
  out.cwd = request.cwd;
  out.limits = request.limits;
  out.landlock = request.plan.landlock;
  out.seccomp_rules = request.plan.seccomp.rules.size();
  out.drop_capabilities = request.plan.drop_capabilities;
  out.timeout_seconds = request.timeout_seconds;
  out.verbose = request.verbose;
  out.kill_every_child = request.kill_every_child;
  return std::nullopt;
}

int launch(const LaunchRequest& request, std::string& error_out) {
  error_out.clear();
  auto fail = [&](const std::string& message) {
    error_out = message + "; the command was not run";
    return kExitSandlockError;
  };
  if (request.plan.needs_supervisor && !request.destinations)
    return fail("this profile needs the network supervisor, but no resolved destination policy was given");
  PreparedLaunch prepared;
  if (auto e = prepare_launch(request, prepared)) return fail(e->step + " failed: " + e->message);
  std::optional<NetworkSupervision> supervision;
  if (request.plan.needs_supervisor) prepared.supervision = &supervision.emplace(request.destinations);
  return launch_prepared(prepared, error_out);
}

}  // namespace sandlock
