// `sandlock diff`: loads OLD and NEW (files or git revisions), compiles both, compares meaning.
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "engine/app/commands.h"
#include "engine/compile/compose.h"
#include "engine/review/git_source.h"

namespace sandlock {
namespace {

constexpr int kExitDiffError = 2;

struct Loaded {
  std::optional<PolicyGraph> graph;
  std::string label;
};

bool is_profile_file(const std::string& path) {
  auto ends = [&](std::string_view s) { return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0; };
  return (ends(".yaml") || ends(".yml") || ends(".toml")) && !ends(".test.yaml");
}

bool file_exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// The path with every symbolic link resolved; nullopt when it cannot be resolved.
std::optional<std::string> real_path(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (!resolved) return std::nullopt;
  std::string out(resolved);
  std::free(resolved);
  return out;
}

class DiffLoader {
 public:
  DiffLoader(const DiffCmdOptions& options, SourceReader& reader, CommandResult& result)
      : options_(options), reader_(reader), result_(result) {}

  // Compiles `text` as if it were the file at `path`, so `extends` resolves from its directory.
  std::optional<PolicyGraph> compile_as(const std::string& path, const std::string& text) {
    OverlaySourceReader overlay(reader_);
    overlay.set(path, text);
    CompileResult c = compile_file(path, options_.compile, overlay);
    result_.err += render(c.diagnostics, DiagFormat::Text);
    return c.graph;
  }

  // A file, or REV:PATH (PATH relative to the repository root, or ./PATH to the working directory).
  Loaded load_spec(const std::string& spec) {
    std::string rev, path;
    if (!split_rev_path(spec, rev, path)) {
      CompileResult c = compile_file(spec, options_.compile, reader_);
      result_.err += render(c.diagnostics, DiagFormat::Text);
      return {c.graph, spec};
    }
    std::string error;
    auto text = git_show(rev, path, error);
    const bool cwd_relative = path.rfind("./", 0) == 0 || path.rfind("../", 0) == 0;
    auto top = cwd_relative ? std::optional(options_.compile.env.pwd) : git_toplevel(error);
    if (!text || !top) {
      result_.err += "sandlock: " + error;
      return {std::nullopt, spec};
    }
    return {compile_as(absolute_path(path, *top), *text), spec};
  }

  // Every profile under the paths, old side read entirely from REV (bases included), so a
  // change to a base shows in the profiles that extend it. A base that existed at REV is
  // diffed on its own too: a child that sets a scalar the base changed would hide the change
  // from the base itself and the other profiles extending it. A base new since REV is not (it
  // had no meaning to hide; what it grants shows in the profiles extending it, so moving rules
  // into a new base stays no change). A base that does not compile on its own (on either
  // side) is said so and skipped, without failing the diff.
  // Paths are compared with symbolic links resolved (the repository root git reports is);
  // a path outside the repository is a usage error.
  std::vector<PolicyDiff> changed_since(const std::string& rev) {
    std::string error;
    auto top = git_toplevel(error);
    auto changed = top ? git_changed_files(rev, options_.git_paths, error) : std::nullopt;
    if (top && changed && !(top = real_path(*top))) error = "cannot resolve the repository root\n";
    if (!changed || !top) {
      result_.err += "sandlock: " + error;
      failed = true;
      return {};
    }
    for (const auto& f : *changed)
      if (is_profile_file(f) && !file_exists(*top + "/" + f)) result_.err += "sandlock: " + f + " was deleted since " + rev + "\n";
    Diagnostics ignored;
    std::vector<std::string> files;
    for (const auto& f : expand_profile_paths(options_.git_paths.empty() ? std::vector<std::string>{*top} : options_.git_paths, ignored)) {
      const std::string full = absolute_path(f, options_.compile.env.pwd);
      const auto real = real_path(full);
      if (!real || real->rfind(*top + "/", 0) != 0) {
        result_.err += "sandlock: " + f + (real ? " (" + *real + ")" : std::string()) + " is not inside the repository at " +
                       *top + "\n";
        failed = true;
        return {};
      }
      if (std::find(files.begin(), files.end(), *real) == files.end()) files.push_back(*real);  // a link to another profile
    }
    const std::set<std::string> bases = bases_of(files);
    GitRevSourceReader old_reader(*top, rev, reader_);
    std::vector<PolicyDiff> diffs;
    for (const auto& full : files) {
      const bool base = bases.count(full) > 0;
      const std::string rel = full.substr(top->size() + 1);
      const std::string old_file = spelled_at_rev(full, old_reader);
      if (base && old_file.empty()) continue;
      Loaded before{std::nullopt, rev + ":" + old_file.substr(std::min(old_file.size(), top->size() + 1))};
      std::string notes;  // a base's diagnostics, kept back until it is known to compile on both sides
      if (!old_file.empty()) {
        CompileResult c = compile_file(old_file, options_.compile, old_reader);
        notes += render(c.diagnostics, DiagFormat::Text);
        before.graph = c.graph;
      } else {
        before.graph = compile_as(full, "version: 1\n");  // a new profile: every grant widens
      }
      CompileResult now = compile_file(full, options_.compile, reader_);
      notes += render(now.diagnostics, DiagFormat::Text);
      if (base && (!before.graph || !now.graph)) {
        result_.err += "sandlock: " + rel + " is a base that does not compile on its own" +
                       (now.graph ? " at " + rev : std::string()) + "; not diffed on its own (the profiles extending it are)\n";
        continue;
      }
      result_.err += notes;
      compare(before, {now.graph, rel}, diffs);
    }
    return diffs;
  }

  // The file at REV: `full` itself, or the same profile in the other format (a YAML<->TOML
  // conversion is a rename); empty when the profile is new.
  static std::string spelled_at_rev(const std::string& full, SourceReader& old_reader) {
    if (old_reader.read(full)) return full;
    const std::string stem = full.substr(0, full.rfind('.'));
    for (const char* ext : {".yaml", ".yml", ".toml"})
      if (stem + ext != full && old_reader.read(stem + ext)) return stem + ext;
    return {};
  }

  // Files that another of `files` extends (directly or not).
  std::set<std::string> bases_of(const std::vector<std::string>& files) {
    std::set<std::string> bases;
    for (const auto& f : files) {
      auto text = reader_.read(f);
      if (!text) continue;
      LoadResult loaded = load_profile_tree(*text, f, options_.compile, reader_);
      for (std::size_t i = 0; i + 1 < loaded.levels.size(); ++i) bases.insert(loaded.levels[i].profile.file);
    }
    return bases;
  }

  void compare(const Loaded& a, const Loaded& b, std::vector<PolicyDiff>& out) {
    if (!a.graph || !b.graph) {
      failed = true;
      return;
    }
    const std::uint64_t rights = options_.abi ? landlock_abi_facts(*options_.abi).fs : ~0ULL;
    PolicyDiff d = diff_graphs(*a.graph, *b.graph, rights);
    d.old_name = a.label;
    d.new_name = b.label;
    out.push_back(std::move(d));
  }

  bool failed = false;

 private:
  const DiffCmdOptions& options_;
  SourceReader& reader_;
  CommandResult& result_;
};

}  // namespace

CommandResult cmd_diff(const DiffCmdOptions& options, SourceReader& reader) {
  CommandResult result;
  DiffLoader loader(options, reader, result);
  std::vector<PolicyDiff> diffs;
  if (options.git_rev)
    diffs = loader.changed_since(*options.git_rev);
  else
    loader.compare(loader.load_spec(options.old_spec), loader.load_spec(options.new_spec), diffs);
  if (loader.failed) {
    result.exit_code = kExitDiffError;
    return result;
  }
  result.out = render_diffs(diffs, options.format);
  const bool widens = std::any_of(diffs.begin(), diffs.end(), [](const PolicyDiff& d) { return d.widens(); });
  result.exit_code = options.fail_on_widen && widens ? 1 : 0;
  return result;
}

}  // namespace sandlock
