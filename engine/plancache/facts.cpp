#include "engine/plancache/facts.h"

#include <sys/stat.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cstdlib>

#include "engine/apply/landlock_syscalls.h"
#include "engine/util/disk.h"

namespace sandlock {
namespace {

std::string joined_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    out += n;
    out += '\0';
  }
  return out;
}

std::optional<std::string> listing(const std::string& dir) {
  auto names = disk::list_directory(dir);
  if (!names) return std::nullopt;
  return joined_names(*names);
}

std::vector<std::string> unlist(const std::string& text) {
  std::vector<std::string> names;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t end = text.find('\0', i);
    names.push_back(text.substr(i, end - i));
    i = end + 1;
  }
  return names;
}

std::string kernel_identity() {
  utsname u{};
  if (uname(&u) != 0) return {};
  return std::string(u.release) + " " + u.version;
}

std::optional<std::string> file_identity(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
         std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ":" +
         std::to_string(st.st_ctim.tv_sec) + "." + std::to_string(st.st_ctim.tv_nsec);
}

int landlock_abi() {
  const int abi = sys::landlock_create_ruleset(nullptr, 0, uapi::kCreateRulesetVersion);
  return abi < 0 ? 0 : abi;
}

}  // namespace

std::optional<std::string> bool_fact(bool b) { return std::string(b ? "1" : "0"); }

std::optional<std::string> observe(FactKind kind, const std::string& subject,
                                   const std::map<std::string, std::string>& environment) {
  switch (kind) {
    case FactKind::FileText: {
      bool irregular = false;
      auto text = disk::read_regular_file(subject, irregular);
      // Never a recorded value: those come from regular files only (RecordingReader).
      if (irregular) return std::string("\0sandlock: not a regular file\0", 30);
      return text;
    }
    case FactKind::RegularFile: return bool_fact(disk::is_regular_file(subject));
    case FactKind::Directory: return bool_fact(disk::is_directory(subject));
    case FactKind::Exists: return bool_fact(disk::exists(subject));
    case FactKind::Symlink: return bool_fact(disk::is_symlink(subject));
    case FactKind::Listing: return listing(subject);
    case FactKind::Env: {
      const auto it = environment.find(subject);
      return it == environment.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    case FactKind::LandlockAbi: return std::to_string(landlock_abi());
    case FactKind::Kernel: return kernel_identity();
    case FactKind::FileIdentity: return file_identity(subject);
    case FactKind::Canonical: return disk::canonical_path(subject);
    case FactKind::MountAliases: {
      const auto aliases = disk::mount_aliases(subject);
      return aliases ? std::optional<std::string>(joined_names(*aliases)) : std::nullopt;
    }
    case FactKind::LinkCount: return std::to_string(disk::link_count(subject));
  }
  return std::nullopt;
}

bool facts_hold(const std::vector<Fact>& facts, const std::map<std::string, std::string>& environment,
                std::string& changed) {
  for (const auto& f : facts)
    if (observe(f.kind, f.subject, environment) != f.value) {
      static constexpr const char* kNames[] = {"", "file", "regular file", "directory", "existence of",
                                               "symlink", "listing of", "environment variable", "Landlock ABI", "kernel", "file",
                                               "resolution of", "bind mounts of", "hard links of"};
      changed = std::string(kNames[static_cast<std::size_t>(f.kind)]) + (f.subject.empty() ? "" : " ") + f.subject;
      return false;
    }
  return true;
}

std::optional<std::string> FactLog::ask(FactKind kind, const std::string& subject) {
  auto value = observe(kind, subject, environment_);
  record(kind, subject, value);
  return value;
}

void FactLog::record(FactKind kind, const std::string& subject, std::optional<std::string> value) {
  const auto [it, fresh] = index_.try_emplace({kind, subject}, facts_.size());
  if (fresh)
    facts_.push_back({kind, subject, std::move(value)});
  else if (facts_[it->second].value != value)
    consistent_ = false;
}

void record_mapped_files(FactLog& log, const std::string& self) {
  const auto maps = disk::read_file("/proc/self/maps");
  if (!maps) {
    log.mark_uncheckable();
    return;
  }
  // "start-end perms offset dev inode   /path": the path is the rest after the inode.
  std::size_t i = 0;
  while (i < maps->size()) {
    const std::size_t end = std::min(maps->find('\n', i), maps->size());
    const std::string line = maps->substr(i, end - i);
    i = end + 1;
    const std::size_t slash = line.find(" /");
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(slash + 1);
    if (path.ends_with(" (deleted)"))
      log.mark_uncheckable();  // replaced while running: what would be checked is not what ran
    else if (path != self)
      log.ask(FactKind::FileIdentity, path);
  }
}

std::optional<std::string> RecordingReader::read(const std::string& path) {
  bool irregular = false;
  auto text = disk::read_regular_file(path, irregular);
  if (!irregular) {
    log_.record(FactKind::FileText, path, text);
    return text;
  }
  // A pipe or a device can be read once, not checked again: read it, cache nothing.
  log_.mark_uncheckable();
  return disk::read_file(path);
}

std::optional<std::vector<std::string>> RecordingFsView::mount_aliases(const std::string& canonical) {
  auto text = log_.ask(FactKind::MountAliases, canonical);
  if (!text) return std::nullopt;
  return unlist(*text);
}

unsigned RecordingFsView::link_count(const std::string& path) {
  const auto text = log_.ask(FactKind::LinkCount, path);
  return text ? static_cast<unsigned>(std::strtoul(text->c_str(), nullptr, 10)) : 0;
}

std::optional<std::vector<std::string>> RecordingFsView::list(const std::string& dir) {
  auto text = log_.ask(FactKind::Listing, dir);
  if (!text) return std::nullopt;
  return unlist(*text);
}

}  // namespace sandlock
