#include "engine/review/lint.h"

#include <gtest/gtest.h>

#include "tests/review/review_fixture.h"

namespace sandlock {
namespace {

using testing::FakeFs;
using testing::MemoryReader;

struct Linted {
  Diagnostics diags;
  ExposureScore score;
};

Linted lint_text(const std::string& text, FakeFs fs = {}) {
  MemoryReader reader;
  reader.files["/repo/base.yaml"] = "version: 1\nfilesystem:\n  read: [/usr]\n";
  auto levels = testing::load_ok(reader, "p.yaml", text);
  Diagnostics merge_diags;
  PolicyGraph graph = merge_levels(levels, merge_diags);
  for (const auto& level : levels)
    for (const auto& g : level.profile.fs_grants) fs.existing.insert(g.path);
  return {lint_levels(levels, graph, fs), exposure_score(graph)};
}

std::vector<std::string> codes(const Diagnostics& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags) out.push_back(d.code);
  return out;
}

TEST(Lint, WriteToSystemDirectoryPointsAtTheRule) {
  const auto l = lint_text("version: 1\nfilesystem:\n  write: [/etc]\n");
  ASSERT_EQ(codes(l.diags), std::vector<std::string>{"SL001"});
  EXPECT_EQ(l.diags[0].where, (Location{"/repo/p.yaml", 3, 11}));
  EXPECT_EQ(l.diags[0].severity, Severity::Warning);
  EXPECT_FALSE(l.diags[0].hint.empty());
}

TEST(Lint, HomeSecrets) {
  EXPECT_EQ(codes(lint_text("version: 1\nfilesystem:\n  read: [/home/u/.ssh]\n").diags), std::vector<std::string>{"SL002"});
  EXPECT_EQ(codes(lint_text("version: 1\nfilesystem:\n  write: [/home/u]\n").diags), std::vector<std::string>{"SL002"});
  EXPECT_TRUE(lint_text("version: 1\nfilesystem:\n  write: [/home/u/project]\n").diags.empty());
}

TEST(Lint, NetworkAnyProtectionsAndSyscalls) {
  const auto l = lint_text(
      "version: 1\nnetwork:\n  allow: [\"*:443\"]\nprotections: {signal-scope: degradable, fs-truncate: disabled}\n"
      "syscalls:\n  allow: [\"@clock\"]\n");
  EXPECT_EQ(codes(l.diags), (std::vector<std::string>{"SL003", "SL004", "SL005", "SL006"}));
}

// 0.0.0.0/0 and ::/0 name every address of their family: open like `*` (SL003 said nothing).
// Control: a prefix-8 CIDR is a listed destination.
TEST(Lint, PrefixZeroCidrsAreOpenLikeAny) {
  for (const char* any : {"0.0.0.0/0", "tcp://0.0.0.0/0:443", "::/0"}) {
    const auto l = lint_text(std::string("version: 1\nnetwork:\n  allow: [\"") + any + "\"]\n");
    ASSERT_EQ(codes(l.diags), std::vector<std::string>{"SL003"}) << any;
    EXPECT_NE(l.diags[0].message.find("allows connections to any host"), std::string::npos) << l.diags[0].message;
  }
  EXPECT_TRUE(lint_text("version: 1\nnetwork:\n  allow: [\"10.0.0.0/8\"]\n").diags.empty());
}

TEST(Lint, ShadowedGrantByABaseAndDenyMatchingNothing) {
  const auto l = lint_text("version: 1\nextends: [base]\nfilesystem:\n  read: [/usr/share/doc]\n  deny: [/opt/x]\n");
  ASSERT_EQ(codes(l.diags), (std::vector<std::string>{"SL007", "SL008"}));
  EXPECT_EQ(l.diags[0].where.line, 4);
  EXPECT_NE(l.diags[0].message.find("/repo/base.yaml:3"), std::string::npos);
  EXPECT_EQ(l.diags[1].where.line, 5);
}

TEST(Lint, MissingPathIsInfo) {
  MemoryReader reader;
  auto levels = testing::load_ok(reader, "p.yaml", "version: 1\nfilesystem:\n  read: [/nowhere]\n");
  Diagnostics ignored;
  FakeFs fs;
  const auto diags = lint_levels(levels, merge_levels(levels, ignored), fs);
  ASSERT_EQ(codes(diags), std::vector<std::string>{"SL009"});
  EXPECT_EQ(diags[0].severity, Severity::Info);
}

TEST(Lint, LargeDenyExpansion) {
  FakeFs fs;
  std::vector<std::string> many;
  for (int i = 0; i < 300; ++i) many.push_back("d" + std::to_string(i));
  many.push_back("secret");
  fs.dirs["/data"] = many;
  fs.dirs["/"] = {"data"};
  const auto l = lint_text("version: 1\nfilesystem:\n  read: [/data]\n  deny: [/data/secret]\n", fs);
  ASSERT_EQ(codes(l.diags), std::vector<std::string>{"SL010"});
  EXPECT_NE(l.diags[0].message.find("about 300 Landlock rules"), std::string::npos);
}

TEST(Exposure, TightProfileScoresZero) {
  const auto l = lint_text("version: 1\nfilesystem:\n  read: [/srv]\nlimits: {processes: 4, memory: 64M}\n");
  EXPECT_EQ(l.score.score, 0.0);
  EXPECT_TRUE(l.score.breakdown.empty());
}

TEST(Exposure, WeightsAddUpAndCapAtTen) {
  const auto l = lint_text("version: 1\nfilesystem:\n  write: [/etc]\nnetwork:\n  allow: [\"*\"]\nlimits: {processes: 4, memory: 64M}\n");
  EXPECT_DOUBLE_EQ(l.score.score, 5.0);  // fs-write-system 3.0 + net-open 2.0
  ASSERT_EQ(l.score.breakdown.size(), 2u);
  EXPECT_EQ(l.score.breakdown[0].id, "fs-write-system");
  const auto open = lint_text(
      "version: 1\nfilesystem:\n  write: [/]\n  exec: [/]\nnetwork:\n  allow: [\"*\"]\n  bind: [\"*\"]\n"
      "protections: {signal-scope: disabled, abstract-unix-socket-scope: disabled, fs-ioctl-dev: disabled, fs-truncate: disabled}\n");
  EXPECT_DOUBLE_EQ(open.score.score, 10.0);
}

// A prefix-0 CIDR scores as `*` (net-open, 2.0), not as one listed destination (0.5).
TEST(Exposure, PrefixZeroCidrsScoreAsOpen) {
  const std::string limits = "limits: {processes: 4, memory: 64M}\n";
  for (const char* any : {"*", "0.0.0.0/0", "::/0"}) {
    const auto l = lint_text(std::string("version: 1\nnetwork:\n  allow: [\"") + any + "\"]\n" + limits);
    ASSERT_EQ(l.score.breakdown.size(), 1u) << any;
    EXPECT_EQ(l.score.breakdown[0].id, "net-open") << any;
    EXPECT_DOUBLE_EQ(l.score.score, 2.0) << any;
  }
  const auto listed = lint_text("version: 1\nnetwork:\n  allow: [\"10.0.0.0/8\"]\n" + limits);
  ASSERT_EQ(listed.score.breakdown.size(), 1u);
  EXPECT_EQ(listed.score.breakdown[0].id, "net-outbound");
}

TEST(Exposure, EveryWeightIsDocumentedOnce) {
  std::set<std::string_view> ids;
  for (const auto& w : exposure_weights()) {
    EXPECT_TRUE(ids.insert(w.id).second) << w.id;
    EXPECT_GT(w.weight, 0);
  }
  EXPECT_EQ(lint_rules().size(), 10u);
}

}  // namespace
}  // namespace sandlock
