// prepare_run against a scripted kernel: what `run` decides and says before launching.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/app/commands.h"
#include "engine/compile/graph.h"
#include "engine/kernel/landlock_facts.h"
#include "engine/lower/disk_fs_view.h"
#include "tests/apply/fake_kernel.h"

namespace sandlock {
namespace {

// A kernel newer than sandlock runs at the newest ABI sandlock knows, and --verbose says so
// (nothing a profile can name is lost: it names only protections sandlock knows).
TEST(PrepareRun, VerboseNamesAKernelAbiNewerThanSandlocksOwn) {
  const std::string path = ::testing::TempDir() + "prepare-run-" + std::to_string(getpid()) + ".yaml";
  std::ofstream(path) << "version: 1\nname: newer\nprogram: {exec: /bin/true}\n";
  RunOptions options;
  options.profile = path;
  options.verbose = true;
  DiskSourceReader reader;
  DiskFsView fs;
  std::string err;

  auto kernel = testing::FakeKernel::consistent(kMaxLandlockAbi);
  auto setup = prepare_run(options, reader, kernel, fs, err);
  ASSERT_TRUE(setup) << err;
  EXPECT_NE(setup->notes.find("at Landlock ABI " + std::to_string(kMaxLandlockAbi) + "\n"), std::string::npos)
      << setup->notes;

  kernel.abi = kMaxLandlockAbi + 1;
  setup = prepare_run(options, reader, kernel, fs, err);
  ASSERT_TRUE(setup) << err;
  EXPECT_NE(setup->notes.find("at Landlock ABI " + std::to_string(kMaxLandlockAbi) + " (this kernel has ABI " +
                              std::to_string(kMaxLandlockAbi + 1) + "; sandlock knows up to " +
                              std::to_string(kMaxLandlockAbi) + ")\n"),
            std::string::npos)
      << setup->notes;
  std::remove(path.c_str());
}

// HOME names another directory, yet a grant of the account's home (from /etc/passwd, read
// through the reader) does not reach its default plan cache: the cache is denied with a
// warning. Control: without the account's uid, nothing is denied.
TEST(PrepareRun, TheAccountsDefaultCacheIsKeptOutWhateverHomeSays) {
  const std::string home = ::testing::TempDir() + "prepare-run-home-" + std::to_string(getpid());
  std::filesystem::create_directories(home + "/.sandlock/plan-cache");
  MemorySourceReader reader;
  reader.files["/p.yaml"] = "version: 1\nname: home\nprogram: {exec: /bin/true}\nfilesystem: {write: [" + home + "]}\n";
  reader.files["/etc/passwd"] = "root:x:0:0:root:/root:/bin/bash\nu:x:4242:4242::" + home + ":/bin/sh\n";
  RunOptions options;
  options.profile = "/p.yaml";
  options.compile.env.vars = {{"HOME", "/nonexistent-home"}};
  DiskFsView fs;
  std::string err;
  auto kernel = testing::FakeKernel::consistent(kMaxLandlockAbi);

  auto setup = prepare_run(options, reader, kernel, fs, err);
  ASSERT_TRUE(setup) << err;
  EXPECT_EQ(setup->notes.find("run.own-state-denied"), std::string::npos) << setup->notes;
  options.account_uid = 4242;
  setup = prepare_run(options, reader, kernel, fs, err);
  ASSERT_TRUE(setup) << err;
  EXPECT_NE(setup->notes.find("a grant reaches sandlock's plan cache " + home + "/.sandlock/plan-cache"), std::string::npos)
      << setup->notes;
  std::filesystem::remove_all(home);
}

}  // namespace
}  // namespace sandlock
