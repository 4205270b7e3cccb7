// Filesystem diff: effective access per path, over every path either trie names.
#include <set>

#include "engine/compile/fs_trie.h"
#include "engine/review/diff_parts.h"
#include "engine/review/fs_decide.h"

namespace sandlock {
namespace {

struct Delta {
  std::uint64_t widen = 0, narrow = 0;
};

Delta delta_at(const PolicyGraph& o, const PolicyGraph& n, std::uint64_t rights, const std::string& path) {
  const std::uint64_t a = fs_access(o, path) & rights, b = fs_access(n, path) & rights;
  return {b & ~a, a & ~b};
}

// A change its parent already shows (the same rights or fewer, same direction) is the parent's.
bool explained_by(const Delta& child, const Delta& parent) {
  return !(child.widen & ~parent.widen) && !(child.narrow & ~parent.narrow);
}

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string change_detail(std::uint64_t before, std::uint64_t after, std::uint64_t bits, bool widening) {
  return access_words(before) + " -> " + access_words(after) + " (" + (widening ? "adds " : "removes ") +
         fs_rights_to_string(bits) + ")";
}

}  // namespace

std::string access_words(std::uint64_t access) {
  if (access == 0) return "none";
  if (access == fs_read_access()) return "read";
  if (access == fs_exec_access()) return "exec";
  if (access == fs_write_access()) return "write";
  if (access == (fs_write_access() | fs_exec_access())) return "write+exec";
  return fs_rights_to_string(access);
}

void diff_filesystem(const PolicyGraph& o, const PolicyGraph& n, std::uint64_t rights, std::vector<PolicyChange>& out) {
  std::set<std::string> paths;
  auto collect = [&](const std::string& path, const FsNode&) { paths.insert(path); };
  fs_walk(o.fs, "/", collect);
  fs_walk(n.fs, "/", collect);
  for (const auto& path : paths) {
    const Delta d = delta_at(o, n, rights, path);
    if ((d.widen | d.narrow) == 0 || (path != "/" && explained_by(d, delta_at(o, n, rights, parent_of(path))))) continue;
    const FsDecision before = fs_decide(o, path), after = fs_decide(n, path);
    if (d.widen) {
      PolicyChange c{ChangeKind::Widening, "filesystem", path, change_detail(before.access, after.access, d.widen, true), {}, {}};
      c.old_from = before.deny_from ? before.deny_from : fs_deciding_grant(before, ~0ULL);
      c.new_from = fs_deciding_grant(after, d.widen);
      if (before.deny_from) c.detail += "; deny " + *before.deny_path + " removed";
      out.push_back(std::move(c));
    }
    if (d.narrow) {
      PolicyChange c{ChangeKind::Narrowing, "filesystem", path, change_detail(before.access, after.access, d.narrow, false), {}, {}};
      c.old_from = fs_deciding_grant(before, d.narrow);
      c.new_from = after.deny_from ? after.deny_from : fs_deciding_grant(after, ~0ULL);
      if (after.deny_from) c.detail += "; denied by " + *after.deny_path;
      out.push_back(std::move(c));
    }
  }
}

}  // namespace sandlock
