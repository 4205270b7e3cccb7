#include "engine/app/commands.h"

namespace sandlock {

bool parse_emit(const std::string& name, Emit& out) {
  static constexpr std::pair<std::string_view, Emit> kNames[] = {
      {"graph", Emit::Graph},
      {"landlock", Emit::Landlock},
      {"seccomp-pfc", Emit::SeccompPfc},
      {"seccomp-bpf", Emit::SeccompBpf},
      {"oci-seccomp", Emit::OciSeccomp},
      {"k8s-seccomp-profile", Emit::K8sSeccompProfile},
  };
  for (const auto& [n, e] : kNames)
    if (n == name) {
      out = e;
      return true;
    }
  return false;
}

CommandResult cmd_compile(const CompileCmdOptions& options, SourceReader& reader, int host_abi) {
  (void)host_abi;
  CommandResult result;
  CompileResult compiled = compile_file(options.profile, options.compile, reader);
  result.err = render(compiled.diagnostics, DiagFormat::Text);
  if (!compiled.graph) {
    result.exit_code = 1;
    return result;
  }
  switch (options.emit) {
    case Emit::Graph:
      result.out = graph_to_json(*compiled.graph) + "\n";
      break;
    default:
      result.err += "sandlock: this --emit format needs the lowering stage\n";
      result.exit_code = 1;
  }
  return result;
}

}  // namespace sandlock
