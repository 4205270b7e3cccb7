#include "engine/util/disk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <memory>
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
  // As the kernel resolves a path, one component at a time, following every link (one that
  // leads nowhere yet, too: its target is where a file made through it would be); from the
  // first component that does not exist, the rest as written.
  std::vector<std::string> todo;  // components left, the next one last
  const auto push_components = [&todo](const std::string& p) {
    std::vector<std::string> parts;
    for (std::size_t at = 0; at <= p.size();) {
      const std::size_t end = std::min(p.find('/', at), p.size());
      if (end > at) parts.push_back(p.substr(at, end - at));
      at = end + 1;
    }
    todo.insert(todo.end(), parts.rbegin(), parts.rend());
  };
  push_components(path);
  std::string out = "/";
  bool missing = false;
  int links = 0;
  while (!todo.empty()) {
    const std::string part = std::move(todo.back());
    todo.pop_back();
    if (part == ".") continue;
    if (part == "..") {
      const std::size_t slash = out.rfind('/');
      out = slash == 0 ? "/" : out.substr(0, slash);
      continue;
    }
    const std::string next = out == "/" ? "/" + part : out + "/" + part;
    struct stat st {};
    if (!missing && lstat(next.c_str(), &st) != 0) missing = true;
    if (!missing && S_ISLNK(st.st_mode) && ++links <= 40) {  // the kernel's limit, then as written
      std::vector<char> target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : PATH_MAX) + 1);
      const ssize_t n = readlink(next.c_str(), target.data(), target.size());
      if (n > 0 && static_cast<std::size_t>(n) < target.size()) {
        const std::string to(target.data(), static_cast<std::size_t>(n));
        if (to.front() == '/') out = "/";
        push_components(to);
        continue;
      }
    }
    out = next;
  }
  return out;
}

namespace {

struct Mount {
  std::uint64_t id = 0;     // the mount's id (statx's stx_mnt_id)
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

// Parsed by hand, not with streams: the launcher reads the table on every cached run, and
// the first stream it made cost it the C++ locale's start-up (~0.3 ms, 5% of a run).
std::optional<std::vector<Mount>> mount_table() {
  const auto text = read_file("/proc/self/mountinfo");
  if (!text) return std::nullopt;
  std::vector<Mount> mounts;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    // "ID PARENT MAJOR:MINOR ROOT MOUNT-POINT ...", fields separated by single spaces (a
    // space in a path is written \040).
    std::string_view fields[5];
    for (std::string_view& f : fields) {
      const std::size_t space = line.find(' ');
      if (line.empty() || space == 0) return std::nullopt;
      f = line.substr(0, space);
      line.remove_prefix(space == std::string_view::npos ? line.size() : space + 1);
    }
    const std::string root = unescape_octal(std::string(fields[3]));
    if (root.empty() || root[0] != '/') continue;  // nsfs and the like: no directory tree
    mounts.push_back({std::strtoull(std::string(fields[0]).c_str(), nullptr, 10), std::string(fields[2]), root,
                      unescape_octal(std::string(fields[4]))});
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

// The id of the mount `path` (or, when it does not exist, its nearest existing ancestor)
// lands on; nullopt when it cannot be had.
std::optional<std::uint64_t> mount_id_of(std::string path) {
  for (;;) {
    struct statx stx {};
    if (statx(AT_FDCWD, path.c_str(), 0, STATX_MNT_ID, &stx) == 0 && (stx.stx_mask & STATX_MNT_ID)) return stx.stx_mnt_id;
    if (path == "/" || errno != ENOENT) return std::nullopt;
    const std::size_t slash = path.rfind('/');
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
}

}  // namespace

std::optional<std::vector<std::string>> mount_aliases(const std::string& canonical) {
  const auto mounts = mount_table();
  if (!mounts) return std::nullopt;
  // The mount `canonical` lies in: the one the path lands on (a mount hidden under another
  // mounted later on a parent is not it), else the deepest mount point above it.
  const Mount* home = nullptr;
  if (const auto id = mount_id_of(canonical))
    for (const Mount& m : *mounts)
      if (m.id == *id && below(canonical, m.mount_point)) home = &m;
  if (!home)
    for (const Mount& m : *mounts)
      if (below(canonical, m.mount_point) && (!home || m.mount_point.size() >= home->mount_point.size())) home = &m;
  if (!home) return std::vector<std::string>{};
  // Where it lies in its filesystem. Every mount of that filesystem whose root holds it shows
  // it again (at that mount point + the rest); every one whose root lies inside it shows a
  // part of it (at that mount point).
  const std::string in_fs = joined(home->root, *below(canonical, home->mount_point));
  std::vector<std::string> out;
  for (const Mount& m : *mounts) {
    if (m.device != home->device) continue;
    std::string alias;
    if (const auto rest = below(in_fs, m.root)) alias = joined(m.mount_point, *rest);
    else if (below(m.root, in_fs)) alias = m.mount_point;
    else continue;
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

bool is_running_binary(const std::string& path) {
  struct stat running {}, there {};
  return stat("/proc/self/exe", &running) == 0 && stat(path.c_str(), &there) == 0 && running.st_dev == there.st_dev &&
         running.st_ino == there.st_ino;
}

}  // namespace sandlock::disk
