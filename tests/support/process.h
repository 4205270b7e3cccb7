// Running the built binary (or any program) from tests, capturing its output.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace sandlock::testing {

struct ProcessResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Runs argv (argv[0] is a path) with the current environment plus `extra_env` (K=V, which
// replaces an inherited variable of the same name).
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {});

// Runs argv as run_process does, but started with SIGCHLD ignored (as a parent that ignores
// it would start it: SIG_IGN survives exec). Needs /usr/bin/python3, which sets it and execs.
ProcessResult run_with_sigchld_ignored(const std::vector<std::string>& argv,
                                       const std::vector<std::string>& extra_env = {});

// Runs the built `sandlock` with `args`.
ProcessResult run_sandlock(const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {});

// A fresh directory under /tmp, removed (recursively) when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to path()/name (creating parent dirs) and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

std::string read_file(const std::string& path);

// Runs `body` in a forked child, in a network namespace of its own whose loopback is up and
// whose net.ipv4.ping_group_range lets every group make ping sockets (the range is per
// namespace); returns what `body` returned, or "no namespace" / "loopback down". Needs root.
std::string in_ping_namespace(const std::function<std::string()>& body);

}  // namespace sandlock::testing
