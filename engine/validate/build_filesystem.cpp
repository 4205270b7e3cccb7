// filesystem: read / exec / write / deny path lists and fine-grained rules.
#include "engine/validate/key_path.h"
#include "engine/validate/profile_builder.h"

namespace sandlock {
namespace {

struct GrantClass {
  std::string_view key;
  FsGrantKind kind;
  std::uint64_t (*access)();
};

constexpr GrantClass kGrantClasses[] = {
    {"read", FsGrantKind::Read, fs_read_access},
    {"exec", FsGrantKind::Exec, fs_exec_access},
    {"write", FsGrantKind::Write, fs_write_access},
};

const GrantClass* grant_class(std::string_view key) {
  for (const auto& c : kGrantClasses)
    if (c.key == key) return &c;
  return nullptr;
}

}  // namespace

void ProfileBuilder::filesystem(const Node& fs, Profile& p) {
  // Document order, so later stages can explain grants in the order they were written.
  for (const auto& entry : fs.entries) {
    const std::string list_path = key_path_child("filesystem", entry.key);
    if (const GrantClass* c = grant_class(entry.key)) {
      each_string(&entry.value, list_path, [&](const Node& item, const std::string& item_path) {
        if (auto normal = path(item, item_path)) p.fs_grants.push_back({c->kind, *normal, c->access(), where(item.mark)});
      });
    } else if (entry.key == "deny") {
      each_string(&entry.value, list_path, [&](const Node& item, const std::string& item_path) {
        if (auto normal = path(item, item_path)) p.fs_deny.push_back({*normal, where(item.mark)});
      });
    } else if (entry.key == "rules" && entry.value.kind == Node::Kind::Seq) {
      for (std::size_t i = 0; i < entry.value.items.size(); ++i) {
        const Node& rule = entry.value.items[i];
        const std::string rule_path = key_path_index(list_path, i);
        const Node* path_node = rule.find("path");
        if (!path_node || path_node->kind != Node::Kind::String) continue;
        const auto normal = path(*path_node, key_path_child(rule_path, "path"));
        std::uint64_t access = 0;
        each_string(rule.find("access"), key_path_child(rule_path, "access"),
                    [&](const Node& right, const std::string&) { access |= fs_right_by_name(right.text).value_or(0); });
        if (normal) p.fs_grants.push_back({FsGrantKind::Rule, *normal, access, where(rule.mark)});
      }
    }
  }
}

}  // namespace sandlock
