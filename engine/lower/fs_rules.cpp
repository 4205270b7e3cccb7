#include "engine/lower/fs_rules.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "engine/kernel/landlock_uapi.h"

namespace sandlock {
namespace {

std::string child_path(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

bool has_deny_below(const FsNode& node) {
  for (const auto& [name, child] : node.children)
    if (child.deny || has_deny_below(child)) return true;
  return false;
}

Location grant_location(const FsNode* node) {
  return node && !node->grant_from.empty() ? node->grant_from.front().where : Location{};
}

class FsRuleBuilder {
 public:
  FsRuleBuilder(std::uint64_t handled, FsView& fs, Diagnostics& diagnostics)
      : handled_(handled), fs_(fs), diagnostics_(diagnostics) {}

  // A node no carve-out covers: its own access is its rule (Landlock accumulates down).
  // `writable` is the topmost ancestor whose grant lets the sandbox make symbolic links below
  // it ("" when none): a grant inside it must not go through a link there (through_link).
  void visit(const FsNode& node, const std::string& path, const std::string& writable = "") {
    if (node.deny) return;  // nothing at or below a deny
    const std::uint64_t own = node.access & handled_;
    if (own != 0 && !writable.empty() && through_link(node, path, writable)) return;
    const std::string below = !writable.empty() ? writable : (own & uapi::kFsMakeSym) ? path : "";
    if (own != 0 && has_deny_below(node)) {
      carve_root(node, path, own, below);
      return;
    }
    if (own != 0) add(path, own, &node);
    for (const auto& [name, child] : node.children) visit(child, child_path(path, name), below);
  }

  std::vector<LandlockPathRule> take() {
    std::vector<LandlockPathRule> out;
    out.reserve(rules_.size());
    for (auto& [path, rule] : rules_) out.push_back(std::move(rule));
    return out;
  }

 private:
  // A rule is opened by its path when the sandbox starts, following symbolic links. Below a
  // directory where the sandbox may make links, it could put one in the rule's way (or in
  // place of the rule's own path) in one run and have the next grant land wherever it
  // points: such a path must not go through a link. (Each answer is a plan-cache fact.)
  bool through_link(const FsNode& node, const std::string& path, const std::string& writable) {
    for (std::size_t at = writable == "/" ? 1 : writable.size() + 1; at <= path.size(); ++at) {
      if (at != path.size() && path[at] != '/') continue;
      const std::string step = path.substr(0, at);
      if (!fs_.is_symlink(step)) continue;
      diagnostics_.push_back(error_at(
          "lower.grant-through-link", grant_location(&node), "",
          "the grant of " + path + " goes through the symbolic link " + step + ", inside " + writable +
              ", where the sandbox may make links: one it made would send the grant anywhere",
          "name the directory the link points to, or keep this grant out of the writable one"));
      return true;
    }
    return false;
  }

  // The topmost granted ancestor A of one or more denies: A's grant is replaced by
  // grants on everything beside the denied paths, so Landlock itself keeps them out.
  void carve_root(const FsNode& node, const std::string& path, std::uint64_t own, const std::string& writable) {
    const std::size_t before = rules_.size();
    const std::string outer = std::exchange(writable_, writable);  // a carve may hold another
    carve(node, path, own);
    writable_ = outer;
    const std::size_t added = rules_.size() - before;
    if (added > kDenyExpansionWarnAt)
      diagnostics_.push_back(warning_at(
          "lower.deny-expansion", grant_location(&node), "",
          "the deny carve-outs under " + path + " expand to " + std::to_string(added) + " Landlock rules",
          "grant narrower directories instead of one wide grant with denies inside it"));
  }

  // `x` is a directory on the way to a deny; `acc` is the access granted from A down to x.
  void carve(const FsNode& x, const std::string& path, std::uint64_t acc) {
    // The first directory on the way down whose grant lets the sandbox make links is the
    // writable one for everything below it.
    const std::string outer = writable_;
    if (writable_.empty() && (acc & uapi::kFsMakeSym)) writable_ = path;
    std::set<std::string> names;
    if (auto listed = fs_.list(path)) names.insert(listed->begin(), listed->end());
    for (const auto& [name, child] : x.children) names.insert(name);

    bool only_denied_files = true;  // then listing x reveals nothing below it
    for (const std::string& name : names) {
      const std::string p = child_path(path, name);
      const auto it = x.children.find(name);
      const FsNode* child = it == x.children.end() ? nullptr : &it->second;
      if ((child && child->deny) || (child && has_deny_below(*child))) {
        // A deny names a path, but Landlock keeps out files: through a symbolic link (the deny
        // itself, or a directory on its way) the carve would list, and keep out, the link's
        // name while its target stayed granted under its own name.
        if (fs_.is_symlink(p)) {
          const FsNode* denied = child;
          while (!denied->deny) denied = &std::find_if(denied->children.begin(), denied->children.end(), [](const auto& c) {
                                            return c.second.deny || has_deny_below(c.second);
                                          })->second;
          diagnostics_.push_back(error_at(
              "lower.deny-through-link", denied->deny->where, "",
              "a deny at or below " + p + " goes through the symbolic link " + p +
                  ": it would keep out the link's name, not the file it leads to",
              "deny the path the link points to"));
          continue;
        }
      }
      if (child && child->deny) {
        only_denied_files = only_denied_files && fs_.exists(p) && !fs_.is_directory(p);
      } else if (child && has_deny_below(*child)) {
        only_denied_files = false;
        carve(*child, p, acc | (child->access & handled_));
      } else {
        if (!fs_.is_symlink(p)) add(p, acc, nullptr);  // a link's target is not under x: no rule
        if (child) visit(*child, p, writable_);  // its own grant and its subtree's, on top
      }
    }
    if (only_denied_files) add(path, acc & uapi::kFsReadDir, &x);
    writable_ = outer;
  }

  // Landlock opens a rule's path in sandlock (the launcher or the engine), not in the sandbox:
  // through /proc/self or /proc/thread-self, or a link into them (/dev/fd), it names sandlock's
  // own /proc/PID. Granting that would hand the sandbox sandlock's entry (its environment,
  // kept even with clean_env) instead of its own. Only paths under /proc and /dev are asked
  // where they lead, and /proc/self only for one that leads into /proc (plan-cache facts).
  bool names_sandlock(const std::string& path, const FsNode* from) {
    const auto under = [](const std::string& p, const std::string& dir) {
      return p == dir || p.starts_with(dir + "/");
    };
    // /proc/PID names its process outright (a carve of /proc lists sandlock's among the rest).
    const std::string first = path.starts_with("/proc/") ? path.substr(6, path.find('/', 6) - 6) : "";
    const bool pid_dir = !first.empty() && first.find_first_not_of("0123456789") == std::string::npos;
    bool own = under(path, "/proc/self") || under(path, "/proc/thread-self");
    if (!own && !pid_dir && (under(path, "/proc") || under(path, "/dev"))) {
      const std::string leads_to = fs_.canonical(path);
      if (leads_to.starts_with("/proc/")) {
        const std::string self = fs_.canonical("/proc/self");
        own = self != "/proc/self" && under(leads_to, self);
      }
    }
    if (own)
      diagnostics_.push_back(error_at(
          "lower.grant-names-sandlock", grant_location(from), "",
          "the grant of " + path + " leads to sandlock's own /proc entry: a rule's path is opened by sandlock, " +
              "not by the sandbox, so it would grant sandlock's process (its environment included) and not the sandbox's",
          "grant /proc (every process's entries) if the program needs its own, or leave it out"));
    return own;
  }

  // `from` is the trie node that wrote the grant; null for a listed sibling (no note needed).
  void add(const std::string& path, std::uint64_t access, const FsNode* from) {
    access &= handled_;
    if (access == 0) return;
    if (names_sandlock(path, from)) return;
    if (!fs_.exists(path)) {
      if (from)
        diagnostics_.push_back(Diagnostic{Severity::Info, "lower.path-missing", grant_location(from), "",
                                          "path " + path + " does not exist here; its grant is skipped", ""});
      return;
    }
    const bool directory = fs_.is_directory(path);
    if (!directory) access &= kFsFileRights;
    if (access == 0) return;
    LandlockPathRule& rule = rules_[path];
    rule.path = path;
    rule.allowed_access |= access;
    rule.directory = directory;
  }

  std::uint64_t handled_;
  FsView& fs_;
  Diagnostics& diagnostics_;
  std::map<std::string, LandlockPathRule> rules_;  // by path: sorted and merged
  std::string writable_;  // visit's `writable`, for the carve in progress
};

}  // namespace

std::vector<LandlockPathRule> lower_fs_rules(const FsNode& root, std::uint64_t handled_fs, FsView& fs,
                                             Diagnostics& diagnostics) {
  FsRuleBuilder builder(handled_fs, fs, diagnostics);
  builder.visit(root, "/");
  return builder.take();
}

}  // namespace sandlock
