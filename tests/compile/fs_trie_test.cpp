#include "engine/compile/fs_trie.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

namespace sandlock {
namespace {

constexpr std::uint64_t R = 1ULL << 2 | 1ULL << 3;  // read_file | read_dir
constexpr std::uint64_t W = 1ULL << 1;              // write_file
constexpr std::uint64_t X = 1ULL << 0;              // execute

Provenance at(int line) { return Provenance{{"p.yaml", line, 3}, {"p.yaml"}}; }

PolicyGraph graph_of(const std::vector<std::pair<std::string, std::uint64_t>>& grants,
                     const std::vector<std::string>& denies) {
  PolicyGraph g;
  int line = 1;
  for (const auto& [p, a] : grants) fs_add_grant(g.fs, p, a, at(line++));
  for (const auto& d : denies) fs_add_deny(g.fs, d, at(line++));
  fs_normalize(g.fs);
  return g;
}

TEST(FsTrie, SplitPath) {
  EXPECT_EQ(split_path("/"), std::vector<std::string>{});
  EXPECT_EQ(split_path("/usr/lib"), (std::vector<std::string>{"usr", "lib"}));
}

TEST(FsTrie, AccessAccumulatesFromAncestors) {
  auto g = graph_of({{"/usr", R}, {"/usr/bin", X}}, {});
  EXPECT_EQ(fs_access(g, "/usr/bin/ls"), R | X);
  EXPECT_EQ(fs_access(g, "/usr/share"), R);
  EXPECT_EQ(fs_access(g, "/etc"), 0u);
}

TEST(FsTrie, CoveredGrantIsRemovedAndDuplicatesMerge) {
  auto g = graph_of({{"/usr", R | X}, {"/usr/lib", R}, {"/usr", R}}, {});
  const FsNode& usr = g.fs.children.at("usr");
  EXPECT_EQ(usr.access, R | X);
  EXPECT_EQ(usr.grant_from.size(), 2u);  // both grants on /usr recorded
  EXPECT_TRUE(usr.children.empty());     // /usr/lib was covered by /usr
}

TEST(FsTrie, GrantAddingRightsUnderAncestorIsKept) {
  auto g = graph_of({{"/var", R}, {"/var/log", R | W}}, {});
  EXPECT_EQ(g.fs.children.at("var").children.at("log").access, R | W);
}

TEST(FsTrie, DenyWinsOverGrantsAboveAndBelow) {
  auto g = graph_of({{"/etc", R}, {"/etc/shadow", R | W}}, {"/etc/shadow"});
  EXPECT_EQ(fs_access(g, "/etc/shadow"), 0u);
  EXPECT_EQ(fs_access(g, "/etc/passwd"), R);
  const FsNode& shadow = g.fs.children.at("etc").children.at("shadow");
  EXPECT_TRUE(shadow.deny.has_value());
  EXPECT_EQ(shadow.access, 0u);
}

// Meaning is preserved: the answer from the raw grants equals the normalized trie's.
TEST(FsTrie, NormalizationPreservesAccessProperty) {
  const bool ok = rc::check("raw answer == normalized answer", [] {
    const auto component = rc::gen::element<std::string>("a", "b", "c");
    const auto path_gen = rc::gen::map(rc::gen::container<std::vector<std::string>>(
                                           *rc::gen::inRange(0, 4), component),
                                       [](const std::vector<std::string>& parts) {
                                         std::string p;
                                         for (const auto& s : parts) p += "/" + s;
                                         return p.empty() ? std::string("/") : p;
                                       });
    const auto grants = *rc::gen::container<std::vector<std::pair<std::string, std::uint64_t>>>(
        rc::gen::pair(path_gen, rc::gen::map(rc::gen::inRange<std::uint64_t>(0, 16), [](std::uint64_t v) { return v; })));
    const auto denies = *rc::gen::container<std::vector<std::string>>(*rc::gen::inRange(0, 3), path_gen);
    const auto g = graph_of(grants, denies);
    const auto is_prefix = [](const std::string& anc, const std::string& p) {
      return anc == "/" || p == anc || (p.size() > anc.size() && p.compare(0, anc.size(), anc) == 0 && p[anc.size()] == '/');
    };
    const std::string probe = *path_gen;
    std::uint64_t raw = 0;
    for (const auto& [p, a] : grants)
      if (is_prefix(p, probe)) raw |= a;
    for (const auto& d : denies)
      if (is_prefix(d, probe)) raw = 0;
    RC_ASSERT(fs_access(g, probe) == raw);
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace sandlock
