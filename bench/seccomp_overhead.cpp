// Benchmark: the per-syscall cost of sandlock's default seccomp filter. A child runs a
// tight getppid loop with the filter loaded, another without, taking turns; the report
// is the median ns per call of each and their ratio, plus the filter's BPF size.
// Usage: seccomp_overhead [calls] [rounds]
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "engine/compile/graph.h"
#include "engine/lower/disk_fs_view.h"
#include "engine/lower/seccomp_build.h"

namespace {

using namespace sandlock;

// ns per getppid in a fresh child, with or without the filter; -1 on failure.
double measure(const SeccompFilter* filter, long calls) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    if (filter) {
      prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      if (seccomp_load(static_cast<scmp_filter_ctx>(filter->get())) != 0) _exit(1);
    }
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < calls; ++i) syscall(SYS_getppid);
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / calls;
    if (write(fds[1], &ns, sizeof ns) != sizeof ns) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  double ns = -1;
  if (read(fds[0], &ns, sizeof ns) != sizeof ns) ns = -1;
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return ns;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const long calls = argc > 1 ? std::atol(argv[1]) : 2000000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 9;
  MemorySourceReader reader;
  reader.files["/bench/default.yaml"] = "version: 1\n";
  CompileOptions options;
  options.env.pwd = "/bench";
  const CompileResult compiled = compile_file("/bench/default.yaml", options, reader);
  DiskFsView fs;
  LowerTarget target;
  target.abi = 7;
  const LowerResult lowered = lower(*compiled.graph, target, fs);
  std::string error;
  const SeccompFilter filter = build_seccomp(lowered.plan->seccomp, error);
  if (!filter) {
    std::fprintf(stderr, "build_seccomp: %s\n", error.c_str());
    return 1;
  }
  const std::size_t insns = seccomp_bpf_bytes(lowered.plan->seccomp, error).size() / 8;
  std::vector<double> with, without;
  for (int r = 0; r < rounds; ++r) {
    without.push_back(measure(nullptr, calls));
    with.push_back(measure(&filter, calls));
  }
  const double a = median(without), b = median(with);
  std::printf("default filter: %zu rules, %zu BPF instructions\n", lowered.plan->seccomp.rules.size(), insns);
  std::printf("getppid: %.1f ns unfiltered, %.1f ns filtered: %.2fx (%+.1f%%), median of %d rounds x %ld calls\n", a, b,
              b / a, (b / a - 1) * 100, rounds, calls);
  return 0;
}
