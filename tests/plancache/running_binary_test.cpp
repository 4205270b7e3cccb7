// disk::is_running_binary, which keeps an engine replaced while it ran (an upgrade) from
// storing its plan under its successor's identity: true for the very file this process runs,
// false for a copy of it (same contents, another inode) and for no file at all.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "engine/util/disk.h"

namespace sandlock {
namespace {

TEST(RunningBinary, IsTheFileThisProcessRunsNotACopyOfIt) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  EXPECT_TRUE(disk::is_running_binary(self));
  const std::string copy = ::testing::TempDir() + "running-binary-copy-" + std::to_string(getpid());
  std::filesystem::copy_file(self, copy, std::filesystem::copy_options::overwrite_existing);
  EXPECT_FALSE(disk::is_running_binary(copy));
  std::filesystem::remove(copy);
  EXPECT_FALSE(disk::is_running_binary(copy));
}

}  // namespace
}  // namespace sandlock
