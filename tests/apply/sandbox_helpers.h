// Helpers for the enforcement tests (TempDir and read_file come from tests/support): hand-built plans, running launch() with
// the command's stdout captured.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "engine/apply/launch.h"
#include "tests/support/process.h"

namespace sandlock::testing {

bool exists(const std::string& path);

// A Landlock plan for `abi` handling every fs right it knows and granting read+execute on
// the system directories a command needs to start (/usr, /lib, /lib64, /bin, /etc) and
// read+write on /dev.
Plan system_plan(int abi = 7);
void grant(Plan& plan, const std::string& path, std::uint64_t access);

LaunchRequest request(std::vector<std::string> argv, Plan plan = {});
LaunchRequest python(const std::string& code, Plan plan = {});
LaunchRequest shell(const std::string& script, Plan plan = {});

struct LaunchResult {
  int code;
  std::string out;    // the command's stdout
  std::string error;  // launch's error_out
};
LaunchResult run(const LaunchRequest& request);

// True once `pid` no longer runs (gone, or a zombie we reaped or cannot reap).
bool process_gone(pid_t pid);
bool wait_until_gone(pid_t pid, int timeout_ms);

bool landlock_abi_at_least(int abi);

}  // namespace sandlock::testing
