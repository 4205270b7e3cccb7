// Getting the seccomp listener from the confined child to the launcher. The child loads its
// filter (with SECCOMP_FILTER_FLAG_NEW_LISTENER when a rule notifies), reports the
// listener's fd number (and that of the domain agent's pidfd) on the report channel and
// waits; the parent takes them with pidfd_getfd, starts the supervisor and acknowledges;
// only then does the child close its copies and exec — the sandboxed program never holds
// the listener.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "engine/apply/confine.h"
#include "engine/apply/launch.h"
#include "engine/apply/launch_child.h"
#include "engine/apply/supervisor.h"

namespace sandlock {

// Child side, right after load_seccomp: 0 once the parent holds the listener and the domain
// agent's pidfd (`agent_pidfd`; -1 for none), else an errno (EINVAL: there is no listener).
// Closes the child's copies either way. Allocation-free.
int hand_over_listener(int listener, int agent_pidfd, int channel);

// Parent side: reads the child's first report on `channel` and starts the supervisor.
// `agent` is the channel to the child's domain agent (see domain_agent.h).
Handoff start_supervisor(int channel, pid_t child, std::shared_ptr<const DestinationPolicy> policy,
                         UniqueFd agent, std::unique_ptr<Supervisor>& supervisor, ChildFailure& failure,
                         std::string& error);

// The supervisor as launch_prepared() drives it: the child-side steps, and the parent side
// that takes the listener and keeps the Supervisor running until this object goes.
class NetworkSupervision : public Supervision {
 public:
  explicit NetworkSupervision(std::shared_ptr<const DestinationPolicy> policy) : policy_(std::move(policy)) {}
  const SupervisedChildSteps& child_steps() const override;
  Handoff start(int channel, pid_t child, UniqueFd agent, ChildFailure& failure, std::string& error) override;

 private:
  std::shared_ptr<const DestinationPolicy> policy_;
  std::unique_ptr<Supervisor> supervisor_;
};

}  // namespace sandlock
