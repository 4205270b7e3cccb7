// Reading profiles from git history for `diff REV:PATH` and `diff --git REV`.
// Only the named profile comes from the revision: the bases it extends are resolved
// from the working tree (the SourceReader serves one overridden file, disk for the rest).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/compile/graph.h"

namespace sandlock {

struct ProcessOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs argv (argv[0] searched in PATH) in `cwd` (empty: ours) and captures its output.
ProcessOutput run_capture(const std::vector<std::string>& argv, const std::string& cwd = {});

// `git show REV:PATH` (PATH as git reads it: relative to the repository root, or ./ for cwd).
std::optional<std::string> git_show(const std::string& rev, const std::string& path, std::string& error);
// The repository root of the working directory.
std::optional<std::string> git_toplevel(std::string& error);
// Repository-relative paths changed between REV and the working tree, limited to `paths`.
std::optional<std::vector<std::string>> git_changed_files(const std::string& rev, const std::vector<std::string>& paths,
                                                          std::string& error);

// Serves fixed texts for some paths and reads every other path through `fallback`.
class OverlaySourceReader : public SourceReader {
 public:
  explicit OverlaySourceReader(SourceReader& fallback) : fallback_(fallback) {}
  void set(const std::string& path, std::string text) { texts_[path] = std::move(text); }
  std::optional<std::string> read(const std::string& path) override;

 private:
  SourceReader& fallback_;
  std::map<std::string, std::string> texts_;
};

// Serves every file inside the repository at `toplevel` as it was at `rev` (absent when it
// did not exist then); files outside the repository (e.g. shipped policies) from `fallback`.
class GitRevSourceReader : public SourceReader {
 public:
  GitRevSourceReader(std::string toplevel, std::string rev, SourceReader& fallback)
      : toplevel_(std::move(toplevel)), rev_(std::move(rev)), fallback_(fallback) {}
  std::optional<std::string> read(const std::string& path) override;

 private:
  std::string toplevel_, rev_;
  SourceReader& fallback_;
};

// Splits "REV:PATH" when REV is not empty and the argument is not an existing file.
bool split_rev_path(const std::string& arg, std::string& rev, std::string& path);

}  // namespace sandlock
