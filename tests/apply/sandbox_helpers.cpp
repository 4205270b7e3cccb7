#include "tests/apply/sandbox_helpers.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "engine/apply/kernel.h"
#include "engine/kernel/landlock_facts.h"
#include "engine/kernel/landlock_uapi.h"

namespace sandlock::testing {

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

Plan system_plan(int abi) {
  Plan plan;
  plan.landlock.abi = abi;
  plan.landlock.handled_access_fs = landlock_abi_facts(abi).fs;
  for (const char* dir : {"/usr", "/lib", "/lib64", "/bin", "/etc"})
    if (exists(dir)) grant(plan, dir, fs_exec_access() & plan.landlock.handled_access_fs);
  grant(plan, "/dev", (fs_read_access() | uapi::kFsWriteFile) & plan.landlock.handled_access_fs);
  return plan;
}

void grant(Plan& plan, const std::string& path, std::uint64_t access) {
  plan.landlock.path_rules.push_back({path, access, std::filesystem::is_directory(path)});
}

LaunchRequest request(std::vector<std::string> argv, Plan plan) {
  LaunchRequest r;
  r.argv = std::move(argv);
  r.env = {{"PATH", "/usr/bin:/bin"}, {"LC_ALL", "C"}};
  r.plan = std::move(plan);
  return r;
}

LaunchRequest python(const std::string& code, Plan plan) {
  return request({"python3", "-I", "-S", "-c", code}, std::move(plan));
}

LaunchRequest shell(const std::string& script, Plan plan) { return request({"/bin/sh", "-c", script}, std::move(plan)); }

LaunchResult run(const LaunchRequest& req) {
  // The command inherits fd 1: point it at a file for the duration of the launch.
  TempDir dir;
  const std::string out_path = dir.file("stdout");
  fflush(stdout);
  const int saved = dup(STDOUT_FILENO);
  const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  dup2(out_fd, STDOUT_FILENO);
  close(out_fd);
  LaunchResult result{};
  result.code = launch(req, result.error);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  result.out = read_file(out_path);
  return result;
}

bool process_gone(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, WNOHANG);  // reaps it if it became our child (we are a subreaper)
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  const auto close_paren = line.rfind(')');
  return close_paren == std::string::npos || line.substr(close_paren + 2, 1) == "Z";
}

bool wait_until_gone(pid_t pid, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!process_gone(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool landlock_abi_at_least(int abi) { return RealKernel().landlock_abi() >= abi; }

}  // namespace sandlock::testing
