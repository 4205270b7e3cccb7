// Benchmark: wall time of `sandlock run --profile bench/true.yaml -- /bin/true` against a
// plain exec wrapper (and bwrap / firejail when installed), side by side: the commands
// take turns in every round, and each row is the median over all rounds.
// Two sandlock rows: the usual run, whose plan comes from the plan cache (the first round
// fills it), and a first run (SANDLOCK_PLAN_CACHE=off: the engine compiles every time).
// Usage: run_overhead SANDLOCK EXEC_WRAPPER SOURCE_DIR [rounds]
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

extern char** environ;

namespace {

double run_once(const std::vector<std::string>& cmd, const std::vector<std::string>& extra_env) {
  std::vector<std::string> env_strings;  // environ, with extra_env's variables replaced
  auto name = [](const std::string& kv) { return kv.substr(0, kv.find('=')); };
  for (char** e = environ; *e; ++e)
    if (std::none_of(extra_env.begin(), extra_env.end(), [&](const std::string& x) { return name(x) == name(*e); }))
      env_strings.emplace_back(*e);
  env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (const auto& a : cmd) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", 1, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", 1, 0);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) return -1;
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
    std::vector<std::string> env = {};
  };
  // The bench's own plan cache, not the user's.
  char cache_template[] = "/tmp/sandlock-bench-cache-XXXXXX";
  if (!mkdtemp(cache_template)) return 1;
  const std::string cache = std::string("SANDLOCK_CACHE_DIR=") + cache_template;
  const std::vector<std::string> sandlock_cmd{sandlock, "run", "--profile", src + "/bench/true.yaml", "--", "/bin/true"};
  std::vector<Row> rows{{"exec wrapper", {wrapper, "/bin/true"}, {}},
                        {"sandlock run", sandlock_cmd, {}, {cache}},
                        {"  first run", sandlock_cmd, {}, {cache, "SANDLOCK_PLAN_CACHE=off"}}};
  if (access("/usr/bin/bwrap", X_OK) == 0) rows.push_back({"bwrap", {"/usr/bin/bwrap", "--ro-bind", "/", "/", "/bin/true"}, {}});
  if (access("/usr/bin/firejail", X_OK) == 0) rows.push_back({"firejail", {"/usr/bin/firejail", "--quiet", "--noprofile", "/bin/true"}, {}});
  for (auto& r : rows)
    if (run_once(r.cmd, r.env) < 0) {
      std::fprintf(stderr, "%s failed to run; dropping it\n", r.name.c_str());
      r.name.clear();
    }
  std::erase_if(rows, [](const Row& r) { return r.name.empty(); });
  for (int i = 0; i < rounds; ++i)
    for (auto& r : rows) r.ms.push_back(run_once(r.cmd, r.env));
  const double base = median(rows[0].ms);
  std::printf("%-14s %10s %8s   (%d alternating rounds)\n", "command", "median ms", "ratio", rounds);
  for (const auto& r : rows) std::printf("%-14s %10.3f %7.2fx\n", r.name.c_str(), median(r.ms), median(r.ms) / base);
  std::filesystem::remove_all(cache_template);
  return 0;
}
