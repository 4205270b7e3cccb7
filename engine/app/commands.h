// The commands behind the CLI, as functions of typed options: testable without a shell.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/app/options.h"
#include "engine/apply/launch.h"
#include "engine/lower/plan.h"
#include "engine/lower/resolve_hosts.h"

namespace sandlock {

struct ValidateOptions {
  std::vector<std::string> paths;
  DiagFormat format = DiagFormat::Text;
  CompileOptions compile;
};
class FsView;
// Each profile is also lowered for the newest Landlock ABI sandlock knows, against `fs`:
// lowering errors that hold on every kernel (io_uring re-allowed beside network rules, a deny
// a symbolic link or bind mount gets around) make it invalid, since run always refuses it.
// Whether this kernel's ABI has every strict protection is left to run, test and explain.
CommandResult cmd_validate(const ValidateOptions& options, SourceReader& reader, FsView& fs);

CommandResult cmd_schema();

}  // namespace sandlock

namespace sandlock {

class FsView;

enum class Emit { Graph, Landlock, SeccompPfc, SeccompBpf, OciSeccomp, K8sSeccompProfile };
bool parse_emit(const std::string& name, Emit& out);

struct CompileCmdOptions {
  std::string profile;
  Emit emit = Emit::Graph;
  std::optional<int> abi;  // default: the host's
  CompileOptions compile;
};
// `host_abi` is the probed Landlock ABI of this machine (the kernel seam's answer).
CommandResult cmd_compile(const CompileCmdOptions& options, SourceReader& reader, int host_abi, FsView& fs);

}  // namespace sandlock

namespace sandlock {

class Kernel;
class FsView;

// A protection override from --allow-degraded / --disable, in command-line order.
struct ProtectionOverride {
  std::string name;
  ProtectionState state;
};

// Applies overrides (last one wins); unknown names are errors listing the valid names.
bool apply_overrides(const std::vector<ProtectionOverride>& overrides, LowerTarget& target, std::string& error);

struct RunOptions {
  std::string profile;
  CompileOptions compile;  // compile.env.vars is the host environment
  std::vector<ProtectionOverride> overrides;
  std::optional<int> abi;
  std::optional<double> timeout_seconds;
  std::vector<std::string> env;      // --env K=V
  std::vector<std::string> command;  // after `--`; empty: the profile's program
  bool verbose = false;
  // Whose account home's default plan cache is kept out of the sandbox too, read from
  // /etc/passwd through the reader (so the plan cache sees a change): nullopt, none.
  std::optional<uid_t> account_uid;
};

// Everything `run` decides before launching, as data (tests inspect it without a kernel).
struct RunSetup {
  LaunchRequest request;
  std::string notes;  // degradation lines and --verbose output, for stderr
  // How request.env was built (build_environment): the plan cache stores these, not the
  // host's variables.
  bool clean_env = false;
  EnvList env_overlay;
};
// Returns nullopt (with the reason in `err`) when the run must not start: exit 125.
std::optional<RunSetup> prepare_run(const RunOptions& options, SourceReader& reader, Kernel& kernel, FsView& fs,
                                    std::string& err);
// `sandlock run` as the command line and the process give it, before anything is resolved.
struct RunInvocation {
  RunOptions options;  // options.profile as given; options.compile is built from the fields below
  std::vector<std::string> policy_path_flags;
  std::map<std::string, std::string> environment;
  std::string cwd;
  std::string shipped_policies;   // the compiled-in default
  std::vector<std::string> args;  // argv[1..]: the plan cache's key
  std::string engine_binary = "/proc/self/exe";  // whose identity a cache entry records
};
// Compiles the profile recording every input (plancache/facts.h), stores the plan in the
// plan cache when it can be cached, prints the notes and runs the command; returns the exit
// status of the run.
int cmd_run(const RunInvocation& invocation, Kernel& kernel, std::ostream& err);

struct ExplainOptions {
  std::string profile;
  CompileOptions compile;
  bool json = false;
};
CommandResult cmd_explain(const ExplainOptions& options, SourceReader& reader, Kernel& kernel, FsView& fs);

CommandResult cmd_check(Kernel& kernel, bool json);

}  // namespace sandlock

// --- reviewing policy repositories: diff, lint, test, query, convert ---------------------
#include "engine/parse/document.h"
#include "engine/review/diff.h"

namespace sandlock {

struct DiffCmdOptions {
  // OLD and NEW: files, or REV:PATH read with `git show` (bases still from the working tree).
  std::string old_spec, new_spec;
  // --git REV [PATH...]: every profile changed since REV (OLD/NEW unused).
  std::optional<std::string> git_rev;
  std::vector<std::string> git_paths;
  std::optional<int> abi;  // compare only the filesystem rights this ABI knows
  DiffFormat format = DiffFormat::Text;
  bool fail_on_widen = false;
  CompileOptions compile;
};
// Exit 0; 1 when --fail-on widen and something widens; 2 when a profile cannot be read or compiled.
CommandResult cmd_diff(const DiffCmdOptions& options, SourceReader& reader);

struct LintCmdOptions {
  std::vector<std::string> paths;
  DiagFormat format = DiagFormat::Text;
  std::optional<double> threshold;  // exit 1 when a profile's exposure score is above it
  CompileOptions compile;
};
CommandResult cmd_lint(const LintCmdOptions& options, SourceReader& reader, FsView& fs);

struct TestCmdOptions {
  std::vector<std::string> paths;
  std::optional<int> abi;  // default: the host's
  bool live = false;       // also perform each assertion inside a real sandbox
  bool require_assertions = false;  // exit 1 when no profile has any assertion
  CompileOptions compile;
};
// Assertions come from the profile's `tests` section and a sidecar NAME.test.yaml (unknown
// keys, a value that is not a list, and assertions both at its top and under `tests` are
// errors). Each profile is lowered at the target ABI as run lowers it: a lowering error fails
// its assertions and the command. No assertions at all is a warning (an error with
// require_assertions). Host names
// in network.allow are resolved as run resolves them (with getaddrinfo unless `hosts` is given);
// `fs` tells directories from files. A verdict that depends on what is not known here fails.
CommandResult cmd_test(const TestCmdOptions& options, SourceReader& reader, Kernel& kernel, FsView& fs);
CommandResult cmd_test(const TestCmdOptions& options, SourceReader& reader, Kernel& kernel, FsView& fs,
                       HostResolver& hosts);

struct QueryCmdOptions {
  std::string profile;
  std::string operation;  // read, write, exec, connect, bind
  std::string target;
  std::optional<int> abi;
  CompileOptions compile;
};
// Exit 0 allowed, 1 denied, 2 on a bad profile or question, 3 when the answer depends on what
// is not known here (a host name that does not resolve; a missing path whose kind decides).
// Without `fs` and `hosts`: the real filesystem and getaddrinfo, as run sees them.
CommandResult cmd_query(const QueryCmdOptions& options, SourceReader& reader, int host_abi);
CommandResult cmd_query(const QueryCmdOptions& options, SourceReader& reader, int host_abi, FsView& fs,
                        HostResolver& hosts);

struct ConvertCmdOptions {
  std::string profile;
  SourceFormat to = SourceFormat::Yaml;
};
CommandResult cmd_convert(const ConvertCmdOptions& options, SourceReader& reader);

}  // namespace sandlock
