#include "engine/lower/disk_fs_view.h"

#include "engine/util/disk.h"

namespace sandlock {

std::optional<std::vector<std::string>> DiskFsView::list(const std::string& dir) { return disk::list_directory(dir); }
bool DiskFsView::is_directory(const std::string& path) { return disk::is_directory(path); }
bool DiskFsView::is_symlink(const std::string& path) { return disk::is_symlink(path); }
bool DiskFsView::exists(const std::string& path) { return disk::exists(path); }
std::string DiskFsView::canonical(const std::string& path) { return disk::canonical_path(path); }
std::optional<std::vector<std::string>> DiskFsView::mount_aliases(const std::string& canonical) {
  return disk::mount_aliases(canonical);
}
unsigned DiskFsView::link_count(const std::string& path) { return disk::link_count(path); }

}  // namespace sandlock
