// `sandlock test`: assertions checked statically against the compiled graph at the target
// ABI and, with --live, performed for real inside a sandbox built from the profile
// (prepare_run + launch) by a Python probe that reports through its exit status.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <span>

#include "engine/app/commands.h"
#include "engine/apply/kernel.h"
#include "engine/apply/unique_fd.h"
#include "engine/compile/compose.h"
#include "engine/compile/merge.h"
#include "engine/review/assertion.h"
#include "engine/util/text.h"

namespace sandlock {
namespace {

constexpr const char* kPython = "/usr/bin/python3";
constexpr int kProbeDenied = 10, kProbeError = 11;

// Exit 0: the kernel let the operation through; 10: EACCES/EPERM; 11: some other failure.
// A refused or timed-out connection and a port in use count as allowed: the sandbox let them out.
constexpr const char* kProbe = R"(import errno, os, socket, subprocess, sys
op, arg = sys.argv[1], sys.argv[2]
def run():
    if op == "read":
        if os.path.isdir(arg): os.listdir(arg)
        else: open(arg, "rb").close()
    elif op == "write":
        if os.path.isdir(arg):
            p = os.path.join(arg, ".sandlock-probe-%d" % os.getpid())
            os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)); os.unlink(p)
        else: os.close(os.open(arg, os.O_WRONLY))
    elif op == "exec":
        subprocess.run([arg, "--version"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=5)
    elif op == "connect":
        host, port = arg.rsplit(":", 1)
        s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(3)
        try: s.connect((host, int(port)))
        except (ConnectionRefusedError, TimeoutError, socket.timeout): pass
    elif op == "bind":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try: s.bind(("127.0.0.1", int(arg)))
        except OSError as e:
            if e.errno != errno.EADDRINUSE: raise
    elif op == "signal":
        os.kill(int(arg), 0)
    elif op == "abstract-unix":
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect("\0" + arg)
try:
    run()
except PermissionError:
    sys.exit(10)
except Exception as e:
    print("probe: %s" % e, file=sys.stderr); sys.exit(11)
)";

std::string op_name(Operation op) {
  switch (op) {
    case Operation::Read: return "read";
    case Operation::Write: return "write";
    case Operation::Exec: return "exec";
    case Operation::Connect: return "connect";
    case Operation::Bind: return "bind";
    case Operation::Signal: return "signal";
    case Operation::AbstractUnix: return "abstract-unix";
  }
  return {};
}

// An abstract unix socket listening outside the sandbox, for `abstract-unix outside`.
UniqueFd abstract_listener(const std::string& name) {
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  name.copy(addr.sun_path + 1, sizeof addr.sun_path - 2);
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (fd.get() < 0 || bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd.get(), 4) != 0) return UniqueFd();
  return fd;
}

std::string probe_argument(const Assertion& a, const std::string& socket_name) {
  switch (a.op) {
    case Operation::Connect: return a.host + ":" + std::to_string(a.port);
    case Operation::Bind: return std::to_string(a.port);
    case Operation::Signal: return std::to_string(getpid());  // the launcher: outside the sandbox
    case Operation::AbstractUnix: return socket_name;
    default: return a.path;
  }
}

struct LiveOutcome {
  std::optional<bool> allowed;  // absent: the probe could not tell (why says so)
  std::string why;
};

// The profile must let /usr/bin/python3 and its standard library run (e.g. extend `python3`).
LiveOutcome perform_live(const TestCmdOptions& options, const std::string& profile, const Assertion& assertion,
                         SourceReader& reader, Kernel& kernel, FsView& fs) {
  const std::string socket_name = "sandlock-test-" + std::to_string(getpid());
  UniqueFd listener;
  if (assertion.op == Operation::AbstractUnix && (listener = abstract_listener(socket_name)).get() < 0)
    return {std::nullopt, "could not listen on an abstract unix socket outside the sandbox"};
  RunOptions run;
  run.profile = profile;
  run.compile = options.compile;
  run.abi = options.abi;
  run.timeout_seconds = 20;
  run.command = {kPython, "-c", kProbe, op_name(assertion.op), probe_argument(assertion, socket_name)};
  std::string err;
  auto setup = prepare_run(run, reader, kernel, fs, err);
  if (!setup) return {std::nullopt, "the sandbox could not be built: " + err};
  const int status = launch(setup->request, err);
  if (status == 0) return {true, "performed: allowed"};
  if (status == kProbeDenied) return {false, "performed: denied (EACCES/EPERM)"};
  if (status == kProbeError) return {std::nullopt, "the probe failed for another reason (see stderr)"};
  return {std::nullopt, "the probe did not run (exit " + std::to_string(status) + (err.empty() ? "" : ": " + err) +
                            "); --live needs the profile to let " + kPython + " run"};
}


struct Named {
  std::string text;
  Location where;
  bool expect_allowed;
};

void collect_located(const std::vector<Located<std::string>>& list, bool allow, std::vector<Named>& out) {
  for (const auto& a : list) out.push_back({a.value, a.where, allow});
}

// NAME.test.yaml next to NAME.yaml: `allow`/`deny` lists at the top or under `tests` (one
// or the other: both is an error, so that neither is dropped unseen). Anything else in the
// file is an error, so that a misspelt key never leaves assertions silently unchecked.
void collect_sidecar(const std::string& profile, SourceReader& reader, std::vector<Named>& out, Diagnostics& diags) {
  const auto dot = profile.rfind('.');
  const std::string sidecar = profile.substr(0, dot) + ".test.yaml";
  auto text = reader.read(sidecar);
  if (!text) return;
  ParseResult parsed = parse_yaml(*text, sidecar);
  diags.insert(diags.end(), parsed.diagnostics.begin(), parsed.diagnostics.end());
  if (!parsed.document) return;
  const auto where = [&](const Mark& m) { return Location{sidecar, m.line, m.column}; };
  const Node& top = parsed.document->root;
  if (top.kind == Node::Kind::Null) return;  // an empty file: no assertions (counted as none)
  if (top.kind != Node::Kind::Map) {
    diags.push_back(error_at("test.not-a-mapping", where(top.mark), "",
                             "a test file holds `allow:` and `deny:` lists (at the top or under `tests:`), got " +
                                 kind_name(top.kind)));
    return;
  }
  // Unknown keys of a mapping are errors with a did-you-mean; returns false when it is not one.
  const auto check_keys = [&](const Node& map, const std::string& prefix, std::span<const std::string> known) {
    for (const auto& e : map.entries)
      if (std::find(known.begin(), known.end(), e.key) == known.end())
        diags.push_back(error_at("test.unknown-key", where(e.key_mark), prefix + e.key,
                                 "unknown key '" + e.key + "' in a test file (expected " + join(known, ", ") + ")",
                                 did_you_mean(e.key, known)));
  };
  static const std::vector<std::string> kTop{"allow", "deny", "tests"}, kLists{"allow", "deny"};
  check_keys(top, "", kTop);
  const Node* root = &top;
  std::string prefix;
  if (const MapEntry* t = top.find_entry("tests")) {
    if (t->value.kind != Node::Kind::Map) {
      diags.push_back(error_at("test.not-a-mapping", where(t->value.mark), "tests",
                               "`tests` holds `allow:` and `deny:` lists, got " + kind_name(t->value.kind)));
      return;
    }
    for (const char* key : {"allow", "deny"})
      if (const MapEntry* e = top.find_entry(key))
        diags.push_back(error_at("test.both-spellings", where(e->key_mark), key,
                                 std::string("`") + key + "` at the top of a test file that also has `tests:`; "
                                     "its assertions would not be checked",
                                 "put every assertion under `tests:`, or all of them at the top"));
    check_keys(t->value, "tests.", kLists);
    root = &t->value;
    prefix = "tests.";
  }
  for (const auto& [key, allow] : {std::pair{"allow", true}, std::pair{"deny", false}}) {
    const MapEntry* entry = root->find_entry(key);
    if (!entry) continue;
    const Node& list = entry->value;
    if (list.kind != Node::Kind::Seq) {
      diags.push_back(error_at("test.not-a-list", where(list.mark), prefix + key,
                               "expected a list of assertions, got " + kind_name(list.kind),
                               list.kind == Node::Kind::String ? "write a list: " + std::string(key) + ": [\"" + printable(list.text) + "\"]"
                                                               : std::string()));
      continue;
    }
    for (std::size_t i = 0; i < list.items.size(); ++i) {
      const Node& item = list.items[i];
      if (item.kind == Node::Kind::String)
        out.push_back({item.text, where(item.mark), allow});
      else
        diags.push_back(error_at("test.not-a-string", where(item.mark), prefix + key + "[" + std::to_string(i) + "]",
                                 "an assertion must be a string"));
    }
  }
}

std::string at(const Location& where) {
  return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
}

struct Tally {
  std::size_t passed = 0, failed = 0;
};

}  // namespace

CommandResult cmd_test(const TestCmdOptions& options, SourceReader& reader, Kernel& kernel, FsView& fs) {
  SystemHostResolver hosts;
  return cmd_test(options, reader, kernel, fs, hosts);
}

CommandResult cmd_test(const TestCmdOptions& options, SourceReader& reader, Kernel& kernel, FsView& fs,
                       HostResolver& hosts) {
  CommandResult result;
  Diagnostics diags;
  Tally tally;
  std::size_t total = 0;  // assertions found, in every profile
  const int abi = options.abi.value_or(std::clamp(kernel.landlock_abi(), kMinLandlockAbi, kMaxLandlockAbi));
  for (const auto& file : expand_profile_paths(options.paths, diags)) {
    auto text = reader.read(file);
    LoadResult loaded = load_profile_tree(text.value_or(""), file, options.compile, reader);
    diags.insert(diags.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
    if (!text || has_errors(loaded.diagnostics) || loaded.levels.empty()) {
      ++tally.failed;
      result.out += "FAIL " + file + ": the profile does not compile\n";
      continue;
    }
    const PolicyGraph graph = merge_levels(loaded.levels, diags);
    std::vector<Named> assertions;
    collect_located(loaded.levels.back().profile.tests_allow, true, assertions);
    collect_located(loaded.levels.back().profile.tests_deny, false, assertions);
    collect_sidecar(file, reader, assertions, diags);
    const ProtectionStatuses status = statuses_at(graph, abi);
    const StaticContext context = static_context(graph, fs, hosts);  // resolved once per profile, as run does
    // Lowered as run lowers it, at the target ABI against this filesystem: what run refuses
    // (a strict protection unavailable, io_uring beside network rules, a deny a link gets
    // around) fails every assertion, with run's errors.
    LowerTarget target;
    target.abi = abi;
    const LowerResult lowered = lower(graph, target, fs);
    const bool runs = lowered.plan.has_value();
    for (const auto& d : lowered.diagnostics)
      if (d.severity != Severity::Info) diags.push_back(d);  // run's errors and warnings
    const bool unavailable =
        std::any_of(status.begin(), status.end(), [](ProtectionStatus s) { return s == ProtectionStatus::Unavailable; });
    result.out += file + " (Landlock ABI " + std::to_string(abi) + (options.live ? ", live" : "") + ")\n";
    if (assertions.empty()) result.out += "  (no assertions)\n";
    total += assertions.size();
    for (const auto& n : assertions) {
      const std::string label = std::string(n.expect_allowed ? "allow " : "deny ") + n.text;
      std::string error;
      auto a = parse_assertion(n.text, error);
      std::string line;
      bool ok = false;
      if (!a) {
        line = error;
      } else if (!runs) {
        line = unavailable ? "a strict protection is unavailable at this ABI: the profile does not run"
                           : "run refuses this profile (the lowering errors above): the profile does not run";
      } else {
        const Verdict v = evaluate_static(graph, status, context, *a);
        ok = !v.unknown && v.allowed == n.expect_allowed;
        line = v.reason;
        if (options.live) {
          const LiveOutcome live = perform_live(options, file, *a, reader, kernel, fs);
          ok = ok && live.allowed == n.expect_allowed;
          line += "; live: " + live.why;
        }
      }
      ++(ok ? tally.passed : tally.failed);
      result.out += std::string(ok ? "  PASS " : "  FAIL ") + label + "  (" + line + ")  " + at(n.where) + "\n";
    }
  }
  result.err = render(diags, DiagFormat::Text);
  result.out += std::to_string(tally.passed) + " passed, " + std::to_string(tally.failed) + " failed\n";
  // Nothing checked is not a pass a CI job should take for one.
  if (total == 0)
    result.err += std::string("sandlock: ") + (options.require_assertions ? "error" : "warning") +
                  ": no assertions were checked (none in `tests:` sections or NAME.test.yaml files)" +
                  (options.require_assertions ? "\n" : "; --require-assertions makes this an error\n");
  result.exit_code = tally.failed || has_errors(diags) || (total == 0 && options.require_assertions) ? 1 : 0;
  return result;
}

}  // namespace sandlock
