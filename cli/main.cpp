// sandlock command line: argument parsing and output only; the logic lives in engine/app.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "engine/app/commands.h"
#include "engine/apply/kernel.h"
#include "engine/lower/disk_fs_view.h"

namespace {

using namespace sandlock;

int emit(const CommandResult& r) {
  std::cout << r.out << std::flush;
  std::cerr << r.err << std::flush;
  return r.exit_code;
}

std::string current_dir() {
  char buf[4096];
  return getcwd(buf, sizeof buf) ? std::string(buf) : std::string("/");
}

}  // namespace

int main(int argc, char** argv, char** envp) {
  CLI::App app{"sandlock: declarative Landlock + seccomp sandboxing for Linux processes"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sandlock 0.1.0");

  std::vector<std::string> policy_path;
  auto compile_options = [&] {
    return make_compile_options(policy_path, environment_map(envp), current_dir(),
                                shipped_policies_dir(SANDLOCK_SHIPPED_POLICIES));
  };
  auto add_policy_path = [&](CLI::App* cmd) {
    cmd->add_option("--policy-path", policy_path, "Directory searched for base profiles named in `extends` (repeatable)")
        ->allow_extra_args(false);
  };
  DiskSourceReader reader;
  int status = 0;

  // validate
  auto* validate = app.add_subcommand("validate", "Check profiles against the schema and the semantic rules");
  std::vector<std::string> validate_paths;
  std::string validate_format = "text";
  validate->add_option("paths", validate_paths, "Profile files or directories (all *.yaml, *.yml, *.toml beneath)")->required();
  validate->add_option("--format", validate_format, "Output format")->check(CLI::IsMember({"text", "json", "github", "sarif"}));
  add_policy_path(validate);
  validate->callback([&] {
    ValidateOptions o;
    o.paths = validate_paths;
    parse_diag_format(validate_format, o.format);
    o.compile = compile_options();
    status = emit(cmd_validate(o, reader));
  });

  // compile
  auto* compile = app.add_subcommand("compile", "Compile a profile and print the graph or the kernel objects");
  CompileCmdOptions compile_cmd;
  std::string emit_name = "graph";
  int compile_abi = 0;
  compile->add_option("profile", compile_cmd.profile, "Profile file")->required();
  compile->add_option("--emit", emit_name, "What to print")
      ->check(CLI::IsMember({"graph", "landlock", "seccomp-pfc", "seccomp-bpf", "oci-seccomp", "k8s-seccomp-profile"}));
  compile->add_option("--abi", compile_abi, "Target Landlock ABI (default: this kernel's)")->check(CLI::Range(1, 8));
  add_policy_path(compile);
  compile->callback([&] {
    parse_emit(emit_name, compile_cmd.emit);
    if (compile_abi) compile_cmd.abi = compile_abi;
    compile_cmd.compile = compile_options();
    RealKernel kernel;
    DiskFsView fs;
    status = emit(cmd_compile(compile_cmd, reader, kernel.landlock_abi(), fs));
  });

  // run
  auto* run = app.add_subcommand("run", "Run a command confined by a profile");
  RunOptions run_opts;
  std::vector<std::string> allow_degraded, disable;
  int run_abi = 0;
  double timeout = 0;
  run->add_option("--profile", run_opts.profile, "Profile file, or a name found on the policy path")->required();
  add_policy_path(run);
  auto* degraded_opt = run->add_option("--allow-degraded", allow_degraded, "Let protection P degrade when the kernel lacks it (repeatable)")
                           ->allow_extra_args(false);
  auto* disable_opt = run->add_option("--disable", disable, "Turn protection P off (repeatable)")->allow_extra_args(false);
  run->add_option("--abi", run_abi, "Behave as on a kernel with Landlock ABI N (1..host)");
  run->add_option("--timeout", timeout, "Kill the whole sandbox after SECONDS (exit 124)")->check(CLI::PositiveNumber);
  run->add_option("--env", run_opts.env, "Set K=V in the sandbox environment (repeatable)")->allow_extra_args(false);
  run->add_flag("--verbose,-v", run_opts.verbose, "Print the protection table and plan summary to stderr");
  run->add_option("command", run_opts.command, "The command and its arguments (after --); default: the profile's program");
  run->callback([&] {
    // --allow-degraded and --disable in command-line order, so the last one wins.
    std::size_t di = 0, xi = 0;
    for (const CLI::Option* o : run->parse_order()) {
      if (o == degraded_opt && di < allow_degraded.size()) run_opts.overrides.push_back({allow_degraded[di++], ProtectionState::Degradable});
      if (o == disable_opt && xi < disable.size()) run_opts.overrides.push_back({disable[xi++], ProtectionState::Disabled});
    }
    if (run_abi) run_opts.abi = run_abi;
    if (timeout > 0) run_opts.timeout_seconds = timeout;
    run_opts.profile = resolve_profile_argument(run_opts.profile, compile_options());
    run_opts.compile = compile_options();
    RealKernel kernel;
    DiskFsView fs;
    status = cmd_run(run_opts, reader, kernel, fs, std::cerr);
  });

  // explain
  auto* explain = app.add_subcommand("explain", "Show what a profile grants, from where, and on which kernels");
  ExplainOptions explain_opts;
  explain->add_option("profile", explain_opts.profile, "Profile file")->required();
  explain->add_flag("--json", explain_opts.json, "Machine-readable output");
  add_policy_path(explain);
  explain->callback([&] {
    explain_opts.compile = compile_options();
    RealKernel kernel;
    DiskFsView fs;
    status = emit(cmd_explain(explain_opts, reader, kernel, fs));
  });

  // check
  auto* check = app.add_subcommand("check", "Report this kernel's Landlock ABI, each protection (probed), seccomp");
  bool check_json = false;
  check->add_flag("--json", check_json, "Machine-readable output");
  check->callback([&] {
    RealKernel kernel;
    status = emit(cmd_check(kernel, check_json));
  });

  // schema
  auto* schema = app.add_subcommand("schema", "Print the profile JSON Schema (draft-07)");
  schema->callback([&] { status = emit(cmd_schema()); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (code == 0) return 0;
    // `run` promises 125 for any sandlock error, a bad command line included.
    return app.got_subcommand("run") ? 125 : 2;
  }
  return status;
}
