#include "engine/util/disk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string_view>

namespace sandlock::disk {

std::optional<std::string> read_fd(int fd) {
  std::string text;
  char buf[16384];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<std::string> read_file(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  auto text = read_fd(fd);
  close(fd);
  return text;
}

std::optional<std::string> read_regular_file(const std::string& path, bool& irregular) {
  irregular = false;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::optional<std::string> text;
  if (fstat(fd, &st) != 0)
    text = std::nullopt;
  else if (!S_ISREG(st.st_mode))
    irregular = !S_ISDIR(st.st_mode);  // a directory reads as unreadable, like read_file
  else
    text = read_fd(fd);
  close(fd);
  return text;
}

std::optional<std::vector<std::string>> list_directory(const std::string& path) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(path.c_str()), closedir);
  if (!d) return std::nullopt;
  std::vector<std::string> names;
  while (const dirent* e = readdir(d.get())) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

bool is_symlink(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

unsigned link_count(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<unsigned>(st.st_nlink) : 0;
}

std::string canonical_path(const std::string& path) {
  if (char* resolved = realpath(path.c_str(), nullptr)) {
    std::string out(resolved);
    std::free(resolved);
    return out;
  }
  const std::size_t slash = path.rfind('/');
  if (path == "/" || slash == std::string::npos) return path;
  const std::string parent = canonical_path(slash == 0 ? "/" : path.substr(0, slash));
  return (parent == "/" ? "" : parent) + path.substr(slash);
}

namespace {

struct Mount {
  std::string device;       // major:minor
  std::string root;         // the directory of the filesystem mounted
  std::string mount_point;  // where
};

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(const std::string& s) {
  const auto octal = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && octal(s[i + 1]) && octal(s[i + 2]) && octal(s[i + 3])) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<std::vector<Mount>> mount_table() {
  const auto text = read_file("/proc/self/mountinfo");
  if (!text) return std::nullopt;
  std::vector<Mount> mounts;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point;
    if (!(fields >> id >> parent >> device >> root >> mount_point)) return std::nullopt;
    root = unescape_octal(root);
    if (root.empty() || root[0] != '/') continue;  // nsfs and the like: no directory tree
    mounts.push_back({device, root, unescape_octal(mount_point)});
  }
  return mounts;
}

// `path` with `prefix` (a directory) taken off its front, as "" or "/rest"; nullopt when
// `path` does not lie at or below `prefix`.
std::optional<std::string> below(const std::string& path, const std::string& prefix) {
  if (prefix == "/") return path == "/" ? std::string() : path;
  if (path == prefix) return std::string();
  if (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 && path[prefix.size()] == '/')
    return path.substr(prefix.size());
  return std::nullopt;
}

std::string joined(const std::string& dir, const std::string& rest) {
  if (rest.empty()) return dir;
  return dir == "/" ? rest : dir + rest;
}

}  // namespace

std::optional<std::vector<std::string>> mount_aliases(const std::string& canonical) {
  const auto mounts = mount_table();
  if (!mounts) return std::nullopt;
  // The mount `canonical` lies in: the deepest mount point above it, the last one mounted
  // there when several are (it hides the others).
  const Mount* home = nullptr;
  std::size_t depth = 0;
  for (const Mount& m : *mounts) {
    if (!below(canonical, m.mount_point)) continue;
    if (!home || m.mount_point.size() >= depth) {
      home = &m;
      depth = m.mount_point.size();
    }
  }
  if (!home) return std::vector<std::string>{};
  // Where it lies in its filesystem, and every mount of that filesystem that shows it.
  const std::string in_fs = joined(home->root, *below(canonical, home->mount_point));
  std::vector<std::string> out;
  for (const Mount& m : *mounts) {
    if (m.device != home->device) continue;
    const auto rest = below(in_fs, m.root);
    if (!rest) continue;
    std::string alias = joined(m.mount_point, *rest);
    if (alias != canonical) out.push_back(std::move(alias));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string current_directory() {
  char buf[4096];
  return getcwd(buf, sizeof buf) ? std::string(buf) : std::string();
}

}  // namespace sandlock::disk
