#include "engine/app/own_state.h"

#include <algorithm>
#include <optional>

#include "engine/compile/fs_trie.h"
#include "engine/kernel/landlock_uapi.h"
#include "engine/plancache/store.h"

namespace sandlock {

std::vector<std::string> own_state_directories(const std::map<std::string, std::string>& environment,
                                               const std::vector<std::string>& homes) {
  std::vector<std::string> dirs;
  const auto add = [&](const std::string& d) {
    if (d.starts_with('/') && std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
  };
  if (const auto d = cache_directory(environment)) add(*d);
  auto without_override = environment;
  without_override.erase("SANDLOCK_CACHE_DIR");
  if (const auto d = cache_directory(without_override)) add(*d);
  for (const std::string& home : homes)
    if (const auto d = cache_directory({{"HOME", home}})) add(*d);
  return dirs;
}

std::optional<std::string> passwd_home(std::string_view passwd, uid_t uid) {
  const std::string wanted = std::to_string(uid);
  while (!passwd.empty()) {
    const auto end = passwd.find('\n');
    std::string_view line = passwd.substr(0, end);
    passwd.remove_prefix(end == std::string_view::npos ? passwd.size() : end + 1);
    // name:password:uid:gid:gecos:home:shell
    std::vector<std::string_view> fields;
    for (std::size_t start = 0;;) {
      const auto colon = line.find(':', start);
      fields.push_back(line.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
      if (colon == std::string_view::npos) break;
      start = colon + 1;
    }
    if (fields.size() < 7 || fields[2] != wanted) continue;
    if (!fields[5].starts_with('/')) return std::nullopt;
    return std::string(fields[5]);
  }
  return std::nullopt;
}

namespace {

// Rights beyond reading and executing: a grant with only those cannot plant an entry.
constexpr std::uint64_t kChanges = ~(uapi::kFsReadFile | uapi::kFsReadDir | uapi::kFsExecute);

bool at_or_below(const std::string& path, const std::string& dir) {
  if (dir == "/" || path == dir) return true;
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

// The grant that lets the sandbox change `dir`: the nearest node at or above it whose grant
// has more than reading, else any below it, else one written elsewhere that leads to, above
// or into it through a link or a bind mount. Nothing when none does, or when a deny of the
// profile's already keeps it out.
std::optional<Location> grant_reaching(const FsNode& root, const std::string& dir, FsView& fs) {
  const FsNode* node = &root;
  const FsNode* granted = (root.access & kChanges) ? &root : nullptr;
  for (const std::string& part : split_path(dir)) {
    const auto it = node->children.find(part);
    if (it == node->children.end()) {
      node = nullptr;
      break;
    }
    node = &it->second;
    if (node->deny) return std::nullopt;
    if (node->access & kChanges) granted = node;
  }
  if (!granted && node)  // only grants inside the directory
    fs_walk(*node, dir, [&](const std::string&, const FsNode& n) { granted = granted ? granted : ((n.access & kChanges) ? &n : nullptr); });
  // Else one that leads to, above or into it by another path: a link, or a bind mount that
  // shows it elsewhere (the mount table unread: any such grant might). The cache is denied
  // then, and the deny check refuses the grant (deny_check.h).
  if (!granted) {
    const auto aliases = fs.mount_aliases(dir);
    fs_walk(root, "/", [&](const std::string& path, const FsNode& n) {
      if (granted || !(n.access & kChanges)) return;
      const std::string target = fs.canonical(path);
      if (!aliases || (target != path && (at_or_below(dir, target) || at_or_below(target, dir)))) granted = &n;
      for (const std::string& alias : aliases ? *aliases : std::vector<std::string>{})
        if (at_or_below(alias, target) || at_or_below(target, alias)) granted = &n;
    });
  }
  if (!granted) return std::nullopt;
  return granted->grant_from.empty() ? Location{} : granted->grant_from.front().where;
}


}  // namespace

void deny_own_state(PolicyGraph& graph, const std::vector<std::string>& dirs, FsView& fs, Diagnostics& notes) {
  for (const std::string& written : dirs) {
    const std::string dir = fs.canonical(written);  // where it is, links resolved (a plan-cache fact)
    const auto where = grant_reaching(graph.fs, dir, fs);
    if (!where) continue;
    notes.push_back(warning_at("run.own-state-denied", *where, "",
                               "a grant reaches sandlock's plan cache " + dir +
                                   ": it is kept out of the sandbox, as a deny would keep it",
                               "grant narrower directories than one that holds it (the sandbox can make no entry "
                               "directly in a directory a deny is carved out of)"));
    fs_add_deny(graph.fs, dir, Provenance{*where, {"sandlock's plan cache"}});
  }
  fs_normalize(graph.fs);
}

}  // namespace sandlock
