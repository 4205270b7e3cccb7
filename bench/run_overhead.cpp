// Benchmark: wall time of `sandlock run --profile bench/true.yaml -- /bin/true` against a
// plain exec wrapper (and bwrap / firejail when installed), side by side: the commands
// take turns in every round, and each row is the median over all rounds.
// Usage: run_overhead SANDLOCK EXEC_WRAPPER SOURCE_DIR [rounds]
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

extern char** environ;

namespace {

double run_once(const std::vector<std::string>& cmd) {
  std::vector<char*> argv;
  for (const auto& a : cmd) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", 1, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", 1, 0);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) return -1;
  int status;
  waitpid(pid, &status, 0);
  const auto t1 = std::chrono::steady_clock::now();
  posix_spawn_file_actions_destroy(&actions);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: run_overhead SANDLOCK EXEC_WRAPPER SOURCE_DIR [rounds]\n");
    return 2;
  }
  const std::string sandlock = argv[1], wrapper = argv[2], src = argv[3];
  const int rounds = argc > 4 ? std::atoi(argv[4]) : 200;
  struct Row {
    std::string name;
    std::vector<std::string> cmd;
    std::vector<double> ms;
  };
  std::vector<Row> rows{{"exec wrapper", {wrapper, "/bin/true"}, {}},
                        {"sandlock run", {sandlock, "run", "--profile", src + "/bench/true.yaml", "--", "/bin/true"}, {}}};
  if (access("/usr/bin/bwrap", X_OK) == 0) rows.push_back({"bwrap", {"/usr/bin/bwrap", "--ro-bind", "/", "/", "/bin/true"}, {}});
  if (access("/usr/bin/firejail", X_OK) == 0) rows.push_back({"firejail", {"/usr/bin/firejail", "--quiet", "--noprofile", "/bin/true"}, {}});
  for (auto& r : rows)
    if (run_once(r.cmd) < 0) {
      std::fprintf(stderr, "%s failed to run; dropping it\n", r.name.c_str());
      r.name.clear();
    }
  std::erase_if(rows, [](const Row& r) { return r.name.empty(); });
  for (int i = 0; i < rounds; ++i)
    for (auto& r : rows) r.ms.push_back(run_once(r.cmd));
  const double base = median(rows[0].ms);
  std::printf("%-14s %10s %8s   (%d alternating rounds)\n", "command", "median ms", "ratio", rounds);
  for (const auto& r : rows) std::printf("%-14s %10.3f %7.2fx\n", r.name.c_str(), median(r.ms), median(r.ms) / base);
  return 0;
}
