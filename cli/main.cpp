// sandlock command line: argument parsing and output only; the logic lives in engine/app.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
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

// Leaves without the destructors: everything is done and printed, and after `run` forked,
// freeing the heap would take a copy-on-write fault on every page it touches. Sanitizer
// builds return normally, so LeakSanitizer still checks.
#if !defined(__SANITIZE_ADDRESS__)
[[noreturn]] void leave(int status) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(status);
}
#endif

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

  // ---- reviewing policy repositories: diff, lint, test, query, convert (engine/review) ----
  auto* diff = app.add_subcommand("diff", "What NEW grants that OLD did not (and the reverse), by meaning");
  DiffCmdOptions diff_opts;
  std::string diff_format = "text", diff_fail_on;
  std::vector<std::string> diff_git;
  int diff_abi = 0;
  diff->add_option("old", diff_opts.old_spec, "Old profile: a file or REV:PATH (read with git show; bases from the working tree)");
  diff->add_option("new", diff_opts.new_spec, "New profile: a file or REV:PATH");
  diff->add_option("--git", diff_git, "REV [PATH...]: every profile changed since REV")->expected(1, -1);
  diff->add_option("--abi", diff_abi, "Compare only the filesystem rights Landlock ABI N knows")->check(CLI::Range(1, 8));
  diff->add_option("--format", diff_format, "Output format")->check(CLI::IsMember({"text", "markdown", "json"}));
  diff->add_option("--fail-on", diff_fail_on, "Exit 1 when anything widens")->check(CLI::IsMember({"widen"}));
  add_policy_path(diff);
  diff->callback([&] {
    if (!diff_git.empty()) {
      diff_opts.git_rev = diff_git.front();
      diff_opts.git_paths.assign(diff_git.begin() + 1, diff_git.end());
      // `diff --git REV a b`: CLI11 may give the paths to the positionals.
      for (const auto* p : {&diff_opts.old_spec, &diff_opts.new_spec})
        if (!p->empty()) diff_opts.git_paths.push_back(*p);
    } else if (diff_opts.old_spec.empty() || diff_opts.new_spec.empty()) {
      std::cerr << "sandlock diff: give OLD and NEW, or --git REV [PATH...]\n";
      status = 2;
      return;
    }
    if (diff_abi) diff_opts.abi = diff_abi;
    parse_diff_format(diff_format, diff_opts.format);
    diff_opts.fail_on_widen = diff_fail_on == "widen";
    diff_opts.compile = compile_options();
    status = emit(cmd_diff(diff_opts, reader));
  });

  auto* lint = app.add_subcommand("lint", "Warn about risky or useless rules; score each profile's exposure (0..10)");
  LintCmdOptions lint_opts;
  std::string lint_format = "text";
  double lint_threshold = -1;
  lint->add_option("paths", lint_opts.paths, "Profile files or directories")->required();
  lint->add_option("--format", lint_format, "Output format")->check(CLI::IsMember({"text", "json", "github", "sarif"}));
  lint->add_option("--threshold", lint_threshold, "Exit 1 when a profile's exposure score is above SCORE")->check(CLI::Range(0.0, 10.0));
  add_policy_path(lint);
  lint->callback([&] {
    parse_diag_format(lint_format, lint_opts.format);
    if (lint_threshold >= 0) lint_opts.threshold = lint_threshold;
    lint_opts.compile = compile_options();
    DiskFsView fs;
    status = emit(cmd_lint(lint_opts, reader, fs));
  });

  auto* test = app.add_subcommand("test", "Check the assertions in profiles' `tests` sections and NAME.test.yaml sidecars");
  TestCmdOptions test_opts;
  int test_abi = 0;
  test->add_option("paths", test_opts.paths, "Profile files or directories")->required();
  test->add_option("--abi", test_abi, "Evaluate at Landlock ABI N (default: this kernel's)")->check(CLI::Range(1, 8));
  test->add_flag("--live", test_opts.live, "Also perform each assertion inside a real sandbox (needs python3 in the profile)");
  add_policy_path(test);
  test->callback([&] {
    if (test_abi) test_opts.abi = test_abi;
    test_opts.compile = compile_options();
    RealKernel kernel;
    DiskFsView fs;
    status = emit(cmd_test(test_opts, reader, kernel, fs));
  });

  auto* query = app.add_subcommand("query", "Is an operation allowed by a profile, and which rule decides");
  QueryCmdOptions query_opts;
  int query_abi = 0;
  query->add_option("profile", query_opts.profile, "Profile file")->required();
  query->add_option("operation", query_opts.operation, "read, write, exec, connect or bind")
      ->required()
      ->check(CLI::IsMember({"read", "write", "exec", "connect", "bind"}));
  query->add_option("target", query_opts.target, "PATH, IP:PORT or PORT")->required();
  query->add_option("--abi", query_abi, "At Landlock ABI N (default: this kernel's)")->check(CLI::Range(1, 8));
  add_policy_path(query);
  query->callback([&] {
    if (query_abi) query_opts.abi = query_abi;
    query_opts.compile = compile_options();
    RealKernel kernel;
    status = emit(cmd_query(query_opts, reader, kernel.landlock_abi()));
  });

  auto* convert = app.add_subcommand("convert", "Print a profile in the other format (YAML <-> TOML); comments are dropped");
  ConvertCmdOptions convert_opts;
  std::string convert_to;
  convert->add_option("profile", convert_opts.profile, "Profile file")->required();
  convert->add_option("--to", convert_to, "Target format")->required()->check(CLI::IsMember({"yaml", "toml"}));
  convert->callback([&] {
    convert_opts.to = convert_to == "toml" ? SourceFormat::Toml : SourceFormat::Yaml;
    status = emit(cmd_convert(convert_opts, reader));
  });
  // ---- end of the review block ----

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
#if defined(__SANITIZE_ADDRESS__)
  return status;
#else
  leave(status);
#endif
}
