// Seccomp and Landlock network enforcement through launch(), against live listeners.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/apply/unique_fd.h"
#include "engine/kernel/landlock_uapi.h"
#include "tests/apply/sandbox_helpers.h"

namespace sandlock {
namespace {

using namespace sandlock::testing;

TEST(LaunchSeccomp, DeniedUnshareGetsEperm) {
  // Python 3.11 has no os.unshare: call libc's through ctypes.
  const std::string unshare =
      "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
      "print(0 if libc.unshare(0x10000000) == 0 else ctypes.get_errno())\n";  // CLONE_NEWUSER
  const auto allowed = run(python(unshare));
  ASSERT_EQ(allowed.out, "0\n") << "control: unshare(CLONE_NEWUSER) must work unconfined; " << allowed.error;

  Plan plan;
  SeccompRule deny_unshare;
  deny_unshare.syscall = "unshare";
  deny_unshare.action = SeccompRule::Action::Errno;
  deny_unshare.errno_value = 1;
  plan.seccomp.rules.push_back(deny_unshare);
  const auto denied = run(python(unshare, plan));
  EXPECT_EQ(denied.code, 0) << denied.error;
  EXPECT_EQ(denied.out, "1\n");
}

// A listener on 127.0.0.1 at an ephemeral port; connections queue in the backlog.
struct Listener {
  Listener() : fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd.get(), 8) != 0 ||
        getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
    port = ntohs(addr.sin_port);
  }
  UniqueFd fd;
  std::uint16_t port = 0;
};

TEST(LaunchNet, ConnectOnlyToTheGrantedPort) {
  if (!landlock_abi_at_least(4)) GTEST_SKIP() << "Landlock network rules need ABI >= 4";
  const Listener p, q;
  const auto connect_to = [](std::uint16_t port) {
    return "import socket\ns = socket.socket()\ntry:\n    s.connect(('127.0.0.1', " + std::to_string(port) +
           "))\n    print(0)\nexcept OSError as e:\n    print(e.errno)\n";
  };
  Plan plan;
  plan.landlock.abi = 4;
  plan.landlock.handled_access_net = uapi::kNetConnectTcp;
  plan.landlock.net_rules.push_back({p.port, uapi::kNetConnectTcp});
  EXPECT_EQ(run(python(connect_to(p.port), plan)).out, "0\n");
  EXPECT_EQ(run(python(connect_to(q.port), plan)).out, "13\n");
  EXPECT_EQ(run(python(connect_to(q.port))).out, "0\n");  // control: unconfined, Q accepts
}

}  // namespace
}  // namespace sandlock
