#include "engine/plancache/facts.h"

#include <sys/utsname.h>

#include "engine/apply/landlock_syscalls.h"
#include "engine/util/disk.h"

namespace sandlock {
namespace {

std::optional<std::string> listing(const std::string& dir) {
  auto names = disk::list_directory(dir);
  if (!names) return std::nullopt;
  std::string out;
  for (const auto& n : *names) {
    out += n;
    out += '\0';
  }
  return out;
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

int landlock_abi() {
  const int abi = sys::landlock_create_ruleset(nullptr, 0, uapi::kCreateRulesetVersion);
  return abi < 0 ? 0 : abi;
}

}  // namespace

std::optional<std::string> bool_fact(bool b) { return std::string(b ? "1" : "0"); }

std::optional<std::string> observe(FactKind kind, const std::string& subject,
                                   const std::map<std::string, std::string>& environment) {
  switch (kind) {
    case FactKind::FileText: return disk::read_file(subject);
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
  }
  return std::nullopt;
}

bool facts_hold(const std::vector<Fact>& facts, const std::map<std::string, std::string>& environment,
                std::string& changed) {
  for (const auto& f : facts)
    if (observe(f.kind, f.subject, environment) != f.value) {
      static constexpr const char* kNames[] = {"", "file", "regular file", "directory", "existence of",
                                               "symlink", "listing of", "environment variable", "Landlock ABI", "kernel"};
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

std::optional<std::vector<std::string>> RecordingFsView::list(const std::string& dir) {
  auto text = log_.ask(FactKind::Listing, dir);
  if (!text) return std::nullopt;
  return unlist(*text);
}

}  // namespace sandlock
