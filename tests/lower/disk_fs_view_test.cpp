#include "engine/lower/disk_fs_view.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace sandlock {
namespace {

namespace fsys = std::filesystem;

TEST(DiskFsView, ListsSortedNamesAndTellsDirectoriesFromFiles) {
  const fsys::path root = fsys::temp_directory_path() / ("sandlock-lower-" + std::to_string(::getpid()));
  fsys::remove_all(root);
  fsys::create_directories(root / "b-dir");
  std::ofstream(root / "c-file") << "x";
  std::ofstream(root / "a-file") << "x";
  DiskFsView view;
  EXPECT_EQ(view.list(root), (std::vector<std::string>{"a-file", "b-dir", "c-file"}));
  EXPECT_FALSE(view.is_symlink(root / "missing"));
  EXPECT_TRUE(view.is_directory(root / "b-dir"));
  EXPECT_FALSE(view.is_directory(root / "a-file"));
  EXPECT_TRUE(view.exists(root / "a-file"));
  fsys::create_symlink(root / "b-dir", root / "d-link");
  EXPECT_TRUE(view.is_symlink(root / "d-link"));
  EXPECT_TRUE(view.is_directory(root / "d-link"));  // followed, as apply's open(O_PATH) does
  EXPECT_FALSE(view.is_symlink(root / "b-dir"));
  EXPECT_FALSE(view.exists(root / "missing"));
  EXPECT_EQ(view.list(root / "a-file"), std::nullopt);
  EXPECT_EQ(view.list(root / "missing"), std::nullopt);
  fsys::remove_all(root);
}

}  // namespace
}  // namespace sandlock
