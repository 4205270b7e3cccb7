#include "engine/apply/pids_cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <thread>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/util/disk.h"

namespace sandlock {
namespace {

struct Hierarchy {
  std::string mount_point;
  bool v2 = false;
};

// Pieces of `text` between `separator`s (or runs of whitespace for ' '), empty ones dropped.
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && text[j] != separator && !(separator == ' ' && (text[j] == '\n' || text[j] == '\t'))) ++j;
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// The whole of a (small, procfs or cgroupfs) file; empty when it cannot be read.
std::string read_text(const std::string& path) { return disk::read_file(path).value_or(""); }

bool has_option(std::string_view options, std::string_view want) {
  for (const auto opt : split(options, ','))
    if (opt == want) return true;
  return false;
}

// Mounted cgroup hierarchies that can hold a pids limit: v1 `pids` first, then cgroup2.
// /proc/self/mountinfo: "id parent maj:min root mount_point opts [tags] - fstype source super_opts".
std::vector<Hierarchy> pids_hierarchies() {
  std::vector<Hierarchy> v1, v2;
  const std::string mountinfo = read_text("/proc/self/mountinfo");
  for (const auto line : split(mountinfo, '\n')) {
    const auto sep = line.find(" - ");
    if (sep == std::string_view::npos) continue;
    const auto fields = split(line.substr(0, sep), ' ');
    const auto tail = split(line.substr(sep + 3), ' ');
    if (fields.size() < 5 || tail.size() < 3) continue;
    const std::string mount_point(fields[4]);
    if (tail[0] == "cgroup" && has_option(tail[2], "pids")) v1.push_back({mount_point, false});
    if (tail[0] == "cgroup2") v2.push_back({mount_point, true});
  }
  v1.insert(v1.end(), v2.begin(), v2.end());
  return v1;
}

// This process's cgroup path in the hierarchy: "8:pids:/a/b" (v1) or "0::/a/b" (v2).
std::string own_cgroup_path(bool v2) {
  const std::string cgroups = read_text("/proc/self/cgroup");
  for (const auto line : split(cgroups, '\n')) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos) continue;
    const auto controllers = line.substr(first + 1, second - first - 1);
    if (v2 ? controllers.empty() : has_option(controllers, "pids")) return std::string(line.substr(second + 1));
  }
  return "/";
}

bool write_file(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  return close(fd) == 0 && ok;
}

bool pids_delegated(const std::string& base) {
  const std::string controllers = read_text(base + "/cgroup.subtree_control");
  for (const auto word : split(controllers, ' '))
    if (word == "pids") return true;
  return false;
}

// The launcher's PID namespace, by inode: a PID means something only within its namespace,
// and launchers in other namespaces may share the cgroup directory.
std::string pid_namespace_id() {
  struct stat st {};
  return stat("/proc/self/ns/pid", &st) == 0 ? std::to_string(st.st_ino) : std::string("0");
}

// "sandlock-<pid namespace>-<pid>-<time>".
std::string unique_name(const std::string& pid_ns) {
  const auto ns = std::chrono::steady_clock::now().time_since_epoch().count();
  return "sandlock-" + pid_ns + "-" + std::to_string(getpid()) + "-" + std::to_string(ns);
}

// A launcher killed with SIGKILL cannot remove its cgroup. Its successors do: a directory
// named for a launcher of this PID namespace whose PID no longer exists is removed if empty
// (rmdir refuses a cgroup that still has members, so a live sandbox is never touched). Names
// from other namespaces are left alone (their PIDs cannot be checked from here); a reused PID
// only delays the cleanup.
void remove_stale_cgroups(const std::string& base, const std::string& pid_ns) {
  DIR* dir = opendir(base.c_str());
  if (!dir) return;
  const std::string prefix = "sandlock-" + pid_ns + "-";
  while (const dirent* entry = readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (entry->d_type != DT_DIR || !name.starts_with(prefix)) continue;
    pid_t pid = 0;
    const auto digits = name.substr(prefix.size());
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
    if (ec != std::errc() || end == digits.data() || end == digits.data() + digits.size() || *end != '-' || pid <= 0)
      continue;
    if (kill(pid, 0) == 0 || errno != ESRCH) continue;
    rmdir((base + "/" + std::string(name)).c_str());
  }
  closedir(dir);
}

std::optional<std::string> make_in(const Hierarchy& h, std::uint64_t max_pids, std::string& why) {
  std::string base = h.mount_point + own_cgroup_path(h.v2);
  if (access(base.c_str(), W_OK) != 0) base = h.mount_point;  // in a cgroup namespace the path is relative
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  if (h.v2 && !pids_delegated(base)) {
    why += base + ": the pids controller is not delegated; ";
    return std::nullopt;
  }
  const std::string pid_ns = pid_namespace_id();
  remove_stale_cgroups(base, pid_ns);
  const std::string dir = base + "/" + unique_name(pid_ns);
  if (mkdir(dir.c_str(), 0755) != 0) {
    why += "mkdir " + dir + ": " + std::strerror(errno) + "; ";
    return std::nullopt;
  }
  if (!write_file(dir + "/pids.max", std::to_string(max_pids))) {
    why += "write " + dir + "/pids.max failed; ";
    rmdir(dir.c_str());
    return std::nullopt;
  }
  return dir;
}

}  // namespace

std::optional<PidsCgroup> PidsCgroup::create(std::uint64_t max_pids, std::string& why) {
  why.clear();
  for (const auto& h : pids_hierarchies())
    if (auto dir = make_in(h, max_pids, why)) return PidsCgroup(std::move(*dir));
  if (why.empty()) why = "no cgroup hierarchy with the pids controller is mounted";
  if (why.ends_with("; ")) why.resize(why.size() - 2);
  return std::nullopt;
}

PidsCgroup::PidsCgroup(PidsCgroup&& other) noexcept : dir_(std::exchange(other.dir_, {})) {}

PidsCgroup& PidsCgroup::operator=(PidsCgroup&& other) noexcept {
  if (this != &other) {
    remove();
    dir_ = std::exchange(other.dir_, {});
  }
  return *this;
}

PidsCgroup::~PidsCgroup() { remove(); }

void PidsCgroup::remove() {
  if (dir_.empty()) return;
  // Members die asynchronously after SIGKILL; rmdir succeeds once the cgroup is empty.
  for (int attempt = 0; attempt < 200; ++attempt) {
    kill_all();
    if (rmdir(dir_.c_str()) == 0 || errno != EBUSY) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  dir_.clear();
}

std::vector<pid_t> PidsCgroup::members() const {
  std::vector<pid_t> pids;
  const std::string procs = read_text(procs_file());
  for (const auto word : split(procs, ' ')) {
    pid_t pid = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), pid);
    if (ec != std::errc{} || end != word.data() + word.size()) break;
    pids.push_back(pid);
  }
  return pids;
}

void PidsCgroup::kill_all() const {
  for (const pid_t pid : members()) kill(pid, SIGKILL);
}

int join_cgroup(const char* procs_file) {
  const int fd = open(procs_file, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  // "0" means the writer itself, in both cgroup versions.
  const int err = write(fd, "0", 1) == 1 ? 0 : errno;
  close(fd);
  return err;
}

}  // namespace sandlock
