// libFuzzer target: bytes through parse + validate + compile (+ lower), as YAML and TOML.
// Invariants: no crash, no leak, no hang; a result is a graph or at least one error; the
// graph's JSON is deterministic; lowering a graph never crashes at any ABI.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "engine/compile/graph.h"
#include "engine/lower/plan.h"

namespace {

using namespace sandlock;

// Bases resolve to nothing: extends entries become "not found" errors, never disk reads.
class NoFiles : public SourceReader {
 public:
  std::optional<std::string> read(const std::string&) override { return std::nullopt; }
};

class EmptyFs : public FsView {
 public:
  std::optional<std::vector<std::string>> list(const std::string&) override { return std::vector<std::string>{"x", "y"}; }
  bool is_directory(const std::string& p) override { return p.size() % 2 == 0; }
  bool exists(const std::string&) override { return true; }
};

void check(const std::string& text, const std::string& name) {
  NoFiles reader;
  CompileOptions options;
  options.env.pwd = "/fuzz";
  options.env.vars = {{"HOME", "/home/f"}, {"TMPDIR", "/tmp"}};
  const CompileResult r = compile_text(text, name, options, reader);
  if (r.graph.has_value() == has_errors(r.diagnostics)) std::abort();
  if (!r.graph) return;
  if (graph_to_json(*r.graph) != graph_to_json(*r.graph)) std::abort();
  EmptyFs fs;
  for (int abi = kMinLandlockAbi; abi <= kMaxLandlockAbi; ++abi) {
    LowerTarget t;
    t.abi = abi;
    const LowerResult l = lower(*r.graph, t, fs);
    if (!l.plan && !has_errors(l.diagnostics)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check(text, "fuzz.yaml");
  check(text, "fuzz.toml");
  return 0;
}
