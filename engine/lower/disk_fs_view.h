// The real filesystem behind the FsView seam (stat follows symlinks, as Landlock's
// path-beneath rules do when apply opens the path).
#pragma once

#include "engine/lower/plan.h"

namespace sandlock {

class DiskFsView : public FsView {
 public:
  std::optional<std::vector<std::string>> list(const std::string& dir) override;  // sorted, no . or ..
  bool is_directory(const std::string& path) override;
  bool exists(const std::string& path) override;
  bool is_symlink(const std::string& path) override;  // lstat
  std::string canonical(const std::string& path) override;
  std::optional<std::vector<std::string>> mount_aliases(const std::string& canonical) override;
  unsigned link_count(const std::string& path) override;
};

}  // namespace sandlock
