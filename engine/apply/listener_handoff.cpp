#include "engine/apply/listener_handoff.h"

#include <seccomp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/apply/pidfd.h"

namespace sandlock {
namespace {

// The report channel is a SOCK_SEQPACKET pair: one message per write, so the sizes tell a
// listener report (an int) from a ChildFailure record.
ssize_t read_message(int fd, void* buf, std::size_t size) {
  ssize_t n;
  while ((n = read(fd, buf, size)) < 0 && errno == EINTR) {
  }
  return n;
}

}  // namespace

std::optional<ConfineError> hand_over_listener(const PreparedSeccomp& seccomp, int channel) {
  const int listener = seccomp.filter ? seccomp_notify_fd(static_cast<scmp_filter_ctx>(seccomp.filter.get())) : -1;
  if (listener < 0) return ConfineError{"seccomp listener", 0, "the loaded filter has no notification listener"};
  char ack = 0;
  if (write(channel, &listener, sizeof listener) != static_cast<ssize_t>(sizeof listener) ||
      read_message(channel, &ack, 1) != 1) {
    const int err = errno;
    close(listener);
    return ConfineError{"seccomp listener handoff", err, std::strerror(err)};
  }
  close(listener);
  return std::nullopt;
}

Handoff start_supervisor(int channel, pid_t child, std::shared_ptr<const DestinationPolicy> policy,
                         UniqueFd agent, std::unique_ptr<Supervisor>& supervisor, ChildFailure& failure,
                         std::string& error) {
  union {
    int listener_fd;
    ChildFailure failure;
  } message{};
  const ssize_t n = read_message(channel, &message, sizeof message);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    failure = message.failure;
    return Handoff::ChildFailed;
  }
  if (n != static_cast<ssize_t>(sizeof message.listener_fd)) {
    error = "the confined child sent no seccomp listener";
    return Handoff::Broken;
  }
  const UniqueFd pidfd(sys::pidfd_open(child, 0));
  UniqueFd listener(pidfd ? sys::pidfd_getfd(pidfd.get(), message.listener_fd, 0) : -1);
  if (!listener) {
    error = std::string("taking the seccomp listener from the child: ") + std::strerror(errno);
    return Handoff::Broken;
  }
  supervisor = std::make_unique<Supervisor>(std::move(listener), std::move(policy),
                                            std::make_unique<DomainAgent>(std::move(agent)));
  const char ack = 1;
  if (write(channel, &ack, 1) != 1) {
    error = std::string("releasing the child: ") + std::strerror(errno);
    return Handoff::Broken;
  }
  return Handoff::Started;
}

}  // namespace sandlock
