// `sandlock`: the small launcher in front of the engine (sandlock-engine, beside it).
//
// `sandlock run` spends most of its start-up loading a large program: on a VM every page
// it touches costs tens of microseconds. This binary is small and does only one thing
// itself: a `run` whose plan is in the plan cache, with every fact it was built from still
// true (engine/plancache), is launched from here. Everything else — every other command, a
// first run, a changed profile — is handed to the engine with the same arguments, which
// compiles the plan, caches it and runs it the same way (run_entry).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "engine/plancache/cached_run.h"
#include "engine/plancache/store.h"
#include "engine/util/disk.h"

namespace {

void say(const std::string& text) { sandlock::disk::write_all(STDERR_FILENO, text); }

// The engine sits next to this binary, wherever the two were built or installed. Empty when
// this binary's own path cannot be had (no /proc): then there is no safe guess — a bare name
// would be looked up in the working directory.
std::string engine_path() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf);
  if (n <= 0 || n == static_cast<ssize_t>(sizeof buf) || buf[0] != '/') return {};
  std::string self(buf, static_cast<std::size_t>(n));
  return self.substr(0, self.rfind('/') + 1) + "sandlock-engine";
}

}  // namespace

int main(int argc, char** argv, char** envp) {
  const bool run = argc > 1 && std::strcmp(argv[1], "run") == 0;
  const std::string engine = engine_path();
  if (engine.empty()) {
    say("sandlock: cannot find the engine: /proc/self/exe is unreadable (is /proc mounted?)\n");
    return run ? 125 : 2;
  }
  if (run) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto outcome = sandlock::run_cached(args, envp, engine);
    if (outcome.ran) return outcome.status;
    if (sandlock::cache_mode(sandlock::environment_map(envp)) == sandlock::CacheMode::Require) {
      say("sandlock: no usable cached plan (" + outcome.why + "); SANDLOCK_PLAN_CACHE=require\n");
      return 125;
    }
  }
  execve(engine.c_str(), argv, envp);
  say("sandlock: cannot start the engine " + engine + ": " + std::strerror(errno) + "\n");
  return run ? 125 : 2;
}
