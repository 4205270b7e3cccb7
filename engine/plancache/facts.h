// What a compiled plan depended on, as facts that can be checked again later.
//
// A run's plan is a pure function of its inputs: the command line, the working directory,
// the files read (the profile, its bases, the misses on the search path), the environment
// variables the profile expanded, the filesystem questions lowering asked (deny carve-outs
// list directories and test paths), the kernel's Landlock ABI and the engine binary itself.
// The engine records every one of those as it compiles (FactLog); the plan cache stores the
// facts next to the plan, and a cached plan is used only when every fact still holds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/compile/graph.h"
#include "engine/lower/plan.h"

namespace sandlock {

enum class FactKind : std::uint8_t {
  FileText = 1,  // subject: path; value: its bytes (nullopt: unreadable); regular files only
  RegularFile,   // subject: path; value: "1" or "0"
  Directory,     // subject: path; value: "1" or "0"
  Exists,        // subject: path; value: "1" or "0"
  Symlink,       // subject: path; value: "1" or "0"
  Listing,       // subject: directory; value: the sorted names, each ended by '\0' (nullopt: unlistable)
  Env,           // subject: variable name; value: its value (nullopt: unset)
  LandlockAbi,   // subject: ""; value: the kernel's ABI, in decimal
  // subject: ""; value: uname's release and version. libseccomp probes the running kernel
  // (its API level picks actions and flags), so the BPF program is the kernel's too.
  Kernel,
  // subject: path; value: its stat identity (device, inode, size, times). For the shared
  // objects the engine runs with: a libseccomp upgrade can change the BPF it emits.
  FileIdentity,
  Canonical,     // subject: path; value: where it leads, links resolved (disk::canonical_path)
  MountAliases,  // subject: canonical path; value: its bind-mount aliases, each ended by '\0' (nullopt: no table)
  LinkCount,     // subject: path; value: its number of hard links, in decimal
};
inline constexpr std::uint8_t kLastFactKind = static_cast<std::uint8_t>(FactKind::LinkCount);

struct Fact {
  FactKind kind = FactKind::FileText;
  std::string subject;
  std::optional<std::string> value;
  bool operator==(const Fact&) const = default;
};

// What the facts' subjects look like now. `environment` answers Env facts.
std::optional<std::string> observe(FactKind kind, const std::string& subject,
                                   const std::map<std::string, std::string>& environment);
// True when every fact still holds; otherwise `changed` names the first that does not.
bool facts_hold(const std::vector<Fact>& facts, const std::map<std::string, std::string>& environment,
                std::string& changed);

std::optional<std::string> bool_fact(bool b);

class FactLog;
// Records a FileIdentity fact for every file mapped into this process but `self` (from
// /proc/self/maps): the shared objects whose code computed the plan.
void record_mapped_files(FactLog& log, const std::string& self);

// The facts of one compilation, in the order first asked, each once.
class FactLog {
 public:
  explicit FactLog(const std::map<std::string, std::string>& environment) : environment_(environment) {}
  // Observes (kind, subject), records it and returns it.
  std::optional<std::string> ask(FactKind kind, const std::string& subject);
  bool ask_bool(FactKind kind, const std::string& subject) { return ask(kind, subject) == "1"; }
  void record(FactKind kind, const std::string& subject, std::optional<std::string> value);
  const std::vector<Fact>& facts() const { return facts_; }
  // False when one question got two different answers during the compilation (the disk
  // changed under it), or an input cannot be checked again (a profile read from a pipe):
  // such a plan is not cached.
  bool consistent() const { return consistent_; }
  void mark_uncheckable() { consistent_ = false; }

 private:
  const std::map<std::string, std::string>& environment_;
  bool consistent_ = true;
  std::vector<Fact> facts_;
  std::map<std::pair<FactKind, std::string>, std::size_t> index_;
};

// The disk, as the compile and lower stages see it, with every answer recorded.
class RecordingReader : public SourceReader {
 public:
  explicit RecordingReader(FactLog& log) : log_(log) {}
  std::optional<std::string> read(const std::string& path) override;

 private:
  FactLog& log_;
};

class RecordingFsView : public FsView {
 public:
  explicit RecordingFsView(FactLog& log) : log_(log) {}
  std::optional<std::vector<std::string>> list(const std::string& dir) override;
  bool is_directory(const std::string& path) override { return log_.ask_bool(FactKind::Directory, path); }
  bool exists(const std::string& path) override { return log_.ask_bool(FactKind::Exists, path); }
  bool is_symlink(const std::string& path) override { return log_.ask_bool(FactKind::Symlink, path); }
  std::string canonical(const std::string& path) override { return log_.ask(FactKind::Canonical, path).value_or(path); }
  std::optional<std::vector<std::string>> mount_aliases(const std::string& canonical) override;
  unsigned link_count(const std::string& path) override;

 private:
  FactLog& log_;
};

}  // namespace sandlock
