// `sandlock query PROFILE OP TARGET`: allowed or denied, and the rule that decides.
#include <algorithm>

#include "engine/app/commands.h"
#include "engine/review/assertion.h"

namespace sandlock {

CommandResult cmd_query(const QueryCmdOptions& options, SourceReader& reader, int host_abi) {
  CommandResult result;
  result.exit_code = 2;
  std::string error;
  auto question = parse_assertion(options.operation + " " + options.target, error);
  if (!question) {
    result.err = "sandlock: " + error + "\n";
    return result;
  }
  CompileResult compiled = compile_file(options.profile, options.compile, reader);
  result.err = render(compiled.diagnostics, DiagFormat::Text);
  if (!compiled.graph) return result;
  const int abi = options.abi.value_or(std::clamp(host_abi, kMinLandlockAbi, kMaxLandlockAbi));
  const Verdict v = evaluate_static(*compiled.graph, statuses_at(*compiled.graph, abi), *question);
  result.out = std::string(v.allowed ? "allowed" : "denied") + ": " + question->text + " (" + v.reason + ")\n";
  result.exit_code = v.allowed ? 0 : 1;
  return result;
}

}  // namespace sandlock
