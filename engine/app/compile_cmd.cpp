#include "engine/app/commands.h"
#include "engine/lower/disk_fs_view.h"
#include "engine/lower/emit.h"
#include "engine/lower/seccomp_build.h"

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

CommandResult cmd_compile(const CompileCmdOptions& options, SourceReader& reader, int host_abi, FsView& fs) {
  CommandResult result;
  CompileResult compiled = compile_file(options.profile, options.compile, reader);
  Diagnostics diags = compiled.diagnostics;
  auto fail = [&](std::string extra = {}) {
    result.err = render(diags, DiagFormat::Text) + extra;
    result.exit_code = 1;
    return result;
  };
  if (!compiled.graph) return fail();
  if (options.emit == Emit::Graph) {
    result.err = render(diags, DiagFormat::Text);
    result.out = graph_to_json(*compiled.graph) + "\n";
    return result;
  }

  LowerTarget target;
  target.abi = options.abi.value_or(std::min(host_abi, kMaxLandlockAbi));
  if (target.abi < kMinLandlockAbi) return fail("sandlock: this kernel has no Landlock; pass --abi N to compile for one\n");
  LowerResult lowered = lower(*compiled.graph, target, fs);
  diags.insert(diags.end(), lowered.diagnostics.begin(), lowered.diagnostics.end());
  if (!lowered.plan) return fail();
  const Plan& plan = *lowered.plan;

  std::string error;
  std::vector<std::string> warnings;
  switch (options.emit) {
    case Emit::Graph: break;
    case Emit::Landlock: result.out = landlock_plan_json(plan) + "\n"; break;
    case Emit::SeccompPfc: result.out = seccomp_pfc_text(plan.seccomp, error); break;
    case Emit::SeccompBpf: result.out = seccomp_bpf_bytes(plan.seccomp, error); break;
    case Emit::OciSeccomp: result.out = oci_seccomp_json(plan, &warnings) + "\n"; break;
    case Emit::K8sSeccompProfile: result.out = k8s_seccomp_profile_yaml(plan, compiled.graph->name, &warnings); break;
  }
  if (!error.empty()) return fail("sandlock: " + error + "\n");
  // Infos (e.g. skipped paths that do not exist here) are noise for an emitter.
  Diagnostics shown;
  for (const auto& d : diags)
    if (d.severity != Severity::Info) shown.push_back(d);
  result.err = render(shown, DiagFormat::Text);
  for (const auto& w : warnings) result.err += "sandlock: warning: " + w + "\n";
  return result;
}

}  // namespace sandlock
