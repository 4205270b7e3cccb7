// sandlock command line: argument parsing and output only; the logic lives in engine/app.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string_view>

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

std::string current_dir() { return disk::current_directory(); }

// Leaves without the destructors: everything is done and printed, and freeing the heap
// would only touch pages for nothing. Sanitizer builds return normally, so LeakSanitizer
// still checks.
#if !defined(__SANITIZE_ADDRESS__)
[[noreturn]] void leave(int status) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(status);
}
#endif

// What the subcommands' options and callbacks share; outlives the parse.
struct Cli {
  char** envp = nullptr;
  std::vector<std::string> args;  // argv[1..]
  std::vector<std::string> policy_path;
  DiskSourceReader reader;
  int status = 0;

  CompileOptions compile_options() const {
    return make_compile_options(policy_path, environment_map(envp), current_dir(),
                                shipped_policies_dir(SANDLOCK_SHIPPED_POLICIES));
  }
  void add_policy_path(CLI::App* cmd) {
    cmd->add_option("--policy-path", policy_path, "Directory searched for base profiles named in `extends` (repeatable)")
        ->allow_extra_args(false);
  }
};

void add_validate(CLI::App& app, Cli& cli) {
  auto* validate = app.add_subcommand("validate", "Check profiles against the schema and the semantic rules");
  struct Vars {
    std::vector<std::string> validate_paths;
    std::string validate_format = "text";
  };
  const auto v = std::make_shared<Vars>();
  validate->add_option("paths", v->validate_paths, "Profile files or directories (all *.yaml, *.yml, *.toml beneath)")->required();
  validate->add_option("--format", v->validate_format, "Output format")->check(CLI::IsMember({"text", "json", "github", "sarif"}));
  cli.add_policy_path(validate);
  validate->callback([=, &cli] {
    ValidateOptions o;
    o.paths = v->validate_paths;
    parse_diag_format(v->validate_format, o.format);
    o.compile = cli.compile_options();
    DiskFsView fs;
    cli.status = emit(cmd_validate(o, cli.reader, fs));
  });
}

void add_compile(CLI::App& app, Cli& cli) {
  auto* compile = app.add_subcommand("compile", "Compile a profile and print the graph or the kernel objects");
  struct Vars {
    CompileCmdOptions compile_cmd;
    std::string emit_name = "graph";
    int compile_abi = 0;
  };
  const auto v = std::make_shared<Vars>();
  compile->add_option("profile", v->compile_cmd.profile, "Profile file")->required();
  compile->add_option("--emit", v->emit_name, "What to print")
      ->check(CLI::IsMember({"graph", "landlock", "seccomp-pfc", "seccomp-bpf", "oci-seccomp", "k8s-seccomp-profile"}));
  compile->add_option("--abi", v->compile_abi, "Target Landlock ABI (default: this kernel's)")->check(CLI::Range(1, 8));
  cli.add_policy_path(compile);
  compile->callback([=, &cli] {
    parse_emit(v->emit_name, v->compile_cmd.emit);
    if (v->compile_abi) v->compile_cmd.abi = v->compile_abi;
    v->compile_cmd.compile = cli.compile_options();
    RealKernel kernel;
    DiskFsView fs;
    cli.status = emit(cmd_compile(v->compile_cmd, cli.reader, kernel.landlock_abi(), fs));
  });
}

void add_run(CLI::App& app, Cli& cli) {
  auto* run = app.add_subcommand("run", "Run a command confined by a profile");
  struct Vars {
    RunOptions run_opts;
    std::vector<std::string> allow_degraded, disable;
    int run_abi = 0;
    double timeout = 0;
  };
  const auto v = std::make_shared<Vars>();
  run->add_option("--profile", v->run_opts.profile, "Profile file, or a name found on the policy path")->required();
  cli.add_policy_path(run);
  auto* degraded_opt = run->add_option("--allow-degraded", v->allow_degraded, "Let protection P degrade when the kernel lacks it (repeatable)")
                           ->allow_extra_args(false);
  auto* disable_opt = run->add_option("--disable", v->disable, "Turn protection P off (repeatable)")->allow_extra_args(false);
  auto* abi_opt = run->add_option("--abi", v->run_abi, "Behave as on a kernel with Landlock ABI N (1..host)");
  run->add_option("--timeout", v->timeout, "Kill the whole sandbox after SECONDS (exit 124)")->check(CLI::PositiveNumber);
  run->add_option("--env", v->run_opts.env, "Set K=V in the sandbox environment (repeatable)")->allow_extra_args(false);
  run->add_flag("--verbose,-v", v->run_opts.verbose, "Print the protection table and plan summary to stderr");
  run->add_option("command", v->run_opts.command, "The command and its arguments (after --); default: the profile's program");
  run->callback([=, &cli] {
    // --allow-degraded and --disable in command-line order, so the last one wins.
    std::size_t di = 0, xi = 0;
    for (const CLI::Option* o : run->parse_order()) {
      if (o == degraded_opt && di < v->allow_degraded.size()) v->run_opts.overrides.push_back({v->allow_degraded[di++], ProtectionState::Degradable});
      if (o == disable_opt && xi < v->disable.size()) v->run_opts.overrides.push_back({v->disable[xi++], ProtectionState::Disabled});
    }
    if (abi_opt->count()) v->run_opts.abi = v->run_abi;  // 0 too: the engine refuses it (exit 125)
    if (v->timeout > 0) v->run_opts.timeout_seconds = v->timeout;
    RunInvocation inv;
    inv.options = v->run_opts;
    inv.policy_path_flags = cli.policy_path;
    inv.environment = environment_map(cli.envp);
    inv.cwd = current_dir();
    inv.shipped_policies = SANDLOCK_SHIPPED_POLICIES;
    inv.args = cli.args;
    RealKernel kernel;
    cli.status = cmd_run(inv, kernel, std::cerr);
  });
}

void add_explain(CLI::App& app, Cli& cli) {
  auto* explain = app.add_subcommand("explain", "Show what a profile grants, from where, and on which kernels");
  struct Vars {
    ExplainOptions explain_opts;
  };
  const auto v = std::make_shared<Vars>();
  explain->add_option("profile", v->explain_opts.profile, "Profile file")->required();
  explain->add_flag("--json", v->explain_opts.json, "Machine-readable output");
  cli.add_policy_path(explain);
  explain->callback([=, &cli] {
    v->explain_opts.compile = cli.compile_options();
    RealKernel kernel;
    DiskFsView fs;
    cli.status = emit(cmd_explain(v->explain_opts, cli.reader, kernel, fs));
  });
}

void add_check(CLI::App& app, Cli& cli) {
  auto* check = app.add_subcommand("check", "Report this kernel's Landlock ABI, each protection (probed), seccomp");
  struct Vars {
    bool check_json = false;
  };
  const auto v = std::make_shared<Vars>();
  check->add_flag("--json", v->check_json, "Machine-readable output");
  check->callback([=, &cli] {
    RealKernel kernel;
    cli.status = emit(cmd_check(kernel, v->check_json));
  });
}

void add_diff(CLI::App& app, Cli& cli) {
  auto* diff = app.add_subcommand("diff", "What NEW grants that OLD did not (and the reverse), by meaning");
  struct Vars {
    DiffCmdOptions diff_opts;
    std::string diff_format = "text", diff_fail_on;
    std::vector<std::string> diff_git;
    int diff_abi = 0;
  };
  const auto v = std::make_shared<Vars>();
  diff->add_option("old", v->diff_opts.old_spec, "Old profile: a file or REV:PATH (read with git show; bases from the working tree)");
  diff->add_option("new", v->diff_opts.new_spec, "New profile: a file or REV:PATH");
  diff->add_option("--git", v->diff_git, "REV [PATH...]: every profile changed since REV")->expected(1, -1);
  diff->add_option("--abi", v->diff_abi, "Compare only the filesystem rights Landlock ABI N knows")->check(CLI::Range(1, 8));
  diff->add_option("--format", v->diff_format, "Output format")->check(CLI::IsMember({"text", "markdown", "json"}));
  diff->add_option("--fail-on", v->diff_fail_on, "Exit 1 when anything widens")->check(CLI::IsMember({"widen"}));
  cli.add_policy_path(diff);
  diff->callback([=, &cli] {
    if (!v->diff_git.empty()) {
      v->diff_opts.git_rev = v->diff_git.front();
      v->diff_opts.git_paths.assign(v->diff_git.begin() + 1, v->diff_git.end());
      // `diff --git REV a b`: CLI11 may give the paths to the positionals.
      for (const auto* p : {&v->diff_opts.old_spec, &v->diff_opts.new_spec})
        if (!p->empty()) v->diff_opts.git_paths.push_back(*p);
    } else if (v->diff_opts.old_spec.empty() || v->diff_opts.new_spec.empty()) {
      std::cerr << "sandlock diff: give OLD and NEW, or --git REV [PATH...]\n";
      cli.status = 2;
      return;
    }
    if (v->diff_abi) v->diff_opts.abi = v->diff_abi;
    parse_diff_format(v->diff_format, v->diff_opts.format);
    v->diff_opts.fail_on_widen = v->diff_fail_on == "widen";
    v->diff_opts.compile = cli.compile_options();
    cli.status = emit(cmd_diff(v->diff_opts, cli.reader));
  });
}

void add_lint(CLI::App& app, Cli& cli) {
  auto* lint = app.add_subcommand("lint", "Warn about risky or useless rules; score each profile's exposure (0..10)");
  struct Vars {
    LintCmdOptions lint_opts;
    std::string lint_format = "text";
    double lint_threshold = -1;
  };
  const auto v = std::make_shared<Vars>();
  lint->add_option("paths", v->lint_opts.paths, "Profile files or directories")->required();
  lint->add_option("--format", v->lint_format, "Output format")->check(CLI::IsMember({"text", "json", "github", "sarif"}));
  lint->add_option("--threshold", v->lint_threshold, "Exit 1 when a profile's exposure score is above SCORE")->check(CLI::Range(0.0, 10.0));
  cli.add_policy_path(lint);
  lint->callback([=, &cli] {
    parse_diag_format(v->lint_format, v->lint_opts.format);
    if (v->lint_threshold >= 0) v->lint_opts.threshold = v->lint_threshold;
    v->lint_opts.compile = cli.compile_options();
    DiskFsView fs;
    cli.status = emit(cmd_lint(v->lint_opts, cli.reader, fs));
  });
}

void add_test(CLI::App& app, Cli& cli) {
  auto* test = app.add_subcommand("test", "Check the assertions in profiles' `tests` sections and NAME.test.yaml sidecars");
  struct Vars {
    TestCmdOptions test_opts;
    int test_abi = 0;
  };
  const auto v = std::make_shared<Vars>();
  test->add_option("paths", v->test_opts.paths, "Profile files or directories")->required();
  test->add_option("--abi", v->test_abi, "Evaluate at Landlock ABI N (default: this kernel's)")->check(CLI::Range(1, 8));
  test->add_flag("--live", v->test_opts.live, "Also perform each assertion inside a real sandbox (needs python3 in the profile)");
  test->add_flag("--require-assertions", v->test_opts.require_assertions, "Exit 1 when no profile has any assertion (for CI)");
  cli.add_policy_path(test);
  test->callback([=, &cli] {
    if (v->test_abi) v->test_opts.abi = v->test_abi;
    v->test_opts.compile = cli.compile_options();
    RealKernel kernel;
    DiskFsView fs;
    cli.status = emit(cmd_test(v->test_opts, cli.reader, kernel, fs));
  });
}

void add_query(CLI::App& app, Cli& cli) {
  auto* query = app.add_subcommand("query", "Is an operation allowed by a profile, and which rule decides");
  struct Vars {
    QueryCmdOptions query_opts;
    int query_abi = 0;
  };
  const auto v = std::make_shared<Vars>();
  query->add_option("profile", v->query_opts.profile, "Profile file")->required();
  query->add_option("operation", v->query_opts.operation, "read, write, exec, connect or bind")
      ->required()
      ->check(CLI::IsMember({"read", "write", "exec", "connect", "bind"}));
  query->add_option("target", v->query_opts.target, "PATH, IP:PORT or PORT")->required();
  query->add_option("--abi", v->query_abi, "At Landlock ABI N (default: this kernel's)")->check(CLI::Range(1, 8));
  cli.add_policy_path(query);
  query->callback([=, &cli] {
    if (v->query_abi) v->query_opts.abi = v->query_abi;
    v->query_opts.compile = cli.compile_options();
    RealKernel kernel;
    cli.status = emit(cmd_query(v->query_opts, cli.reader, kernel.landlock_abi()));
  });
}

void add_convert(CLI::App& app, Cli& cli) {
  auto* convert = app.add_subcommand("convert", "Print a profile in the other format (YAML <-> TOML); comments are dropped");
  struct Vars {
    ConvertCmdOptions convert_opts;
    std::string convert_to;
  };
  const auto v = std::make_shared<Vars>();
  convert->add_option("profile", v->convert_opts.profile, "Profile file")->required();
  convert->add_option("--to", v->convert_to, "Target format")->required()->check(CLI::IsMember({"yaml", "toml"}));
  convert->callback([=, &cli] {
    v->convert_opts.to = v->convert_to == "toml" ? SourceFormat::Toml : SourceFormat::Yaml;
    cli.status = emit(cmd_convert(v->convert_opts, cli.reader));
  });
}

void add_schema(CLI::App& app, Cli& cli) {
  auto* schema = app.add_subcommand("schema", "Print the profile JSON Schema (draft-07)");
  schema->callback([=, &cli] { cli.status = emit(cmd_schema()); });
}

// Each subcommand and what registers it. Only the one named on the command line is
// registered when argv[1] names one: building all of CLI11's option tables costs `run`
// about a millisecond of start-up on this VM. Anything else (--help, a typo) sees them all.
struct Subcommand {
  std::string_view name;
  void (*add)(CLI::App&, Cli&);
};
constexpr Subcommand kSubcommands[] = {
    {"validate", add_validate}, {"compile", add_compile}, {"run", add_run},     {"explain", add_explain},
    {"check", add_check},       {"diff", add_diff},       {"lint", add_lint},   {"test", add_test},
    {"query", add_query},       {"convert", add_convert}, {"schema", add_schema},
};

}  // namespace

int main(int argc, char** argv, char** envp) {
  CLI::App app{"sandlock: declarative Landlock + seccomp sandboxing for Linux processes"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sandlock 0.1.0");
  Cli cli;
  cli.envp = envp;
  cli.args.assign(argv + 1, argv + argc);
  const std::string_view named = argc > 1 ? argv[1] : "";
  const bool one = std::any_of(std::begin(kSubcommands), std::end(kSubcommands),
                               [&](const Subcommand& s) { return s.name == named; });
  for (const Subcommand& s : kSubcommands)
    if (!one || s.name == named) s.add(app, cli);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (code == 0) return 0;
    // `run` promises 125 for any sandlock error, a bad command line included.
    return named == "run" && one ? 125 : 2;
  }
#if defined(__SANITIZE_ADDRESS__)
  return cli.status;
#else
  leave(cli.status);
#endif
}
