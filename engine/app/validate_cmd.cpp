#include "engine/app/commands.h"
#include "engine/lower/plan.h"

namespace sandlock {

CommandResult cmd_validate(const ValidateOptions& options, SourceReader& reader, FsView& fs) {
  CommandResult result;
  Diagnostics all;
  const std::vector<std::string> files = expand_profile_paths(options.paths, all);
  std::size_t invalid = 0;
  std::string ok_lines;
  for (const auto& file : files) {
    CompileResult compiled = compile_file(file, options.compile, reader);
    if (compiled.graph && !has_errors(compiled.diagnostics)) {
      // At the newest ABI no strict protection is unavailable: what is left is what run
      // refuses whatever the kernel, and what it warns of (a denied file with other hard
      // links, a carve that expands to many rules); no degradation can show there. Notes
      // (skipped missing paths) are run's to give.
      LowerTarget target;
      target.abi = kMaxLandlockAbi;
      const LowerResult lowered = lower(*compiled.graph, target, fs);
      for (const auto& d : lowered.diagnostics)
        if (d.severity != Severity::Info) compiled.diagnostics.push_back(d);
    }
    if (has_errors(compiled.diagnostics))
      ++invalid;
    else
      ok_lines += file + ": ok\n";
    all.insert(all.end(), compiled.diagnostics.begin(), compiled.diagnostics.end());
  }
  const bool failed = has_errors(all);
  if (options.format == DiagFormat::Text) {
    result.out = render(all, DiagFormat::Text) + ok_lines;
    result.err = std::to_string(files.size()) + " profile(s) checked: " + std::to_string(files.size() - invalid) +
                 " valid, " + std::to_string(invalid) + " invalid\n";
  } else {
    result.out = render(all, options.format);
  }
  result.exit_code = failed ? 1 : 0;
  return result;
}

CommandResult cmd_schema() {
  CommandResult result;
  result.out = std::string(kProfileSchemaJson);
  if (!result.out.empty() && result.out.back() != '\n') result.out += '\n';
  return result;
}

}  // namespace sandlock
