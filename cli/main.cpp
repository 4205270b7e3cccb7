// sandlock command line: argument parsing and output only; the logic lives in engine/app.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "engine/app/commands.h"

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
    cmd->add_option("--policy-path", policy_path, "Directory searched for base profiles named in `extends` (repeatable)");
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
    status = emit(cmd_compile(compile_cmd, reader, 0));
  });

  // schema
  auto* schema = app.add_subcommand("schema", "Print the profile JSON Schema (draft-07)");
  schema->callback([&] { status = emit(cmd_schema()); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return status;
}
