#include "engine/lower/disk_fs_view.h"

#include "engine/util/disk.h"

namespace sandlock {

std::optional<std::vector<std::string>> DiskFsView::list(const std::string& dir) { return disk::list_directory(dir); }
bool DiskFsView::is_directory(const std::string& path) { return disk::is_directory(path); }
bool DiskFsView::is_symlink(const std::string& path) { return disk::is_symlink(path); }
bool DiskFsView::exists(const std::string& path) { return disk::exists(path); }

}  // namespace sandlock
