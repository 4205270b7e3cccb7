// Benchmark: the network supervisor's cost, side by side in one run. A client (this binary
// in `client` mode) runs unsandboxed and under `sandlock run` with a host rule (so every
// connect goes through the supervisor), taking turns each round; rows are medians. The
// ratio is the median of each round's supervised ÷ unsandboxed (the two runs of a round are
// adjacent in time, so a drift of the machine's speed across the run cancels out); the ratio
// of the medians follows in parentheses.
//   connect: loopback TCP connect+close per second (target: supervised >= 50%)
//   rr:      64-byte request/response round trips per second on one established
//            connection (target >= 95%: send() carries no address, so it is not supervised)
// Usage: net_supervisor SANDLOCK [rounds]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

constexpr int kConnects = 5000;
constexpr int kRoundTrips = 20000;
constexpr std::size_t kMessage = 64;

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int dial(int port) {
  const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in a = loopback(port);
  if (connect(s, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  return s;
}

bool exchange(int s, char* buf, bool echo) {
  std::size_t got = 0;
  if (!echo && send(s, buf, kMessage, 0) != static_cast<ssize_t>(kMessage)) return false;
  while (got < kMessage) {
    const ssize_t n = recv(s, buf + got, kMessage - got, 0);
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return !echo || send(s, buf, kMessage, 0) == static_cast<ssize_t>(kMessage);
}

// Client mode: prints operations per second.
int client(const std::string& what, int port) {
  const auto t0 = std::chrono::steady_clock::now();
  int ops = 0;
  if (what == "connect") {
    // Close with a reset: no TIME_WAIT, so later runs do not hunt for free ephemeral ports.
    const linger reset{1, 0};
    for (; ops < kConnects; ++ops) {
      const int s = dial(port);
      setsockopt(s, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      close(s);
    }
  } else {
    const int s = dial(port);
    const int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char buf[kMessage] = {};
    for (; ops < kRoundTrips; ++ops)
      if (!exchange(s, buf, false)) return 1;
    close(s);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%.1f\n", ops / secs);
  return 0;
}

// A listener on 127.0.0.1 whose accept loop runs `on_accept` for each connection.
template <class OnAccept>
int start_listener(OnAccept on_accept) {
  const int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  if (bind(l, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(l, 4096) != 0) return -1;
  getsockname(l, reinterpret_cast<sockaddr*>(&a), &len);
  std::thread([l, on_accept] {
    for (;;)
      if (const int c = accept4(l, nullptr, nullptr, SOCK_CLOEXEC); c >= 0) on_accept(c);
  }).detach();
  return ntohs(a.sin_port);
}

// The connect test's peer closes at once; the rr test's echoes 64-byte messages until closed.
int start_closer() { return start_listener([](int c) { close(c); }); }
int start_echo() {
  return start_listener([](int c) {
    std::thread([c] {
      const int one = 1;
      setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      char buf[kMessage];
      while (exchange(c, buf, true)) {
      }
      close(c);
    }).detach();
  });
}

// Runs `cmd`, returns the number it prints (or -1).
double run_client(const std::vector<std::string>& cmd) {
  std::vector<char*> argv;
  for (const auto& a : cmd) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int out[2];
  if (pipe(out) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", 1, 0);
  pid_t pid;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  std::string text;
  char buf[256];
  for (ssize_t n; rc == 0 && (n = read(out[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  close(out[0]);
  int status = 0;
  if (rc != 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return std::atof(text.c_str());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "client") return client(argv[2], std::atoi(argv[3]));
  if (argc < 2) {
    std::fprintf(stderr, "usage: net_supervisor SANDLOCK [rounds]\n");
    return 2;
  }
  const std::string sandlock = argv[1];
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 7;
  char self_buf[4096];
  const ssize_t n = readlink("/proc/self/exe", self_buf, sizeof self_buf - 1);
  if (n <= 0) return 1;
  const std::string self(self_buf, static_cast<std::size_t>(n));
  const int connect_port = start_closer(), rr_port = start_echo();
  if (connect_port < 0 || rr_port < 0) return 1;
  // A port rule (Landlock alone) and a host rule (Landlock cannot express it, so every
  // connect is the supervisor's), to tell sandboxing's cost from supervision's.
  const std::string base = "/tmp/sandlock-net-bench-" + std::to_string(getpid());
  const std::string ports_only = base + "-landlock.yaml", host = base + "-supervised.yaml";
  const auto write_profile = [&](const std::string& path, const std::string& rule) {
    std::ofstream(path) << "version: 1\nname: net-bench\nextends: [base/minimal]\nfilesystem: {exec: [" << self
                        << "]}\nnetwork: {allow: [\"" << rule << "\"]}\n";
  };
  const std::string ports = std::to_string(connect_port) + "," + std::to_string(rr_port);
  write_profile(ports_only, "tcp://*:" + ports);
  write_profile(host, "tcp://127.0.0.1:" + ports);
  std::printf("%-8s %14s %14s %14s %8s %10s   (per second; medians of %d alternating rounds)\n", "test",
              "unsandboxed", "landlock only", "supervised", "ratio", "(of medians)", rounds);
  int status = 0;
  for (const std::string what : {"connect", "rr"}) {
    const std::vector<std::string> plain{self, "client", what, std::to_string(what == "rr" ? rr_port : connect_port)};
    const auto under = [&](const std::string& profile) {
      std::vector<std::string> cmd{sandlock, "run", "--profile", profile, "--"};
      cmd.insert(cmd.end(), plain.begin(), plain.end());
      return cmd;
    };
    const std::vector<std::vector<std::string>> cmds{plain, under(ports_only), under(host)};
    std::vector<std::vector<double>> rates(cmds.size());
    for (int i = 0; i < rounds; ++i)
      for (std::size_t c = 0; c < cmds.size(); ++c) rates[c].push_back(run_client(cmds[c]));
    if (std::any_of(rates.begin(), rates.end(), [](const auto& r) { return *std::min_element(r.begin(), r.end()) < 0; })) {
      std::fprintf(stderr, "%s: a client run failed\n", what.c_str());
      status = 1;
      continue;
    }
    std::vector<double> paired;
    for (std::size_t i = 0; i < rates[0].size(); ++i) paired.push_back(rates[2][i] / rates[0][i]);
    std::printf("%-8s %14.0f %14.0f %14.0f %7.1f%% %9.1f%%\n", what.c_str(), median(rates[0]), median(rates[1]),
                median(rates[2]), 100 * median(paired), 100 * median(rates[2]) / median(rates[0]));
  }
  std::remove(ports_only.c_str());
  std::remove(host.c_str());
  return status;
}
