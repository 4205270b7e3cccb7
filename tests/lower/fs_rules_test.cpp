// Step 3: path rules from the trie, and deny carve-outs enforced by Landlock itself.
#include <gtest/gtest.h>

#include "engine/lower/fs_rules.h"
#include "tests/lower/fake_fs_view.h"
#include "tests/lower/graph_builder.h"

namespace sandlock {
namespace {

using testing::FakeFsView;
using testing::kRead;
using uapi::kFsExecute;
using uapi::kFsReadDir;
using uapi::kFsReadFile;
using uapi::kFsWriteFile;

constexpr std::uint64_t kAll = 0xffff;

// (path, access, directory) triples are easy to compare and print.
using RuleTuple = std::tuple<std::string, std::uint64_t, bool>;

std::vector<RuleTuple> rules_of(const PolicyGraph& g, FsView& fs, Diagnostics& diags, std::uint64_t handled = kAll) {
  std::vector<RuleTuple> out;
  for (const LandlockPathRule& r : lower_fs_rules(g.fs, handled, fs, diags))
    out.emplace_back(r.path, r.allowed_access, r.directory);
  return out;
}

FakeFsView small_tree() {
  return FakeFsView{"/bin/sh", "/etc/hosts", "/etc/passwd", "/etc/shadow", "/etc/ssl/certs/ca.pem",
                    "/etc/ssl/private/key.pem", "/home/", "/usr/lib/libc.so"};
}

TEST(LowerFsRules, OwnAccessIsTheRuleAndNonDirectoriesKeepOnlyFileRights) {
  FakeFsView fs = small_tree();
  PolicyGraph g;
  testing::grant(g, "/usr", kRead | kFsExecute);
  testing::grant(g, "/usr/lib", kFsWriteFile);  // accumulation is Landlock's job: own bits only
  testing::grant(g, "/etc/hosts", kRead);       // a file: read_dir dropped
  Diagnostics diags;
  EXPECT_EQ(rules_of(g, fs, diags), (std::vector<RuleTuple>{{"/etc/hosts", kFsReadFile, false},
                                                           {"/usr", kRead | kFsExecute, true},
                                                           {"/usr/lib", kFsWriteFile, true}}));
  EXPECT_TRUE(diags.empty());
}

TEST(LowerFsRules, RulesAreMaskedToTheHandledRights) {
  FakeFsView fs = small_tree();
  PolicyGraph g;
  testing::grant(g, "/home", fs_write_access());
  testing::grant(g, "/usr", uapi::kFsTruncate);  // nothing left at ABI 1: no rule at all
  Diagnostics diags;
  EXPECT_EQ(rules_of(g, fs, diags, 0x1fff),
            (std::vector<RuleTuple>{{"/home", fs_write_access() & 0x1fff, true}}));
}

TEST(LowerFsRules, MissingPathIsSkippedWithANote) {
  FakeFsView fs = small_tree();
  PolicyGraph g;
  testing::grant(g, "/opt/tool", kRead, 12);
  testing::grant(g, "/home", kRead);
  Diagnostics diags;
  EXPECT_EQ(rules_of(g, fs, diags), (std::vector<RuleTuple>{{"/home", kRead, true}}));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].severity, Severity::Info);
  EXPECT_EQ(diags[0].code, "lower.path-missing");
  EXPECT_EQ(diags[0].where, (Location{"test.yaml", 12, 3}));
  EXPECT_EQ(diags[0].message, "path /opt/tool does not exist here; its grant is skipped");
}

TEST(LowerFsRules, DeniedFileUnderAGrantBecomesRulesOnItsSiblings) {
  FakeFsView fs = small_tree();
  PolicyGraph g;
  testing::grant(g, "/etc", kRead);
  testing::deny(g, "/etc/shadow");
  Diagnostics diags;
  EXPECT_EQ(rules_of(g, fs, diags), (std::vector<RuleTuple>{{"/etc", kFsReadDir, true},  // listing is harmless
                                                           {"/etc/hosts", kFsReadFile, false},
                                                           {"/etc/passwd", kFsReadFile, false},
                                                           {"/etc/ssl", kRead, true}}));
  EXPECT_TRUE(diags.empty());
}

TEST(LowerFsRules, DeniedDirectoryDeepUnderAGrantIsWalkedDownToItsParent) {
  FakeFsView fs = small_tree();
  PolicyGraph g;
  testing::grant(g, "/", kRead);
  testing::grant(g, "/etc", kFsWriteFile);
  testing::deny(g, "/etc/ssl/private");
  Diagnostics diags;
  // No rule on /, /etc or /etc/ssl (read_dir there would reach the denied directory).
  EXPECT_EQ(rules_of(g, fs, diags),
            (std::vector<RuleTuple>{{"/bin", kRead, true},
                                    {"/etc/hosts", kFsReadFile | kFsWriteFile, false},
                                    {"/etc/passwd", kFsReadFile | kFsWriteFile, false},
                                    {"/etc/shadow", kFsReadFile | kFsWriteFile, false},
                                    {"/etc/ssl/certs", kRead | kFsWriteFile, true},
                                    {"/home", kRead, true},
                                    {"/usr", kRead, true}}));
}

TEST(LowerFsRules, SiblingKeepsItsOwnGrantAndSubtreeOnTop) {
  FakeFsView fs = small_tree();
  PolicyGraph g;
  testing::grant(g, "/etc", kRead);
  testing::grant(g, "/etc/ssl/certs", kFsWriteFile);
  testing::deny(g, "/etc/shadow");
  testing::deny(g, "/etc/passwd");
  Diagnostics diags;
  EXPECT_EQ(rules_of(g, fs, diags), (std::vector<RuleTuple>{{"/etc", kFsReadDir, true},
                                                           {"/etc/hosts", kFsReadFile, false},
                                                           {"/etc/ssl", kRead, true},
                                                           {"/etc/ssl/certs", kFsWriteFile, true}}));
}

TEST(LowerFsRules, CarveOutSkipsSymlinkedSiblings) {
  FakeFsView fs = small_tree();
  fs.add("/etc/localtime@");    // → /usr/share/zoneinfo/...: outside the /etc grant
  fs.add("/etc/shadow.lnk@");  // → /etc/shadow: the denied file itself
  PolicyGraph g;
  testing::grant(g, "/etc", kRead);
  testing::deny(g, "/etc/shadow");
  Diagnostics diags;
  EXPECT_EQ(rules_of(g, fs, diags), (std::vector<RuleTuple>{{"/etc", kFsReadDir, true},
                                                           {"/etc/hosts", kFsReadFile, false},
                                                           {"/etc/passwd", kFsReadFile, false},
                                                           {"/etc/ssl", kRead, true}}));
}

TEST(LowerFsRules, DenyWithoutAGrantedAncestorOnlyDropsRulesAtAndBelowIt) {
  FakeFsView fs = small_tree();
  PolicyGraph g;
  testing::grant(g, "/etc/ssl", kRead);
  testing::grant(g, "/etc/ssl/certs", kRead);
  testing::grant(g, "/home", kRead);
  testing::deny(g, "/etc");
  Diagnostics diags;
  EXPECT_EQ(rules_of(g, fs, diags), (std::vector<RuleTuple>{{"/home", kRead, true}}));
}

TEST(LowerFsRules, NoReadDirOnTheParentWhenTheGrantHadNone) {
  FakeFsView fs = small_tree();
  PolicyGraph g;
  testing::grant(g, "/etc", kFsReadFile);
  testing::deny(g, "/etc/shadow");
  Diagnostics diags;
  EXPECT_EQ(rules_of(g, fs, diags), (std::vector<RuleTuple>{{"/etc/hosts", kFsReadFile, false},
                                                           {"/etc/passwd", kFsReadFile, false},
                                                           {"/etc/ssl", kFsReadFile, true}}));
}

TEST(LowerFsRules, MissingDeniedPathGivesItsParentNoRule) {
  FakeFsView fs = small_tree();
  PolicyGraph g;
  testing::grant(g, "/etc", kRead);
  testing::deny(g, "/etc/gshadow");  // not there now, but could appear later
  Diagnostics diags;
  EXPECT_EQ(rules_of(g, fs, diags), (std::vector<RuleTuple>{{"/etc/hosts", kFsReadFile, false},
                                                           {"/etc/passwd", kFsReadFile, false},
                                                           {"/etc/shadow", kFsReadFile, false},
                                                           {"/etc/ssl", kRead, true}}));
}

TEST(LowerFsRules, WideCarveOutIsWarnedAbout) {
  FakeFsView fs{};
  for (int i = 0; i < 1001; ++i) fs.add("/data/f" + std::to_string(i));
  fs.add("/data/secret");
  PolicyGraph g;
  testing::grant(g, "/data", kRead, 4);
  testing::deny(g, "/data/secret");
  Diagnostics diags;
  EXPECT_EQ(rules_of(g, fs, diags).size(), 1002u);  // 1001 siblings + read_dir on /data
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "lower.deny-expansion");
  EXPECT_EQ(diags[0].severity, Severity::Warning);
  EXPECT_EQ(diags[0].where.line, 4);
}

}  // namespace
}  // namespace sandlock

namespace sandlock {
namespace {

// Landlock opens a rule's path in sandlock, not in the sandbox: /proc/self there is sandlock's
// own /proc/PID. A grant of /proc/self (or of /dev/fd, a link into it) gave the sandbox
// sandlock's environment (clean_env or not) and left its own /proc/self denied. Refused.
// Control: a grant of /proc itself, and of /dev/null, lower as written.
TEST(LowerFsRules, AGrantThatLeadsIntoSandlocksOwnProcEntryIsAnError) {
  FakeFsView fs{"/proc/4242/status", "/proc/4242/fd/", "/proc/self@", "/proc/thread-self@", "/dev/fd@", "/dev/null"};
  fs.leads("/proc/self", "/proc/4242");
  fs.leads("/proc/thread-self", "/proc/4242/task/4242");
  fs.leads("/dev/fd", "/proc/4242/fd");
  for (const char* path : {"/proc/self", "/proc/self/environ", "/proc/thread-self", "/dev/fd"}) {
    PolicyGraph g;
    testing::grant(g, path, kRead);
    Diagnostics diags;
    const auto rules = rules_of(g, fs, diags);
    EXPECT_TRUE(rules.empty()) << path;
    ASSERT_EQ(diags.size(), 1u) << path;
    EXPECT_EQ(diags[0].severity, Severity::Error) << path;
    EXPECT_EQ(diags[0].code, "lower.grant-names-sandlock") << path;
    EXPECT_NE(diags[0].message.find(path), std::string::npos) << diags[0].message;
  }
  PolicyGraph control;
  testing::grant(control, "/proc", kRead);
  testing::grant(control, "/dev/null", kRead | kFsWriteFile);
  Diagnostics diags;
  EXPECT_EQ(rules_of(control, fs, diags),
            (std::vector<RuleTuple>{{"/dev/null", kFsReadFile | kFsWriteFile, false}, {"/proc", kRead, true}}));
  EXPECT_TRUE(diags.empty());
  // A carve of /proc grants the pid directories it lists, sandlock's too, as the grant says.
  PolicyGraph carved;
  testing::grant(carved, "/proc", kRead);
  testing::deny(carved, "/proc/4242/status");
  diags.clear();
  EXPECT_EQ(rules_of(carved, fs, diags),
            (std::vector<RuleTuple>{{"/proc/4242", kFsReadDir, true}, {"/proc/4242/fd", kRead, true}}));
  EXPECT_TRUE(diags.empty());
}

}  // namespace
}  // namespace sandlock
