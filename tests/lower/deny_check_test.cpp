// Step 3b: a deny holds against every path to the denied file, or lowering stops.
#include <gtest/gtest.h>

#include "engine/lower/deny_check.h"
#include "engine/lower/fs_rules.h"
#include "tests/lower/fake_fs_view.h"
#include "tests/lower/graph_builder.h"

namespace sandlock {
namespace {

using testing::FakeFsView;
using testing::kRead;
using uapi::kFsExecute;

constexpr std::uint64_t kAll = 0xffff;

// Lowers the trie's rules and checks them; the codes of what the check reported.
std::vector<std::string> check(const PolicyGraph& g, FsView& fs, Diagnostics* out = nullptr) {
  Diagnostics diags;
  const std::vector<LandlockPathRule> rules = lower_fs_rules(g.fs, kAll, fs, diags);
  diags.clear();
  check_denies_hold(g.fs, rules, fs, diags);
  std::vector<std::string> codes;
  for (const Diagnostic& d : diags) codes.push_back(d.code);
  if (out) *out = diags;
  return codes;
}

// Debian's merged /usr: /bin leads to /usr/bin.
FakeFsView merged_usr() {
  FakeFsView fs{"/bin@", "/usr/bin/id", "/usr/bin/sh", "/usr/lib/libc.so", "/home/u/.ssh/key", "/home/u/notes",
                "/mnt/"};
  fs.leads("/bin", "/usr/bin");
  return fs;
}

TEST(DenyCheck, AGrantThroughALinkAboveTheDenyIsAnErrorAtTheGrant) {
  FakeFsView fs = merged_usr();
  PolicyGraph g;
  testing::grant(g, "/usr/bin", kFsExecute | kRead, 4);
  testing::grant(g, "/bin", kFsExecute | kRead, 5);
  testing::deny(g, "/usr/bin/id");
  Diagnostics diags;
  EXPECT_EQ(check(g, fs, &diags), std::vector<std::string>{"lower.grant-reaches-deny"});
  EXPECT_EQ(diags[0].severity, Severity::Error);
  EXPECT_EQ(diags[0].where.line, 5);  // the grant of /bin: the one to change
  EXPECT_NE(diags[0].message.find("/bin leads to /usr/bin"), std::string::npos) << diags[0].message;
  EXPECT_NE(diags[0].hint.find("grant /usr/bin instead"), std::string::npos) << diags[0].hint;
}

TEST(DenyCheck, TheSameGrantsWithoutTheLinkPass) {  // the control: the carve-out alone holds
  FakeFsView fs = merged_usr();
  PolicyGraph g;
  testing::grant(g, "/usr/bin", kFsExecute | kRead);
  testing::deny(g, "/usr/bin/id");
  EXPECT_TRUE(check(g, fs).empty());
}

TEST(DenyCheck, ADenyWrittenThroughALinkOutsideAnyCarveIsAnError) {
  // deny: [/bin/id] with exec: [/usr/bin] carved nothing (no grant on /bin's path).
  FakeFsView fs = merged_usr();
  PolicyGraph g;
  testing::grant(g, "/usr/bin", kFsExecute | kRead);
  testing::deny(g, "/bin/id");
  Diagnostics diags;
  EXPECT_EQ(check(g, fs, &diags), std::vector<std::string>{"lower.grant-reaches-deny"});
  EXPECT_NE(diags[0].hint.find("deny /usr/bin/id"), std::string::npos) << diags[0].hint;
}

TEST(DenyCheck, AGrantOfALinkIntoTheDeniedTreeIsAnError) {
  FakeFsView fs = merged_usr();
  fs.add("/tmp/key@");
  fs.leads("/tmp/key", "/home/u/.ssh/key");
  PolicyGraph g;
  testing::grant(g, "/home/u", kRead);
  testing::grant(g, "/tmp/key", kRead);
  testing::deny(g, "/home/u/.ssh");
  EXPECT_EQ(check(g, fs), std::vector<std::string>{"lower.grant-reaches-deny"});
}

TEST(DenyCheck, ABindMountOfAnAncestorUnderAGrantIsAnErrorUnlessDeniedThereToo) {
  FakeFsView fs = merged_usr();
  fs.add("/mnt/home/");
  fs.bind("/mnt/home", "/home");
  PolicyGraph g;
  testing::grant(g, "/home", kRead);
  testing::grant(g, "/mnt", kRead);
  testing::deny(g, "/home/u/.ssh");
  Diagnostics diags;
  EXPECT_EQ(check(g, fs, &diags), std::vector<std::string>{"lower.grant-reaches-deny"});
  EXPECT_NE(diags[0].message.find("/mnt/home/u/.ssh (a bind mount)"), std::string::npos) << diags[0].message;
  EXPECT_NE(diags[0].hint.find("deny /mnt/home/u/.ssh too"), std::string::npos) << diags[0].hint;
  testing::deny(g, "/mnt/home/u/.ssh");  // as the hint says: both paths carved
  EXPECT_TRUE(check(g, fs).empty());
}

// /home/u granted read, and /srv/u, a link to it, granted read_dir only; `denied` denied.
PolicyGraph listed_through_a_link(FakeFsView& fs, const std::string& denied) {
  fs.add("/srv/u@");
  fs.leads("/srv/u", "/home/u");
  PolicyGraph g;
  testing::grant(g, "/home/u", kRead);
  testing::grant(g, "/srv/u", uapi::kFsReadDir);
  testing::deny(g, denied);
  return g;
}

TEST(DenyCheck, ListingTheDirectoryOfADeniedFileIsTheCarvesOwnRightNotAnAlias) {
  // The carve-out gives /home/u read_dir when only denied files are left out of it; a link
  // to /home/u granting read_dir only is no way to the file either. Reading it would be.
  FakeFsView fs = merged_usr();
  PolicyGraph g = listed_through_a_link(fs, "/home/u/notes");
  EXPECT_TRUE(check(g, fs).empty());
  testing::grant(g, "/srv/u", uapi::kFsReadFile);
  EXPECT_EQ(check(g, fs), std::vector<std::string>{"lower.grant-reaches-deny"});
}

TEST(DenyCheck, ListingAnAncestorOfADeniedDirectoryIsAWayIntoIt) {
  // read_dir on a directory lets every directory below it be listed: a denied directory too.
  FakeFsView fs = merged_usr();
  const PolicyGraph g = listed_through_a_link(fs, "/home/u/.ssh");
  EXPECT_EQ(check(g, fs), std::vector<std::string>{"lower.grant-reaches-deny"});
}

TEST(DenyCheck, AMissingDenyOrAnUnreadableMountTable) {
  FakeFsView fs = merged_usr();
  PolicyGraph g;
  testing::grant(g, "/usr/bin", kRead);
  testing::deny(g, "/usr/bin/not-there");  // carved: kept out once made
  EXPECT_TRUE(check(g, fs).empty());
  testing::grant(g, "/bin", kRead);  // but a rule above where it leads would cover it once made
  EXPECT_EQ(check(g, fs), std::vector<std::string>{"lower.grant-reaches-deny"});

  class NoMounts : public FakeFsView {
   public:
    using FakeFsView::FakeFsView;
    std::optional<std::vector<std::string>> mount_aliases(const std::string&) override { return std::nullopt; }
  } blind{"/usr/bin/id"};
  PolicyGraph h;
  testing::grant(h, "/usr/bin", kRead);
  testing::deny(h, "/usr/bin/id");
  EXPECT_EQ(check(h, blind), std::vector<std::string>{"lower.deny-unchecked"});  // fails closed
}

TEST(DenyCheck, ADeniedFileWithOtherHardLinksIsAWarning) {
  FakeFsView fs = merged_usr();
  fs.set_links("/usr/bin/id", 3);
  PolicyGraph g;
  testing::grant(g, "/usr/bin", kRead);
  testing::deny(g, "/usr/bin/id");
  Diagnostics diags;
  EXPECT_EQ(check(g, fs, &diags), std::vector<std::string>{"lower.deny-hard-linked"});
  EXPECT_EQ(diags[0].severity, Severity::Warning);
  EXPECT_NE(diags[0].message.find("2 other names"), std::string::npos) << diags[0].message;
}

}  // namespace
}  // namespace sandlock
