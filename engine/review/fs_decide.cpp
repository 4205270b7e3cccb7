#include "engine/review/fs_decide.h"

#include "engine/compile/fs_trie.h"

namespace sandlock {

FsDecision fs_decide(const PolicyGraph& graph, const std::string& path) {
  FsDecision d;
  const FsNode* node = &graph.fs;
  std::string at = "/";
  auto visit = [&](const FsNode& n) {
    if (n.access) d.grants.push_back({at, n.access, n.grant_from});
    if (n.deny && !d.deny_path) {
      d.deny_path = at;
      d.deny_from = *n.deny;
    }
  };
  visit(*node);
  for (const auto& part : split_path(path)) {
    auto it = node->children.find(part);
    if (it == node->children.end()) break;
    node = &it->second;
    at = at == "/" ? "/" + part : at + "/" + part;
    visit(*node);
  }
  d.access = fs_access(graph, path);
  return d;
}

namespace {

void move_to_targets(const FsNode& node, const std::string& path, FsView& fs, FsNode& out,
                     std::map<std::string, std::string>& written) {
  if (node.access || node.deny) {
    const std::string target = fs.canonical(path);
    if (target != path) written.emplace(target, path);
    FsNode* at = &out;
    for (const auto& part : split_path(target)) at = &at->children[part];
    at->access |= node.access;
    at->grant_from.insert(at->grant_from.end(), node.grant_from.begin(), node.grant_from.end());
    if (node.deny && !at->deny) at->deny = node.deny;
  }
  for (const auto& [name, child] : node.children)
    move_to_targets(child, path == "/" ? "/" + name : path + "/" + name, fs, out, written);
}

}  // namespace

FsNode fs_trie_by_target(const FsNode& root, FsView& fs, std::map<std::string, std::string>& written) {
  FsNode out;
  move_to_targets(root, "/", fs, out, written);
  return out;
}

std::optional<Provenance> fs_deciding_grant(const FsDecision& decision, std::uint64_t bits) {
  for (auto it = decision.grants.rbegin(); it != decision.grants.rend(); ++it)
    if ((it->access & bits) && !it->from.empty()) return it->from.front();
  return std::nullopt;
}

std::string provenance_text(const Provenance& p) {
  if (p.where.line == 0) return p.where.file.empty() ? "built-in default" : p.where.file;
  std::string s = p.where.file + ":" + std::to_string(p.where.line) + ":" + std::to_string(p.where.column);
  if (p.chain.size() > 1) {
    s += " (via ";
    for (std::size_t i = 0; i < p.chain.size(); ++i) s += (i ? " -> " : "") + p.chain[i];
    s += ")";
  }
  return s;
}

}  // namespace sandlock
