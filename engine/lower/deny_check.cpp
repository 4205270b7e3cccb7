#include "engine/lower/deny_check.h"

#include <map>
#include <optional>
#include <string>

#include "engine/kernel/landlock_uapi.h"

namespace sandlock {
namespace {

struct Deny {
  std::string path;
  Location where;
};

void collect_denies(const FsNode& node, const std::string& path, std::vector<Deny>& out) {
  if (node.deny) {
    out.push_back({path, node.deny->where});
    return;  // nothing below a deny is granted, nor needs checking
  }
  for (const auto& [name, child] : node.children) collect_denies(child, path == "/" ? "/" + name : path + "/" + name, out);
}

// Where the grant of `path` was written, when a profile wrote one there.
std::optional<Location> grant_written_at(const FsNode& root, const std::string& path) {
  const FsNode* node = &root;
  for (std::size_t at = 1; at < path.size();) {
    const std::size_t end = std::min(path.find('/', at), path.size());
    const auto it = node->children.find(path.substr(at, end - at));
    if (it == node->children.end()) return std::nullopt;
    node = &it->second;
    at = end + 1;
  }
  if (node->grant_from.empty()) return std::nullopt;
  return node->grant_from.front().where;
}

bool at_or_below(const std::string& path, const std::string& dir) {
  if (dir == "/" || path == dir) return true;
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

std::string written(const Location& where) {
  if (where.file.empty()) return "";
  return " (" + where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ")";
}

class DenyChecker {
 public:
  DenyChecker(const FsNode& root, const std::vector<LandlockPathRule>& rules, FsView& fs, Diagnostics& diagnostics)
      : root_(root), rules_(rules), fs_(fs), diagnostics_(diagnostics) {}

  void check(const Deny& deny) {
    // A denied path that does not exist yet is checked too: a rule above where it leads would
    // cover the file once made. What it will be is not known: taken as a directory (every
    // right above it counts).
    const std::string canonical = fs_.canonical(deny.path);
    const bool exists = fs_.exists(canonical);
    const auto aliases = fs_.mount_aliases(canonical);
    if (!aliases) {
      diagnostics_.push_back(error_at("lower.deny-unchecked", deny.where, "",
                                      "the mount table (/proc/self/mountinfo) cannot be read, so whether " + deny.path +
                                          " can be reached by another path cannot be checked",
                                      "run sandlock where /proc is mounted"));
      return;
    }
    const bool directory = !exists || fs_.is_directory(canonical);
    std::vector<std::string> paths{canonical};
    paths.insert(paths.end(), aliases->begin(), aliases->end());
    for (const LandlockPathRule& rule : rules_) {
      const std::string& leads_to = canonical_of(rule.path);
      for (const std::string& p : paths) {
        // Above the denied path, listing its directory is the carve-out's own right.
        const std::uint64_t covering = directory ? rule.allowed_access : rule.allowed_access & ~uapi::kFsReadDir;
        const bool into = at_or_below(leads_to, p);
        if (!into && !(covering != 0 && at_or_below(p, leads_to))) continue;
        report(deny, rule.path, leads_to, p, canonical, into);
        return;  // one error per deny is enough to stop the run and name the way in
      }
    }
    if (exists && !directory) {
      const unsigned links = fs_.link_count(canonical);
      if (links > 1)
        diagnostics_.push_back(warning_at(
            "lower.deny-hard-linked", deny.where, "",
            deny.path + " has " + std::to_string(links - 1) + " other name" + (links > 2 ? "s" : "") +
                " (hard links): a grant that reaches one of them reaches the file, which a path cannot show",
            "deny those names too (find / -xdev -samefile " + deny.path + ")"));
    }
  }

 private:
  const std::string& canonical_of(const std::string& path) {
    auto it = canonical_.find(path);
    if (it == canonical_.end()) it = canonical_.emplace(path, fs_.canonical(path)).first;
    return it->second;
  }

  void report(const Deny& deny, const std::string& rule, const std::string& leads_to, const std::string& denied_at,
              const std::string& canonical, bool into) {
    std::string how = rule == leads_to ? "" : ": " + rule + " leads to " + leads_to;
    if (denied_at != canonical) how += (how.empty() ? ": " : ", and ") + deny.path + " is also " + denied_at + " (a bind mount)";
    else if (canonical != deny.path) how += (how.empty() ? ": " : ", and ") + deny.path + " leads to " + canonical;
    std::string hint;
    if (canonical != deny.path)
      hint = "deny " + canonical + ", the path the link leads to";
    else if (into && rule != leads_to)
      hint = "drop the grant of " + rule + ": it leads into what is denied";
    else if (rule != leads_to)
      hint = "grant " + leads_to + " instead: a grant of the path itself is carved around the deny";
    else
      hint = "deny " + denied_at + " too, or keep this grant off it";
    const auto grant = grant_written_at(root_, rule);
    diagnostics_.push_back(error_at(
        "lower.grant-reaches-deny", grant ? *grant : deny.where, "",
        "the grant of " + rule + (into ? " reaches into " : " covers ") + deny.path + ", which is denied" +
            written(deny.where) + how,
        hint));
  }

  const FsNode& root_;
  const std::vector<LandlockPathRule>& rules_;
  FsView& fs_;
  Diagnostics& diagnostics_;
  std::map<std::string, std::string> canonical_;
};

}  // namespace

void check_denies_hold(const FsNode& root, const std::vector<LandlockPathRule>& rules, FsView& fs,
                       Diagnostics& diagnostics) {
  std::vector<Deny> denies;
  collect_denies(root, "/", denies);
  DenyChecker checker(root, rules, fs, diagnostics);
  for (const Deny& d : denies) checker.check(d);
}

}  // namespace sandlock
