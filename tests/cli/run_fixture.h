// Shared fixture for `sandlock run` tests: profiles written to a temp dir, and a probe
// (tests/cli/probe.py, passed inline to Debian's python3) that performs one operation
// inside the sandbox and prints "ok" or "errno N".
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/test_paths.h"

namespace sandlock::testing {

inline constexpr const char* kPython = "/usr/bin/python3";

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kPython, X_OK) != 0) GTEST_SKIP() << "SKIP: " << kPython << " is not installed";
    probe_code_ = read_file(source_dir() + "/tests/cli/probe.py");
  }

  // A profile extending the shipped python3 profile, plus `body` (YAML, top-level keys).
  std::string profile(const std::string& body, const std::string& name = "p.yaml") {
    return dir_.write(name, "version: 1\nextends: [python3]\n" + body);
  }

  // Each test has its own plan cache (plancache/store.h), so what one test leaves there
  // cannot change another's run. `extra_env` adds variables (K=V).
  ProcessResult run(const std::string& profile_path, const std::vector<std::string>& command,
                    const std::vector<std::string>& flags = {}, std::vector<std::string> extra_env = {}) {
    std::vector<std::string> args{"run", "--profile", profile_path};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back("--");
    args.insert(args.end(), command.begin(), command.end());
    const bool own_cache = std::any_of(extra_env.begin(), extra_env.end(),
                                       [](const std::string& kv) { return kv.starts_with("SANDLOCK_CACHE_DIR="); });
    if (!own_cache) extra_env.push_back("SANDLOCK_CACHE_DIR=" + cache_dir());
    return run_sandlock(args, extra_env);
  }
  // Beside dir_, not in it: a grant of dir_ would reach it, and sandlock keeps its cache out of
  // every sandbox by carving it out of the grant (engine/app/own_state.h).
  std::string cache_dir() const { return cache_.file("plan-cache"); }

  // Runs the probe op under the profile; returns its one-line answer ("ok", "errno 13").
  std::string probe(const std::string& profile_path, const std::vector<std::string>& op,
                    const std::vector<std::string>& flags = {}, const std::vector<std::string>& extra_env = {}) {
    std::vector<std::string> cmd{kPython, "-c", probe_code_};
    cmd.insert(cmd.end(), op.begin(), op.end());
    last_ = run(profile_path, cmd, flags, extra_env);
    std::string out = last_.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  const ProcessResult& last() const { return last_; }

  TempDir dir_;
  TempDir cache_;
  std::string probe_code_;
  ProcessResult last_;
};

// RunTest with two directories to grant or deny, a/ and b/, each holding a file f.
class TwoDirsTest : public RunTest {
 protected:
  void SetUp() override {
    RunTest::SetUp();
    if (IsSkipped()) return;
    a_ = dir_.path() + "/a";
    b_ = dir_.path() + "/b";
    dir_.write("a/f", "in a");
    dir_.write("b/f", "in b");
  }
  std::string a_, b_;
};

// A TCP listener on 127.0.0.1 (or `ip`) at an ephemeral port; connections queue in the
// backlog, so a connect succeeds without an accept loop.
class Listener {
 public:
  explicit Listener(const char* ip = "127.0.0.1", int family = AF_INET);
  ~Listener();
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace sandlock::testing
