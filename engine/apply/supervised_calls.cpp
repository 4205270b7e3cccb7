#include "engine/apply/supervised_calls.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "engine/apply/child_memory.h"
#include "engine/apply/credentials.h"
#include "engine/apply/pidfd.h"
#include "engine/apply/socket_kind.h"
#include "engine/apply/task_status.h"
#include "engine/apply/unique_fd.h"

namespace sandlock {
namespace {

constexpr std::size_t kMaxPayload = kMaxMessageData;  // per message: above any datagram's size
constexpr std::size_t kMaxBatchPayload = 1 << 20;   // per sendmmsg call; the rest is a short count
constexpr std::size_t kMaxControl = kMaxMessageControl;
constexpr std::size_t kMaxIov = 1024;               // UIO_MAXIOV, as the kernel caps it

CallAnswer answer_of(std::int64_t val, int err) {
  CallAnswer a;
  a.val = val;
  a.error = err;
  return a;
}
CallAnswer fail(int err) { return answer_of(0, err); }
CallAnswer result_of(ssize_t rc) { return rc < 0 ? fail(errno) : answer_of(rc, 0); }

// The kernel's socklen_t arguments are ints: the low 32 bits, negative = invalid.
int int_arg(std::uint64_t v) { return static_cast<int>(static_cast<std::uint32_t>(v)); }

NetProto proto_of(int type, int protocol) {
  if (type == SOCK_STREAM && (protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP)) return kProtoTcp;
  if (type == SOCK_DGRAM && (protocol == IPPROTO_UDP || protocol == IPPROTO_UDPLITE)) return kProtoUdp;
  if (type == SOCK_DGRAM && (protocol == IPPROTO_ICMP || protocol == IPPROTO_ICMPV6)) return kProtoIcmp;
  return NetProto{};  // nothing the policy can speak about: refused
}

// Keeps a duplicate registered while an operation may block on it.
class Operating {
 public:
  Operating(InFlightSockets& registry, int fd, pid_t caller, bool here) : registry_(registry), fd_(fd) {
    registry_.add(fd_, caller, here);
  }
  ~Operating() { registry_.remove(fd_); }
  Operating(const Operating&) = delete;
  Operating& operator=(const Operating&) = delete;

 private:
  InFlightSockets& registry_;
  int fd_;
};

// A sendmsg message copied out of the task: name, payload (gathered) and control data.
struct CopiedMessage {
  sockaddr_storage name{};
  socklen_t name_len = 0;
  bool named = false;  // sendto's address pointer was not null, even with length 0
  std::vector<char> data;
  std::vector<char> control;

  msghdr header(iovec& iov) {
    iov = {data.data(), data.size()};
    msghdr m{};
    m.msg_name = name_len ? &name : nullptr;
    m.msg_namelen = name_len;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = control.empty() ? nullptr : control.data();
    m.msg_controllen = control.size();
    return m;
  }
};

// Copies `len` bytes of payload, cut to `budget` for streams (a short send is legal there).
int copy_payload(pid_t tid, const std::vector<iovec>& iovs, int sock_type, std::size_t budget, std::vector<char>& out) {
  std::size_t total = 0;
  for (const iovec& v : iovs) {
    if (v.iov_len > static_cast<std::size_t>(SSIZE_MAX) - total) return EINVAL;
    total += v.iov_len;
  }
  if (total > budget && sock_type != SOCK_STREAM) return EMSGSIZE;
  out.resize(std::min(total, budget));
  std::size_t at = 0;
  for (const iovec& v : iovs) {
    const std::size_t n = std::min(v.iov_len, out.size() - at);
    if (n == 0) break;
    if (!read_child(tid, reinterpret_cast<std::uint64_t>(v.iov_base), out.data() + at, n)) return EFAULT;
    at += n;
  }
  return 0;
}

// Reads a user msghdr and what it points to: 0, or the errno the kernel would answer.
int copy_message(pid_t tid, std::uint64_t addr, int sock_type, std::size_t budget, CopiedMessage& out) {
  msghdr user{};
  if (!read_child(tid, addr, &user, sizeof user)) return EFAULT;
  if (static_cast<int>(user.msg_namelen) < 0) return EINVAL;
  if (user.msg_name && user.msg_namelen) {
    out.name_len = std::min<socklen_t>(user.msg_namelen, sizeof out.name);  // the kernel caps it too
    if (!read_child(tid, reinterpret_cast<std::uint64_t>(user.msg_name), &out.name, out.name_len)) return EFAULT;
  }
  if (user.msg_iovlen > kMaxIov) return EMSGSIZE;
  std::vector<iovec> iovs(user.msg_iovlen);
  if (!iovs.empty() &&
      !read_child(tid, reinterpret_cast<std::uint64_t>(user.msg_iov), iovs.data(), iovs.size() * sizeof(iovec)))
    return EFAULT;
  if (const int err = copy_payload(tid, iovs, sock_type, budget, out.data)) return err;
  if (user.msg_controllen > kMaxControl) return ENOBUFS;
  out.control.resize(user.msg_controllen);
  if (!out.control.empty() &&
      !read_child(tid, reinterpret_cast<std::uint64_t>(user.msg_control), out.control.data(), out.control.size()))
    return EFAULT;
  return 0;
}

// The control messages an inet send may carry when the supervisor makes it: those that
// neither change where the packet goes (IP_RETOPTS and IPv6 routing headers source-route it
// through a hop never checked) nor need a privilege (the supervisor's would be used, not the
// caller's: SO_MARK, SO_PRIORITY, IPv6 hop-by-hop and destination options). 0, EINVAL for
// a malformed one (as the kernel), or EPERM.
int check_inet_control(const std::vector<char>& control) {
  struct Kind {
    int level, type;
  };
  constexpr int kIpv6_2292PktInfo = 2, kIpv6_2292HopLimit = 8, kUdpSegment = 103;  // older headers lack them
  constexpr int kTxTime = 61, kTimestampingOld = 37, kTimestampingNew = 65;
  constexpr Kind kAllowed[] = {{IPPROTO_IP, IP_TOS},           {IPPROTO_IP, IP_TTL},
                               {IPPROTO_IP, IP_PKTINFO},       {IPPROTO_IPV6, IPV6_PKTINFO},
                               {IPPROTO_IPV6, IPV6_HOPLIMIT},  {IPPROTO_IPV6, IPV6_TCLASS},
                               {IPPROTO_IPV6, IPV6_DONTFRAG},  {IPPROTO_IPV6, kIpv6_2292PktInfo},
                               {IPPROTO_IPV6, kIpv6_2292HopLimit}, {IPPROTO_UDP, kUdpSegment},
                               {SOL_SOCKET, kTxTime},          {SOL_SOCKET, kTimestampingOld},
                               {SOL_SOCKET, kTimestampingNew}};
  std::size_t at = 0;
  while (control.size() - at >= sizeof(cmsghdr)) {
    cmsghdr c{};
    std::memcpy(&c, control.data() + at, sizeof c);
    if (c.cmsg_len < sizeof(cmsghdr) || c.cmsg_len > control.size() - at) return EINVAL;
    if (std::none_of(std::begin(kAllowed), std::end(kAllowed),
                     [&](const Kind& k) { return k.level == c.cmsg_level && k.type == c.cmsg_type; }))
      return EPERM;
    at += CMSG_ALIGN(c.cmsg_len);
    if (at > control.size()) break;
  }
  return 0;
}

// Whether binding an inet socket to `port` needs CAP_NET_BIND_SERVICE, which the supervisor
// would lend the caller (the kernel checks the task that binds).
bool privileged_port(unsigned port) {
  unsigned start = 1024;
  if (FILE* f = std::fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re")) {
    if (std::fscanf(f, "%u", &start) != 1) start = 1024;
    std::fclose(f);
  }
  return port != 0 && port < start;
}

// An inet address's port (sin_port and sin6_port share their place; 0 for a short one,
// which stays zeroed).
unsigned port_of(const sockaddr_storage& a) { return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port); }

// CapEff counts in the caller's user namespace; the kernel asks for the capability in the
// socket's network namespace's owner, which a caller in a user namespace of its own (with
// @namespaces re-allowed) need not have: then it is refused, as the safe answer.
bool can_bind_privileged(pid_t tid) {
  constexpr unsigned kCapNetBindService = 10;
  if (!in_our_user_namespace(tid)) return false;
  const auto status = read_task_status(tid);
  return status && (status_field(*status, "CapEff", 16) >> kCapNetBindService & 1);
}

// Whether a signal the task has a handler for is pending and not blocked: one it would
// handle now, were it not waiting for an answer. (Fatal ones end the wait themselves; stop
// signals without a handler wait for the answer, as a restarted call would.)
bool catches_pending_signal(pid_t tid) {
  const auto status = read_task_status(tid);
  if (!status) return false;
  const std::uint64_t pending = status_field(*status, "SigPnd", 16) | status_field(*status, "ShdPnd", 16);
  return (pending & ~status_field(*status, "SigBlk", 16) & status_field(*status, "SigCgt", 16)) != 0;
}

class CallHandler {
 public:
  CallHandler(const CallContext& ctx, const SupervisedCall& call) : ctx_(ctx), call_(call) {}

  CallAnswer answer() {
    CallAnswer a = run();
    if (sigpipe_) {
      a.signal = SIGPIPE;
      a.signal_target = std::move(task_);
    }
    return a;
  }

 private:
  CallAnswer run() {
    // No validity check yet: every path below shows, after its last read of the task and
    // before acting, that the tid was not reused in between: by checking the notification
    // is still live (the task was alive from the notification to that check), or, for
    // connect and bind, which read their address before taking the socket, by the taking
    // itself when the pidfd was opened before the call was received (confirm()).
    read_before_taking_ = call_.nr == SYS_connect || call_.nr == SYS_bind;
    if (read_before_taking_) address_error_ = copy_address(call_.args[1], int_arg(call_.args[2]));
    if (!take_socket(int_arg(call_.args[0]))) return fail(ESRCH);  // the caller is gone: the answer goes nowhere
    if (!sock_) return fail(errno == EBADF ? EBADF : EACCES);
    if (call_.nr == SYS_connect && speaks_tcp(sock_.get())) {
      // One call instead of socket_kind's two: most supervised calls are TCP connects.
      inet_ = true;
      type_ = SOCK_STREAM;
      proto_ = kProtoTcp;
    } else {
      const std::optional<SocketKind> kind = socket_kind(sock_.get());
      if (!kind) return fail(ENOTSOCK);  // getsockopt's own answer for a file that is no socket
      family_ = kind->family;
      inet_ = family_ == AF_INET || family_ == AF_INET6;
      type_ = kind->type;
      if (inet_) {
        proto_ = proto_of(type_, kind->protocol);
        if (proto_ == NetProto{}) return fail(EACCES);
      } else if (!ctx_.agent) {
        return fail(EACCES);
      }
    }
    // Unix, netlink, ...: not this policy's business, so made as they are, but by the
    // domain agent (see domain_agent.h), on this very duplicate.
    const Operating operating(ctx_.in_flight, sock_.get(), call_.pid, inet());
    return dispatch();
  }

  // Duplicates the caller's descriptor `fd` into sock_ (errno set when that fails); false
  // when the caller is gone.
  bool take_socket(int fd) {
    OpenedTask task = ctx_.tasks.open(call_.pid);
    if (!task.handle) return false;
    sock_ = UniqueFd(sys::pidfd_getfd(task.handle->get(), fd, 0));
    if (!sock_ && errno == ESRCH) {  // a cached pidfd whose task has gone
      task = ctx_.tasks.reopen(call_.pid, task.handle);
      if (!task.handle) return false;
      sock_ = UniqueFd(sys::pidfd_getfd(task.handle->get(), fd, 0));
    }
    task_ = std::move(task.handle);
    task_vouches_ = task.opened_before(call_.handles_before);
    return true;
  }

  bool inet() const { return inet_; }

  CallAnswer dispatch() {
    switch (call_.nr) {
      case SYS_connect: return address_call(AgentOp::Connect);
      case SYS_bind: return address_call(AgentOp::Bind);
      case SYS_sendto: return sendto_call();
      case SYS_sendmsg: return sendmsg_call();
      case SYS_sendmmsg: return sendmmsg_call();
      default: return fail(EACCES);
    }
  }

  bool still_valid() const { return seccomp_notify_id_valid(ctx_.listener, call_.id) == 0; }

  // The last step before acting: takes what else the call needs from the task by its tid
  // (the working directory a relative unix path resolves in, the credentials the agent makes
  // the call with), then checks the notification
  // is still live, which proves the tid named the caller throughout. An inet call that read
  // all it needed before taking the socket through a pidfd opened before the call was
  // received has that proof already: the taking showed the tid had not changed hands since
  // (task_handles.h).
  bool confirm(const sockaddr_storage* name, socklen_t name_len) {
    if (inet() && read_before_taking_ && task_vouches_) return true;
    if (!inet()) {
      if (name) cwd_ = cwd_for(*name, name_len);
      caller_ = credentials_of(call_.pid);
    }
    return still_valid();
  }

  // Copies a (pointer, length) sockaddr argument pair: 0 or the kernel's errno.
  int copy_address(std::uint64_t ptr, int len) {
    if (len < 0 || static_cast<std::size_t>(len) > sizeof addr_) return EINVAL;
    addr_len_ = static_cast<socklen_t>(len);
    return addr_len_ && !read_child(call_.pid, ptr, &addr_, addr_len_) ? EFAULT : 0;
  }

  int check(AddressUse use, const sockaddr_storage& addr, std::size_t len) const {
    return destination_errno(ctx_.policy, proto_, family_, use, addr, len);
  }

  CallAnswer address_call(AgentOp op) {
    if (address_error_) return fail(address_error_);
    if (!confirm(&addr_, addr_len_)) return fail(ESRCH);
    if (!inet()) {
      AgentRequest r;
      r.op = op;
      const AgentResult a = by_agent(r, &addr_, addr_len_);
      return answer_of(a.val, a.error);
    }
    if (op == AgentOp::Connect) pin_unspecified_destination(addr_, addr_len_);
    if (const int err = check(op == AgentOp::Bind ? AddressUse::Bind : AddressUse::Connect, addr_, addr_len_))
      return fail(err);
    if (op == AgentOp::Bind && privileged_port(port_of(addr_))) {
      // Read by tid after the socket was taken: the live check after it proves it the caller's.
      const bool may = can_bind_privileged(call_.pid);
      if (!still_valid()) return fail(ESRCH);
      if (!may) return fail(EACCES);
    }
    const auto* sa = reinterpret_cast<const sockaddr*>(&addr_);
    return result_of(op == AgentOp::Bind ? ::bind(sock_.get(), sa, addr_len_) : ::connect(sock_.get(), sa, addr_len_));
  }

  // Has the domain agent make `r` on our duplicate, addressed to `name` if there is one (a
  // relative unix path then resolves in the caller's working directory, taken by confirm()).
  AgentResult by_agent(AgentRequest& r, const sockaddr_storage* name, socklen_t name_len) const {
    if (!caller_) return {0, EACCES};  // unreadable, or more groups than a request carries: fail closed
    r.creds = *caller_;
    r.sock = sock_.get();
    r.cwd = name ? cwd_.get() : -1;
    r.name = name;
    r.name_len = name ? name_len : 0;
    r.on_worker = [this](int pidfd) { ctx_.in_flight.made_by_worker(sock_.get(), pidfd); };
    return ctx_.agent->perform(r);
  }

  // The caller's working directory, when a unix socket path is relative to it.
  UniqueFd cwd_for(const sockaddr_storage& name, socklen_t len) const {
    const auto& un = reinterpret_cast<const sockaddr_un&>(name);
    if (name.ss_family != AF_UNIX || len <= offsetof(sockaddr_un, sun_path) || un.sun_path[0] == '\0' ||
        un.sun_path[0] == '/')
      return UniqueFd();
    const std::string dir = "/proc/" + std::to_string(call_.pid) + "/cwd";
    return UniqueFd(open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  }

  // A stream send that met a closed peer: the kernel would also have sent the caller SIGPIPE.
  void raise_sigpipe(int err, int flags) {
    if (err == EPIPE && !(flags & MSG_NOSIGNAL)) sigpipe_ = true;
  }

  CallAnswer sendto_call() {
    CopiedMessage m;
    if (call_.args[4] != 0) {  // no address (the filter does not notify those): the connected peer
      if (const int err = copy_address(call_.args[4], int_arg(call_.args[5]))) return fail(err);
      m.name = addr_;
      m.name_len = addr_len_;
      m.named = true;
    }
    const std::vector<iovec> iov{{reinterpret_cast<void*>(call_.args[1]), static_cast<std::size_t>(call_.args[2])}};
    if (const int err = copy_payload(call_.pid, iov, type_, kMaxPayload, m.data)) return fail(err);
    if (!confirm(m.name_len ? &m.name : nullptr, m.name_len)) return fail(ESRCH);
    ssize_t sent = 0;
    const int err = transmit(m, int_arg(call_.args[3]), sent);
    return err ? fail(err) : answer_of(sent, 0);
  }

  // Sends a copied message on the duplicate: checked and sent here for inet sockets, sent
  // by the domain agent (descriptors and all) for the others. 0 or the errno.
  int transmit(CopiedMessage& m, int flags, ssize_t& sent) {
    if (inet()) {
      if (m.name_len) {
        pin_unspecified_destination(m.name, m.name_len);
        if (const int err = check(AddressUse::Send, m.name, m.name_len)) return err;
        if (family_ == AF_INET6 && m.name.ss_family == AF_UNSPEC) forget_unspecified_bytes(m);
      }
      if (const int err = check_inet_control(m.control)) return err;
      iovec iov{};
      const msghdr h = m.header(iov);
      // An address of length 0: sendmsg would drop it, where a datagram socket refuses it
      // (EINVAL); sendto keeps it (sendto carries no control data).
      sent = m.named && !m.name_len ? ::sendto(sock_.get(), m.data.data(), m.data.size(), flags | MSG_NOSIGNAL,
                                                reinterpret_cast<const sockaddr*>(&m.name), 0)
                                    : ::sendmsg(sock_.get(), &h, flags | MSG_NOSIGNAL);
      const int err = sent < 0 ? errno : 0;
      raise_sigpipe(err, flags);
      return err;
    }
    std::vector<UniqueFd> passed;
    if (const int err = take_passed_descriptors(m.control, passed)) return err;
    AgentRequest r;
    r.op = AgentOp::Send;
    r.flags = flags | MSG_NOSIGNAL;
    r.data = m.data.data();
    r.data_len = m.data.size();
    r.control = m.control.data();
    r.control_len = m.control.size();
    for (const UniqueFd& fd : passed) r.rights.push_back(fd.get());
    const AgentResult a = by_agent(r, m.name_len ? &m.name : nullptr, m.name_len);
    sent = a.error ? -1 : static_cast<ssize_t>(a.val);
    raise_sigpipe(a.error, flags);
    return a.error;
  }

  // An IPv6 socket reads an AF_UNSPEC destination as "no address" and ignores the bytes
  // after the family, so they were not checked; but IPV6_ADDRFORM can make it an IPv4
  // socket before the send, which would read them as an address. Zeroed, they are port 0
  // there (EINVAL), and still nothing to an IPv6 socket.
  static void forget_unspecified_bytes(CopiedMessage& m) {
    constexpr std::size_t kFamily = sizeof m.name.ss_family;
    if (m.name_len > kFamily) std::memset(reinterpret_cast<char*>(&m.name) + kFamily, 0, m.name_len - kFamily);
  }

  // Duplicates, in order, the caller's descriptors that SCM_RIGHTS messages name.
  int take_passed_descriptors(std::vector<char>& control, std::vector<UniqueFd>& out) const {
    msghdr m{};
    m.msg_control = control.data();
    m.msg_controllen = control.size();
    for (cmsghdr* c = control.empty() ? nullptr : CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
      // The kernel refuses a message that runs past the control data (CMSG_OK). glibc's
      // CMSG_FIRSTHDR does not look at the length: the numbers were read past the copy.
      const auto room = control.size() - static_cast<std::size_t>(reinterpret_cast<char*>(c) - control.data());
      if (c->cmsg_len < sizeof(cmsghdr) || c->cmsg_len > room) return EINVAL;
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      const std::size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      if (out.size() + n > kMaxPassedFds) return EINVAL;
      for (std::size_t i = 0; i < n; ++i) {
        int fd = -1;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        out.emplace_back(sys::pidfd_getfd(task_->get(), fd, 0));
        if (!out.back()) return EBADF;
      }
    }
    return 0;
  }

  // Copies, checks and sends one message; `sent` is its byte count.
  int send_one(std::uint64_t msg_addr, int flags, std::size_t budget, ssize_t& sent) {
    CopiedMessage m;
    if (const int err = copy_message(call_.pid, msg_addr, type_, budget, m)) return err;
    if (!confirm(m.name_len ? &m.name : nullptr, m.name_len)) return ESRCH;
    return transmit(m, flags, sent);
  }

  CallAnswer sendmsg_call() {
    ssize_t sent = 0;
    const int err = send_one(call_.args[1], int_arg(call_.args[2]), kMaxPayload, sent);
    return err ? fail(err) : answer_of(sent, 0);
  }

  // Every message is checked on its own; the first refused or failed one ends the batch,
  // which reports the messages sent before it (or that message's errno if it was the first).
  CallAnswer sendmmsg_call() {
    const std::size_t count = std::min<std::size_t>(static_cast<std::uint32_t>(call_.args[2]), kMaxIov);
    const int flags = int_arg(call_.args[3]);
    // Each message's byte count is written back after its send, which send_one's check no
    // longer covers: through the caller's memory file, opened before the first check.
    const UniqueFd memory = open_child_memory(call_.pid);
    if (!memory) return fail(ESRCH);
    std::size_t used = 0, done = 0;
    for (; done < count && used < kMaxBatchPayload; ++done) {
      const std::uint64_t entry = call_.args[1] + done * sizeof(mmsghdr);
      ssize_t sent = 0;
      if (const int err = send_one(entry, flags, kMaxPayload, sent)) {
        if (done == 0) return fail(err);
        break;
      }
      const unsigned len = static_cast<unsigned>(sent);
      if (!write_child(memory.get(), entry + offsetof(mmsghdr, msg_len), &len, sizeof len)) {
        if (done == 0) return fail(EFAULT);
        break;
      }
      used += static_cast<std::size_t>(sent);
    }
    return answer_of(static_cast<std::int64_t>(done), 0);
  }

  const CallContext& ctx_;
  const SupervisedCall& call_;
  TaskHandle task_;
  bool task_vouches_ = false;       // task_ was opened before the call was received (task_handles.h)
  bool read_before_taking_ = false;  // every read of the task came before sock_ was taken
  UniqueFd sock_;
  UniqueFd cwd_;
  std::optional<Credentials> caller_;  // taken by confirm() for the domain agent's calls
  bool sigpipe_ = false;
  bool inet_ = false;  // an AF_INET or AF_INET6 socket, or (connect) one that speaks TCP
  int family_ = AF_UNSPEC;  // unknown for a connect that speaks TCP, which does not need it
  int type_ = 0;
  NetProto proto_{};
  sockaddr_storage addr_{};
  socklen_t addr_len_ = 0;
  int address_error_ = 0;  // copying the address: the errno, answered after the socket's
};

}  // namespace

void InFlightSockets::add(int fd, pid_t caller, bool here) {
  const std::lock_guard lock(mu_);
  ops_.push_back(Operation{fd, caller, here, pthread_self()});
}

void InFlightSockets::made_by_worker(int fd, int pidfd) {
  const std::lock_guard lock(mu_);  // interrupt_signalled_callers() signals under it
  for (Operation& op : ops_)
    if (op.fd == fd) op.worker = pidfd;
}

void InFlightSockets::remove(int fd) {
  const std::lock_guard lock(mu_);
  const auto it = std::find_if(ops_.begin(), ops_.end(), [fd](const Operation& op) { return op.fd == fd; });
  if (it == ops_.end()) return;
  *it = ops_.back();
  ops_.pop_back();
}

void InFlightSockets::shutdown_all() {
  const std::lock_guard lock(mu_);
  for (const Operation& op : ops_) shutdown(op.fd, SHUT_RDWR);
}

bool InFlightSockets::any_interruptible() {
  const std::lock_guard lock(mu_);
  return std::any_of(ops_.begin(), ops_.end(), [](const Operation& op) { return op.caller != 0; });
}

void InFlightSockets::interrupt_signalled_callers(int signal) {
  const std::lock_guard lock(mu_);  // held while signalling: the thread is still on this call
  for (Operation& op : ops_) {
    // Not on the tick that first sees it: most calls end long before the next, and reading
    // their callers' /proc would cost every tick on a busy sandbox.
    const unsigned since = op.looks++;
    const bool due = since != 0 && ((since & (since - 1)) == 0 || since % 16 == 0);
    if (due && op.caller != 0 && (op.here || op.worker >= 0) && catches_pending_signal(op.caller)) {
      if (op.here) pthread_kill(op.thread, signal);
      else sys::pidfd_send_signal(op.worker, agent_interrupt_signal());
    }
  }
}

CallAnswer answer_call(const CallContext& ctx, const SupervisedCall& call) { return CallHandler(ctx, call).answer(); }

}  // namespace sandlock
