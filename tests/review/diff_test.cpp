#include "engine/review/diff.h"

#include <gtest/gtest.h>

#include "tests/review/review_fixture.h"

namespace sandlock {
namespace {

using testing::compile_ok;
using testing::MemoryReader;

PolicyDiff diff_texts(const std::string& a, const std::string& b) {
  MemoryReader reader;
  reader.files["/repo/common.yaml"] = "version: 1\nfilesystem:\n  read: [/usr/share]\n";
  return diff_graphs(compile_ok(reader, "old.yaml", a), compile_ok(reader, "new.yaml", b));
}

TEST(Diff, ReorderingAndRespellingIsNoChange) {
  const auto d = diff_texts("version: 1\nfilesystem:\n  read: [/etc, /srv]\n  write: [/var/lib/app]\n",
                            "version: 1\nfilesystem:\n  write: [/var/lib/app/]\n  read: [/srv, /etc]\n");
  EXPECT_TRUE(d.changes.empty());
}

TEST(Diff, GrantCoveredByAnExistingGrantIsNoChange) {
  const auto d = diff_texts("version: 1\nfilesystem:\n  read: [/etc]\n", "version: 1\nfilesystem:\n  read: [/etc, /etc/ssl]\n");
  EXPECT_TRUE(d.changes.empty());
}

TEST(Diff, MovingARuleIntoABaseIsNoChange) {
  const auto d = diff_texts("version: 1\nfilesystem:\n  read: [/usr/share, /etc]\n",
                            "version: 1\nextends: [common]\nfilesystem:\n  read: [/etc]\n");
  EXPECT_TRUE(d.changes.empty());
}

TEST(Diff, NewWriteGrantWidensWithItsProvenance) {
  const auto d = diff_texts("version: 1\nfilesystem:\n  read: [/etc]\n",
                            "version: 1\nfilesystem:\n  read: [/etc]\n  write: [/etc/app]\n");
  ASSERT_EQ(d.changes.size(), 1u);
  const auto& c = d.changes[0];
  EXPECT_EQ(c.kind, ChangeKind::Widening);
  EXPECT_EQ(c.area, "filesystem");
  EXPECT_EQ(c.subject, "/etc/app");
  ASSERT_TRUE(c.old_from && c.new_from);
  EXPECT_EQ(c.old_from->where, (Location{"/repo/old.yaml", 3, 10}));
  EXPECT_EQ(c.new_from->where, (Location{"/repo/new.yaml", 4, 11}));
  EXPECT_TRUE(d.widens());
}

TEST(Diff, RemovedDenyWidensAndAddedDenyNarrows) {
  const std::string with_deny = "version: 1\nfilesystem:\n  read: [/home]\n  deny: [/home/u/.ssh]\n";
  const std::string without = "version: 1\nfilesystem:\n  read: [/home]\n";
  const auto widen = diff_texts(with_deny, without);
  ASSERT_EQ(widen.changes.size(), 1u);
  EXPECT_EQ(widen.changes[0].kind, ChangeKind::Widening);
  EXPECT_EQ(widen.changes[0].subject, "/home/u/.ssh");
  EXPECT_EQ(widen.changes[0].old_from->where.line, 4);  // the deny that was removed
  const auto narrow = diff_texts(without, with_deny);
  ASSERT_EQ(narrow.changes.size(), 1u);
  EXPECT_EQ(narrow.changes[0].kind, ChangeKind::Narrowing);
  EXPECT_FALSE(narrow.widens());
}

TEST(Diff, ChildChangeExplainedByItsParentIsReportedOnce) {
  const auto d = diff_texts("version: 1\nfilesystem:\n  read: [/etc/ssl, /etc/hosts]\n",
                            "version: 1\nfilesystem:\n  write: [/etc]\n");
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].subject, "/etc");
}

TEST(Diff, ProtectionsOrderStrictDegradableDisabled) {
  const auto widen = diff_texts("version: 1\nprotections: {signal-scope: degradable}\n",
                                "version: 1\nprotections: {signal-scope: disabled}\n");
  ASSERT_EQ(widen.changes.size(), 1u);
  EXPECT_EQ(widen.changes[0].kind, ChangeKind::Widening);
  EXPECT_EQ(widen.changes[0].subject, "signal-scope");
  const auto narrow = diff_texts("version: 1\nprotections: {fs-truncate: degradable}\n", "version: 1\n");
  ASSERT_EQ(narrow.changes.size(), 1u);
  EXPECT_EQ(narrow.changes[0].kind, ChangeKind::Narrowing);
}

TEST(Diff, NetworkDestinationsComparedByCoverage) {
  const auto d = diff_texts("version: 1\nnetwork:\n  allow: [\"10.0.0.0/8:443\"]\n",
                            "version: 1\nnetwork:\n  allow: [\"10.1.0.0/16:443\", \"10.0.0.0/8:443\", \"192.168.0.1:22\"]\n  bind: [8080]\n");
  ASSERT_EQ(d.changes.size(), 2u);
  EXPECT_EQ(d.changes[0].area, "network");
  EXPECT_EQ(d.changes[0].subject, "192.168.0.1:22");
  EXPECT_EQ(d.changes[0].new_from->where.line, 3);
  EXPECT_EQ(d.changes[1].area, "bind");
  EXPECT_EQ(d.changes[1].subject, "8080");
}

TEST(Diff, NoNetworkToDenyListIsAModeWidening) {
  const auto d = diff_texts("version: 1\nnetwork:\n  allow: []\n", "version: 1\nnetwork:\n  deny: [\"10.0.0.0/8\"]\n");
  ASSERT_FALSE(d.changes.empty());
  EXPECT_EQ(d.changes[0].kind, ChangeKind::Widening);
  EXPECT_EQ(d.changes[0].subject, "mode");
}

const PolicyChange* find_change(const PolicyDiff& d, const std::string& area, const std::string& subject) {
  for (const auto& c : d.changes)
    if (c.area == area && c.subject == subject) return &c;
  return nullptr;
}

// A deny list allows everything it does not name: moving to an allow list that allows what the
// deny list refused widens for those destinations (10.1.2.3:80 was refused, then allowed). It
// was reported only as a narrowing of the mode, and --fail-on widen passed it.
TEST(Diff, DenyListToAllowListReportsWhatTheDenyListRefused) {
  const std::string deny = "version: 1\nnetwork: {deny: [\"10.0.0.0/8\"]}\n";
  const auto all = diff_texts(deny, "version: 1\nnetwork: {allow: [\"*\", \"icmp://*\"]}\n");
  EXPECT_TRUE(all.widens());
  const auto* refused = find_change(all, "network", "10.0.0.0/8");
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->kind, ChangeKind::Widening);
  EXPECT_NE(refused->detail.find("allow *"), std::string::npos) << refused->detail;
  ASSERT_TRUE(refused->old_from && refused->new_from);
  EXPECT_EQ(refused->old_from->where.line, 2);
  EXPECT_EQ(find_change(all, "network", "mode"), nullptr);  // the allow list allows everything: nothing narrows

  // Part of the denied range allowed: that part widens, the rest of the old default narrows.
  const auto part = diff_texts(deny, "version: 1\nnetwork:\n  allow: [\"10.1.0.0/16:443\", \"192.168.0.1:22\"]\n");
  const auto* inside = find_change(part, "network", "10.1.0.0/16:443");
  ASSERT_NE(inside, nullptr);
  EXPECT_EQ(inside->kind, ChangeKind::Widening);
  EXPECT_EQ(find_change(part, "network", "192.168.0.1:22"), nullptr);  // allowed before (not denied)
  const auto* mode = find_change(part, "network", "mode");
  ASSERT_NE(mode, nullptr);
  EXPECT_EQ(mode->kind, ChangeKind::Narrowing);

  // A host name is resolved when the sandbox starts: it may lie in the denied range.
  const auto name = diff_texts(deny, "version: 1\nnetwork: {allow: [\"api.example.com:443\"]}\n");
  const auto* host = find_change(name, "network", "api.example.com:443");
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->kind, ChangeKind::Widening);
  EXPECT_NE(host->detail.find("if the name resolves into deny 10.0.0.0/8"), std::string::npos) << host->detail;

  // Control: an allow list clear of the denied range widens nothing.
  EXPECT_FALSE(diff_texts(deny, "version: 1\nnetwork: {allow: [\"192.168.0.0/16\", \"icmp://10.0.0.1\"]}\n").widens());
}

// The reverse: a deny list widens against an allow list, unless that allowed everything; then
// only what the deny list names narrows.
TEST(Diff, AllowListToDenyListComparesTheDenies) {
  const auto from_all = diff_texts("version: 1\nnetwork: {allow: [\"*\", \"icmp://*\"]}\n",
                                   "version: 1\nnetwork: {deny: [\"10.0.0.0/8\"]}\n");
  EXPECT_FALSE(from_all.widens());
  ASSERT_EQ(from_all.changes.size(), 1u);
  EXPECT_EQ(from_all.changes[0].kind, ChangeKind::Narrowing);
  EXPECT_EQ(from_all.changes[0].subject, "10.0.0.0/8");

  const auto from_some = diff_texts("version: 1\nnetwork: {allow: [\"10.0.0.0/8:443\"]}\n",
                                    "version: 1\nnetwork: {deny: [\"10.1.0.0/16\"]}\n");
  EXPECT_TRUE(from_some.widens());
  const auto* mode = find_change(from_some, "network", "mode");
  ASSERT_NE(mode, nullptr);
  EXPECT_EQ(mode->kind, ChangeKind::Widening);
  const auto* denied = find_change(from_some, "network", "10.1.0.0/16:443");
  ASSERT_NE(denied, nullptr);
  EXPECT_EQ(denied->kind, ChangeKind::Narrowing);
}

// env, clean_env and cwd were not compared: each change read "no change in meaning".
TEST(Diff, ProgramEnvironmentAndWorkingDirectory) {
  const std::string tight = "version: 1\nprogram: {exec: /bin/true, env: {A: b, GONE: x}, clean_env: true, cwd: /}\n";
  const std::string loose = "version: 1\nprogram: {exec: /bin/true, env: {A: c, B: d}, clean_env: false, cwd: /tmp}\n";
  const auto widen = diff_texts(tight, loose);
  EXPECT_TRUE(widen.widens());
  const auto* clean = find_change(widen, "program", "clean_env");
  ASSERT_NE(clean, nullptr);
  EXPECT_EQ(clean->kind, ChangeKind::Widening);
  ASSERT_TRUE(clean->old_from && clean->new_from);
  EXPECT_EQ(clean->old_from->where.line, 2);
  ASSERT_NE(find_change(widen, "program", "env A"), nullptr);
  EXPECT_EQ(find_change(widen, "program", "env A")->kind, ChangeKind::Widening);
  EXPECT_EQ(find_change(widen, "program", "env A")->detail, "'b' -> 'c'");
  ASSERT_NE(find_change(widen, "program", "env B"), nullptr);
  EXPECT_EQ(find_change(widen, "program", "env B")->kind, ChangeKind::Widening);
  ASSERT_NE(find_change(widen, "program", "env GONE"), nullptr);
  EXPECT_EQ(find_change(widen, "program", "env GONE")->kind, ChangeKind::Narrowing);
  const auto* cwd = find_change(widen, "program", "cwd");
  ASSERT_NE(cwd, nullptr);
  EXPECT_EQ(cwd->kind, ChangeKind::Neutral);
  EXPECT_EQ(cwd->detail, "/ -> /tmp");

  const auto narrow = diff_texts("version: 1\nprogram: {exec: /bin/true, env: {A: b}}\n",
                                 "version: 1\nprogram: {exec: /bin/true, clean_env: true}\n");
  EXPECT_FALSE(narrow.widens());
  ASSERT_NE(find_change(narrow, "program", "clean_env"), nullptr);
  EXPECT_EQ(find_change(narrow, "program", "clean_env")->kind, ChangeKind::Narrowing);
  EXPECT_TRUE(diff_texts(tight, tight).changes.empty());
}

// run enforces neither `1-65535` nor `*` (port 0 asks for any free port): the same meaning.
// It diffed as "widening bind 0".
TEST(Diff, BindEveryPortSpelledTwoWaysIsNoChange) {
  EXPECT_TRUE(diff_texts("version: 1\nnetwork: {bind: [\"1-65535\"]}\n", "version: 1\nnetwork: {bind: [\"*\"]}\n").changes.empty());
  EXPECT_TRUE(diff_texts("version: 1\nnetwork: {bind: [\"*\"]}\n", "version: 1\nnetwork: {bind: [\"1-65535\"]}\n").changes.empty());
  EXPECT_TRUE(diff_texts("version: 1\nnetwork: {bind: [\"1-1000\", \"1001-65535\"]}\n", "version: 1\nnetwork: {bind: [\"*\"]}\n").changes.empty());
  // Control: a partial list still widens to `*`.
  const auto d = diff_texts("version: 1\nnetwork: {bind: [\"2-65535\"]}\n", "version: 1\nnetwork: {bind: [\"*\"]}\n");
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].kind, ChangeKind::Widening);
  EXPECT_EQ(d.changes[0].subject, "0-1");
}

TEST(Diff, SyscallsAndLimits) {
  const auto d = diff_texts("version: 1\nsyscalls:\n  deny: [chmod]\nlimits: {processes: 10, memory: 1G}\n",
                            "version: 1\nlimits: {processes: 20, memory: 512M}\n");
  std::size_t widen_syscalls = 0, narrow = 0;
  for (const auto& c : d.changes) {
    widen_syscalls += c.area == "syscall" && c.kind == ChangeKind::Widening;
    if (c.kind == ChangeKind::Narrowing) {
      ++narrow;
      EXPECT_EQ(c.subject, "memory");
    }
  }
  EXPECT_EQ(widen_syscalls, 1u);  // chmod; @clock-style groups already in the default set would be no change
  EXPECT_EQ(narrow, 1u);
  const auto processes = std::find_if(d.changes.begin(), d.changes.end(), [](const PolicyChange& c) { return c.subject == "processes"; });
  ASSERT_NE(processes, d.changes.end());
  EXPECT_EQ(processes->kind, ChangeKind::Widening);
  EXPECT_EQ(processes->detail, "10 -> 20");
}

TEST(Diff, MarkdownHasSummaryThenWideningsFirst) {
  auto d = diff_texts("version: 1\nlimits: {processes: 10}\nfilesystem:\n  write: [/tmp/a]\n",
                      "version: 1\nlimits: {processes: 5}\nfilesystem:\n  write: [/tmp/a, /tmp/b]\n");
  d.old_name = "old.yaml";
  d.new_name = "new.yaml";
  const std::string md = render_diffs({d}, DiffFormat::Markdown);
  EXPECT_EQ(md.substr(0, md.find('\n')), "**sandlock diff:** ⚠️ 1 widening, 1 narrowing change(s) in 1 of 1 profile(s)");
  EXPECT_LT(md.find("**widening**"), md.find("| narrowing |"));
}

}  // namespace
}  // namespace sandlock
