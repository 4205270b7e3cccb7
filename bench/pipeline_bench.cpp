// Benchmark: validate+compile and lower for generated profiles with N filesystem grants
// and N network rules, spelled in YAML and in TOML. Prints medians over repeated runs.
// Usage: pipeline_bench [runs]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "engine/compile/graph.h"
#include "engine/lower/plan.h"

namespace {

using namespace sandlock;
using Clock = std::chrono::steady_clock;

// Every path is a directory with no entries: lowering never touches the disk.
class EmptyFsView : public FsView {
 public:
  std::optional<std::vector<std::string>> list(const std::string&) override { return std::vector<std::string>{}; }
  bool is_directory(const std::string&) override { return true; }
  bool exists(const std::string&) override { return true; }
};

std::string generate_toml(int n) {
  std::string s = "version = 1\nname = \"big\"\n[filesystem]\nread = [\n";
  for (int i = 0; i < n; ++i) s += "  \"/data/d" + std::to_string(i % 100) + "/f" + std::to_string(i) + "\",\n";
  s += "]\n[network]\nallow = [\n";
  for (int i = 0; i < n; ++i)
    s += "  \"tcp://10." + std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." +
         std::to_string(i % 256) + ":" + std::to_string(1 + i % 60000) + "\",\n";
  s += "]\n[protections]\nnet-tcp = \"degradable\"\n";
  return s;
}

std::string generate_profile(int n) {
  std::string s = "version: 1\nname: big\nfilesystem:\n  read:\n";
  for (int i = 0; i < n; ++i) s += "    - /data/d" + std::to_string(i % 100) + "/f" + std::to_string(i) + "\n";
  s += "network:\n  allow:\n";
  for (int i = 0; i < n; ++i)
    s += "    - \"tcp://10." + std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." +
         std::to_string(i % 256) + ":" + std::to_string(1 + i % 60000) + "\"\n";
  s += "protections: {net-tcp: degradable}\n";
  return s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 11;
  std::printf("%-6s %-10s %12s %12s %10s\n", "format", "entries", "compile ms", "lower ms", "rules");
  for (const char* format : {"yaml", "toml"}) {
  double base = 0;
  for (int n : {10000, 100000}) {
    const std::string file = std::string("/bench/big.") + format;
    MemorySourceReader reader;
    reader.files[file] = format == std::string("yaml") ? generate_profile(n) : generate_toml(n);
    CompileOptions options;
    options.env.pwd = "/bench";
    std::vector<double> compile_ms, lower_ms;
    std::size_t rules = 0;
    for (int r = 0; r < runs; ++r) {
      auto t0 = Clock::now();
      CompileResult c = compile_file(file, options, reader);
      auto t1 = Clock::now();
      if (!c.graph) {
        std::fprintf(stderr, "compile failed: %s\n", c.diagnostics.empty() ? "?" : c.diagnostics[0].message.c_str());
        return 1;
      }
      EmptyFsView fs;
      LowerTarget target;
      target.abi = 7;
      auto t2 = Clock::now();
      LowerResult l = lower(*c.graph, target, fs);
      auto t3 = Clock::now();
      if (!l.plan) return 1;
      rules = l.plan->landlock.path_rules.size() + l.plan->landlock.net_rules.size();
      compile_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      lower_ms.push_back(std::chrono::duration<double, std::milli>(t3 - t2).count());
    }
    const double cm = median(compile_ms);
    if (n == 10000) base = cm;
    std::printf("%-6s %-10d %12.1f %12.1f %10zu%s\n", format, n, cm, median(lower_ms), rules,
                n == 10000 ? "" : ("   (" + std::to_string(cm / base).substr(0, 4) + "x the 10k time)").c_str());
  }
  }
  return 0;
}
