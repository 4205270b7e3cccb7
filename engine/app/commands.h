// The commands behind the CLI, as functions of typed options: testable without a shell.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/app/options.h"

namespace sandlock {

struct ValidateOptions {
  std::vector<std::string> paths;
  DiagFormat format = DiagFormat::Text;
  CompileOptions compile;
};
CommandResult cmd_validate(const ValidateOptions& options, SourceReader& reader);

CommandResult cmd_schema();

}  // namespace sandlock

namespace sandlock {

enum class Emit { Graph, Landlock, SeccompPfc, SeccompBpf, OciSeccomp, K8sSeccompProfile };
bool parse_emit(const std::string& name, Emit& out);

struct CompileCmdOptions {
  std::string profile;
  Emit emit = Emit::Graph;
  std::optional<int> abi;  // default: the host's
  CompileOptions compile;
};
// `host_abi` is the probed Landlock ABI of this machine (the kernel seam's answer).
CommandResult cmd_compile(const CompileCmdOptions& options, SourceReader& reader, int host_abi);

}  // namespace sandlock
