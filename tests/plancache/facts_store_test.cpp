// Facts (what a plan was built from) and the entry store, against a real directory.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/plancache/facts.h"
#include "engine/plancache/store.h"
#include "tests/support/process.h"

namespace sandlock {
namespace {

using testing::TempDir;

TEST(PlanCacheFacts, EachQuestionIsRecordedOnceWithItsAnswer) {
  TempDir dir;
  const std::string file = dir.write("p.yaml", "version: 1\n");
  const std::map<std::string, std::string> env{{"HOME", "/root"}};
  FactLog log(env);
  RecordingReader reader(log);
  RecordingFsView fs(log);
  EXPECT_EQ(reader.read(file), "version: 1\n");
  EXPECT_EQ(reader.read(file), "version: 1\n");
  EXPECT_FALSE(reader.read(dir.file("absent.yaml")));
  EXPECT_TRUE(fs.is_directory(dir.path()));
  EXPECT_EQ(fs.list(dir.path()), (std::vector<std::string>{"p.yaml"}));
  EXPECT_EQ(log.ask(FactKind::Env, "HOME"), "/root");
  EXPECT_FALSE(log.ask(FactKind::Env, "NOT_SET"));
  ASSERT_EQ(log.facts().size(), 6U);
  EXPECT_EQ(log.facts()[0], (Fact{FactKind::FileText, file, "version: 1\n"}));
  EXPECT_EQ(log.facts()[1], (Fact{FactKind::FileText, dir.file("absent.yaml"), std::nullopt}));
  EXPECT_TRUE(log.consistent());
  std::string changed;
  EXPECT_TRUE(facts_hold(log.facts(), env, changed));
}

TEST(PlanCacheFacts, AnyChangeBreaksThem) {
  TempDir dir;
  const std::string file = dir.write("p.yaml", "version: 1\n");
  const std::map<std::string, std::string> env{{"X", "1"}};
  FactLog log(env);
  log.ask(FactKind::FileText, file);
  log.ask(FactKind::Listing, dir.path());
  log.ask(FactKind::Exists, dir.file("later"));
  log.ask(FactKind::Env, "X");
  log.ask(FactKind::LandlockAbi, "");
  log.ask(FactKind::Kernel, "");
  EXPECT_NE(log.facts().back().value->find(' '), std::string::npos);  // "release version"
  std::string changed;
  ASSERT_TRUE(facts_hold(log.facts(), env, changed));

  EXPECT_FALSE(facts_hold(log.facts(), {{"X", "2"}}, changed));
  EXPECT_EQ(changed, "environment variable X");
  EXPECT_FALSE(facts_hold(log.facts(), {}, changed));

  dir.write("p.yaml", "version: 1\n# edited\n");
  EXPECT_FALSE(facts_hold(log.facts(), env, changed));
  EXPECT_EQ(changed, "file " + file);
  dir.write("p.yaml", "version: 1\n");
  ASSERT_TRUE(facts_hold(log.facts(), env, changed));

  dir.write("later", "");  // a new entry in the listed directory, and the path now exists
  EXPECT_FALSE(facts_hold(log.facts(), env, changed));
  EXPECT_EQ(changed, "listing of " + dir.path());
}

TEST(PlanCacheFacts, TwoAnswersToOneQuestionMakeTheLogInconsistent) {
  TempDir dir;
  const std::string file = dir.write("p.yaml", "a");
  FactLog log({});
  log.ask(FactKind::FileText, file);
  EXPECT_TRUE(log.consistent());
  dir.write("p.yaml", "b");
  log.ask(FactKind::FileText, file);
  EXPECT_FALSE(log.consistent());
}

TEST(PlanCacheFacts, APipeOrFifoIsReadOnceAndNeverCached) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "version: 1\n", 11), 11);
  close(fds[1]);
  FactLog log({});
  RecordingReader reader(log);
  EXPECT_EQ(reader.read("/proc/self/fd/" + std::to_string(fds[0])), "version: 1\n");  // still read
  close(fds[0]);
  EXPECT_FALSE(log.consistent());  // but nothing built from it is cached
  // The launcher's check of a FIFO neither blocks nor matches anything recorded.
  TempDir dir;
  ASSERT_EQ(mkfifo(dir.file("fifo").c_str(), 0600), 0);
  const auto seen = observe(FactKind::FileText, dir.file("fifo"), {});
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->find("not a regular file"), 11U);  // "\0sandlock: not a regular file\0"
  FactLog control({});
  RecordingReader plain(control);
  plain.read(dir.write("p.yaml", "version: 1\n"));
  EXPECT_TRUE(control.consistent());
}

TEST(PlanCacheFacts, SharedObjectsOfTheEngineAreFacts) {
  FactLog log({});
  record_mapped_files(log, "/nonexistent/self");
  bool libc = false;
  for (const auto& f : log.facts()) libc = libc || (f.kind == FactKind::FileIdentity && f.subject.find("libc.so") != std::string::npos);
  EXPECT_TRUE(libc);  // this test binary is dynamically linked against libc
  std::string changed;
  EXPECT_TRUE(facts_hold(log.facts(), {}, changed)) << changed;
}

TEST(PlanCacheStore, WhereEntriesLive) {
  EXPECT_EQ(cache_directory({{"SANDLOCK_CACHE_DIR", "/c"}, {"HOME", "/h"}}), "/c");
  // Never under ~/.cache, which profiles often make writable (store.h).
  EXPECT_EQ(cache_directory({{"XDG_CACHE_HOME", "/x"}, {"HOME", "/h"}}), "/h/.sandlock/plan-cache");
  EXPECT_EQ(cache_directory({{"SANDLOCK_CACHE_DIR", "relative"}, {"HOME", "/h"}}), "/h/.sandlock/plan-cache");
  EXPECT_FALSE(cache_directory({}));
  EXPECT_FALSE(cache_directory({{"HOME", "/"}}));
  EXPECT_EQ(cache_mode({{"SANDLOCK_PLAN_CACHE", "off"}}), CacheMode::Off);
  EXPECT_EQ(cache_mode({{"SANDLOCK_PLAN_CACHE", "require"}}), CacheMode::Require);
  EXPECT_EQ(cache_mode({}), CacheMode::On);
}

TEST(PlanCacheStore, NamesDependOnUserDirectoryAndArguments) {
  const auto a = entry_file_name(0, "/a", {"run", "--profile", "p"});
  EXPECT_EQ(a, entry_file_name(0, "/a", {"run", "--profile", "p"}));
  EXPECT_NE(a, entry_file_name(1, "/a", {"run", "--profile", "p"}));
  EXPECT_NE(a, entry_file_name(0, "/b", {"run", "--profile", "p"}));
  EXPECT_NE(a, entry_file_name(0, "/a", {"run", "--profile", "q"}));
  EXPECT_NE(entry_file_name(0, "/a", {"ab", "c"}), entry_file_name(0, "/a", {"a", "bc"}));
}

TEST(PlanCacheStore, StoresPrivatelyAndLoadsBack) {
  TempDir tmp;
  const std::string dir = tmp.file("a/b/cache");
  std::string why;
  ASSERT_TRUE(store_entry(dir, "x.plan", "bytes", why)) << why;
  struct stat st {};
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700U);
  ASSERT_EQ(stat((dir + "/x.plan").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  EXPECT_EQ(load_entry(dir, "x.plan", why), "bytes");
  ASSERT_TRUE(store_entry(dir, "x.plan", "newer", why)) << why;
  EXPECT_EQ(load_entry(dir, "x.plan", why), "newer");
  EXPECT_FALSE(load_entry(dir, "y.plan", why));
  EXPECT_EQ(why, "no entry");
}

TEST(PlanCacheStore, RefusesWhatOthersCouldHaveWritten) {
  TempDir tmp;
  const std::string dir = tmp.file("cache");
  std::string why;
  ASSERT_TRUE(store_entry(dir, "x.plan", "bytes", why)) << why;
  ASSERT_TRUE(load_entry(dir, "x.plan", why)) << why;  // the control

  ASSERT_EQ(chmod((dir + "/x.plan").c_str(), 0620), 0);
  EXPECT_FALSE(load_entry(dir, "x.plan", why));
  EXPECT_EQ(why, "the entry is writable by others");
  ASSERT_EQ(chmod((dir + "/x.plan").c_str(), 0600), 0);

  ASSERT_EQ(chmod(dir.c_str(), 0770), 0);
  EXPECT_FALSE(load_entry(dir, "x.plan", why));
  EXPECT_NE(why.find("writable by others"), std::string::npos) << why;
  EXPECT_FALSE(store_entry(dir, "z.plan", "bytes", why));
  ASSERT_EQ(chmod(dir.c_str(), 0700), 0);

  ASSERT_EQ(symlink((dir + "/x.plan").c_str(), (dir + "/link.plan").c_str()), 0);
  EXPECT_FALSE(load_entry(dir, "link.plan", why));
  ASSERT_EQ(symlink(dir.c_str(), tmp.file("dirlink").c_str()), 0);
  EXPECT_FALSE(load_entry(tmp.file("dirlink"), "x.plan", why));

  if (geteuid() != 0) GTEST_SKIP() << "SKIP: the foreign-owner case needs root (to chown)";
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  ASSERT_EQ(chown((dir + "/x.plan").c_str(), nobody->pw_uid, 0), 0);
  EXPECT_FALSE(load_entry(dir, "x.plan", why));
  EXPECT_NE(why.find("not by us"), std::string::npos) << why;
}

}  // namespace
}  // namespace sandlock
