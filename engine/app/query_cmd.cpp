// `sandlock query PROFILE OP TARGET`: allowed or denied, and the rule that decides.
#include <algorithm>

#include "engine/app/commands.h"
#include "engine/lower/disk_fs_view.h"
#include "engine/lower/plan.h"
#include "engine/review/assertion.h"

namespace sandlock {

CommandResult cmd_query(const QueryCmdOptions& options, SourceReader& reader, int host_abi) {
  DiskFsView fs;
  SystemHostResolver hosts;
  return cmd_query(options, reader, host_abi, fs, hosts);
}

CommandResult cmd_query(const QueryCmdOptions& options, SourceReader& reader, int host_abi, FsView& fs,
                        HostResolver& hosts) {
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
  // Lowered as run lowers it at that ABI: a profile run refuses there allows nothing there
  // (a strict protection the ABI lacks, io_uring beside rules only the supervisor keeps).
  LowerTarget target;
  target.abi = abi;
  const LowerResult lowered = lower(*compiled.graph, target, fs);
  if (!lowered.plan) {
    Diagnostics errors;
    for (const auto& d : lowered.diagnostics)
      if (d.severity == Severity::Error) errors.push_back(d);
    result.err += render(errors, DiagFormat::Text);
    result.out = "denied: " + question->text + " (run refuses this profile at Landlock ABI " + std::to_string(abi) +
                 ": the errors above)\n";
    result.exit_code = 1;
    return result;
  }
  const StaticContext context = static_context(*compiled.graph, fs, hosts);
  const Verdict v = evaluate_static(*compiled.graph, statuses_at(*compiled.graph, abi), context, *question);
  result.out = std::string(v.unknown ? "unknown" : v.allowed ? "allowed" : "denied") + ": " + question->text + " (" +
               v.reason + ")\n";
  result.exit_code = v.unknown ? 3 : v.allowed ? 0 : 1;
  return result;
}

}  // namespace sandlock
