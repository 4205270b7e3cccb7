#include "engine/compile/fs_trie.h"

namespace sandlock {

std::vector<std::string> split_path(const std::string& absolute_path) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < absolute_path.size()) {
    const std::size_t j = std::min(absolute_path.find('/', i), absolute_path.size());
    if (j > i) parts.push_back(absolute_path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

namespace {

FsNode& node_at(FsNode& root, const std::string& path) {
  FsNode* node = &root;
  for (const auto& part : split_path(path)) node = &node->children[part];
  return *node;
}

void drop_grants(FsNode& node) {
  node.access = 0;
  node.grant_from.clear();
  for (auto& [_, child] : node.children) drop_grants(child);
}

// Returns true when the node carries nothing and can be removed.
bool normalize(FsNode& node, std::uint64_t inherited) {
  if (node.deny) {
    drop_grants(node);
    // Nested denies under a deny say nothing more.
    node.children.clear();
    return false;
  }
  if ((node.access & ~inherited) == 0) {
    node.access = 0;
    node.grant_from.clear();
  }
  const std::uint64_t here = inherited | node.access;
  for (auto it = node.children.begin(); it != node.children.end();) {
    if (normalize(it->second, here))
      it = node.children.erase(it);
    else
      ++it;
  }
  return node.access == 0 && !node.deny && node.children.empty();
}

}  // namespace

void fs_add_grant(FsNode& root, const std::string& path, std::uint64_t access, Provenance from) {
  FsNode& node = node_at(root, path);
  node.access |= access;
  node.grant_from.push_back(std::move(from));
}

void fs_add_deny(FsNode& root, const std::string& path, Provenance from) {
  FsNode& node = node_at(root, path);
  if (!node.deny) node.deny = std::move(from);
}

void fs_normalize(FsNode& root) { normalize(root, 0); }

std::uint64_t fs_access(const PolicyGraph& graph, const std::string& path) {
  const FsNode* node = &graph.fs;
  std::uint64_t access = node->access;
  if (node->deny) return 0;
  for (const auto& part : split_path(path)) {
    auto it = node->children.find(part);
    if (it == node->children.end()) break;
    node = &it->second;
    if (node->deny) return 0;
    access |= node->access;
  }
  return access;
}

}  // namespace sandlock
