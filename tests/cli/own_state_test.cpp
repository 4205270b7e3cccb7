// deny_own_state against an in-memory tree: which grants are taken to reach the plan cache.
#include <gtest/gtest.h>

#include "engine/app/own_state.h"
#include "engine/kernel/landlock_uapi.h"
#include "tests/lower/fake_fs_view.h"
#include "tests/lower/graph_builder.h"

namespace sandlock {
namespace {

using testing::FakeFsView;

constexpr const char* kCache = "/home/u/.sandlock/plan-cache";

// Whether deny_own_state denied the cache in a graph that grants `granted` to be written.
bool denies_cache(const std::string& granted, FsView& fs) {
  PolicyGraph g;
  testing::grant(g, granted, testing::kRead | uapi::kFsWriteFile | uapi::kFsMakeReg);
  Diagnostics notes;
  deny_own_state(g, {kCache}, fs, notes);
  return testing::fs_node(g, kCache).deny.has_value();
}

// A tree whose mount table cannot be read (no /proc).
class NoMountTable : public FakeFsView {
 public:
  using FakeFsView::FakeFsView;
  std::optional<std::vector<std::string>> mount_aliases(const std::string&) override { return std::nullopt; }
};

// A bind mount that shows the home directory elsewhere (/srv/u) lets a grant of it write the
// cache; when the mount table cannot be read, any grant might. The cache is denied then, and
// the deny check stops the run. Control: a grant beside the cache and its mounts is left alone.
TEST(OwnState, AGrantThatReachesTheCacheThroughABindMountOrAnUnreadMountTableDeniesIt) {
  FakeFsView plain{"/home/u/.sandlock/plan-cache/", "/srv/u/", "/work/"};
  EXPECT_FALSE(denies_cache("/srv/u", plain));
  FakeFsView bound = plain;
  bound.bind("/srv/u", "/home/u");
  EXPECT_TRUE(denies_cache("/srv/u", bound));
  EXPECT_FALSE(denies_cache("/work", bound));
  NoMountTable unread{"/home/u/.sandlock/plan-cache/", "/work/"};
  EXPECT_TRUE(denies_cache("/work", unread));
}

// The account's home comes from passwd(5): the first line with the uid, if its home is absolute.
TEST(OwnState, PasswdHomeIsTheFirstLineOfTheUid) {
  const std::string passwd =
      "root:x:0:0:root:/root:/bin/bash\n"
      "broken:x:1000\n"
      "u:x:1000:1000:U,,,:/home/u:/bin/sh\n"
      "again:x:1000:1000::/elsewhere:/bin/sh\n"
      "relative:x:1001:1001::home/r:/bin/sh\n"
      "last:x:1002:1002::/home/last:/bin/sh";
  EXPECT_EQ(passwd_home(passwd, 0), "/root");
  EXPECT_EQ(passwd_home(passwd, 1000), "/home/u");
  EXPECT_EQ(passwd_home(passwd, 1001), std::nullopt);
  EXPECT_EQ(passwd_home(passwd, 1002), "/home/last");
  EXPECT_EQ(passwd_home(passwd, 10), std::nullopt);  // "10" is no prefix match of "1000"
  EXPECT_EQ(passwd_home("", 0), std::nullopt);
}

// A run whose HOME is elsewhere (or unset) still keeps the account's default cache out.
TEST(OwnState, TheAccountsDefaultCacheIsOwnStateWhateverHomeSays) {
  const std::vector<std::string> elsewhere = own_state_directories({{"HOME", "/tmp/h"}}, {"/home/u"});
  EXPECT_EQ(elsewhere, (std::vector<std::string>{"/tmp/h/.sandlock/plan-cache", kCache}));
  EXPECT_EQ(own_state_directories({}, {"/home/u"}), std::vector<std::string>{kCache});
  EXPECT_EQ(own_state_directories({{"HOME", "/home/u"}}, {"/home/u"}), std::vector<std::string>{kCache});
  EXPECT_TRUE(own_state_directories({}).empty());
}

}  // namespace
}  // namespace sandlock
