#include "engine/apply/listener_handoff.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "engine/apply/pidfd.h"

namespace sandlock {
namespace {

// The report channel is a SOCK_SEQPACKET pair: one message per write, so the sizes tell a
// listener report from a ChildFailure record.
struct ListenerReport {
  int listener;     // descriptor numbers in the child, taken with pidfd_getfd
  int agent_pidfd;  // -1: none
};
static_assert(sizeof(ListenerReport) != sizeof(ChildFailure));

ssize_t read_message(int fd, void* buf, std::size_t size) {
  ssize_t n;
  while ((n = read(fd, buf, size)) < 0 && errno == EINTR) {
  }
  return n;
}

}  // namespace

int hand_over_listener(int listener, int agent_pidfd, int channel) {
  if (listener < 0) return EINVAL;
  char ack = 0;
  int err = 0;
  const ListenerReport report{listener, agent_pidfd};
  if (write(channel, &report, sizeof report) != static_cast<ssize_t>(sizeof report)) {
    err = errno;
  } else if (const ssize_t n = read_message(channel, &ack, 1); n != 1) {
    err = n < 0 ? errno : EPIPE;  // EOF: the parent went away
  }
  close(listener);
  if (agent_pidfd >= 0) close(agent_pidfd);
  return err;
}

Handoff start_supervisor(int channel, pid_t child, std::shared_ptr<const DestinationPolicy> policy,
                         UniqueFd agent, std::unique_ptr<Supervisor>& supervisor, ChildFailure& failure,
                         std::string& error) {
  union {
    ListenerReport report;
    ChildFailure failure;
  } message{};
  const ssize_t n = read_message(channel, &message, sizeof message);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    failure = message.failure;
    return Handoff::ChildFailed;
  }
  if (n != static_cast<ssize_t>(sizeof message.report)) {
    error = "the confined child sent no seccomp listener";
    return Handoff::Broken;
  }
  const UniqueFd pidfd(sys::pidfd_open(child, 0));
  UniqueFd listener(pidfd ? sys::pidfd_getfd(pidfd.get(), message.report.listener, 0) : -1);
  if (!listener) {
    error = std::string("taking the seccomp listener from the child: ") + std::strerror(errno);
    return Handoff::Broken;
  }
  // Without it, only the calls the agent makes itself (rare: see domain_agent.h) cannot be
  // interrupted; the sandbox is as confined.
  UniqueFd agent_pidfd(message.report.agent_pidfd >= 0 ? sys::pidfd_getfd(pidfd.get(), message.report.agent_pidfd, 0) : -1);
  try {
    supervisor = std::make_unique<Supervisor>(std::move(listener), std::move(policy),
                                              std::make_unique<DomainAgent>(std::move(agent), std::move(agent_pidfd)));
  } catch (const std::system_error& e) {
    error = std::string("starting the network supervisor: ") + e.what();
    return Handoff::Broken;
  }
  const char ack = 1;
  if (write(channel, &ack, 1) != 1) {
    error = std::string("releasing the child: ") + std::strerror(errno);
    return Handoff::Broken;
  }
  return Handoff::Started;
}

const SupervisedChildSteps& NetworkSupervision::child_steps() const {
  static constexpr SupervisedChildSteps kSteps{hand_over_listener, run_domain_agent};
  return kSteps;
}

Handoff NetworkSupervision::start(int channel, pid_t child, UniqueFd agent, ChildFailure& failure, std::string& error) {
  return start_supervisor(channel, child, policy_, std::move(agent), supervisor_, failure, error);
}

}  // namespace sandlock
