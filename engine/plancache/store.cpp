#include "engine/plancache/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>

#include "engine/apply/unique_fd.h"
#include "engine/util/disk.h"

namespace sandlock {
namespace {

std::string env_or_empty(const std::map<std::string, std::string>& env, const char* name) {
  const auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

// Owned by us and writable by nobody else.
bool private_to_us(const struct stat& st, std::string& why, const std::string& what) {
  if (st.st_uid != geteuid()) {
    why = what + " is owned by uid " + std::to_string(st.st_uid) + ", not by us";
    return false;
  }
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    why = what + " is writable by others";
    return false;
  }
  return true;
}

UniqueFd open_private_dir(const std::string& dir, std::string& why) {
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd) {
    why = "cannot open " + dir + ": " + std::strerror(errno);
    return fd;
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !private_to_us(st, why, dir)) return UniqueFd();
  return fd;
}

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

CacheMode cache_mode(const std::map<std::string, std::string>& environment) {
  const std::string mode = env_or_empty(environment, "SANDLOCK_PLAN_CACHE");
  if (mode == "off") return CacheMode::Off;
  if (mode == "require") return CacheMode::Require;
  return CacheMode::On;
}

std::optional<std::string> cache_directory(const std::map<std::string, std::string>& environment) {
  // Only absolute paths: a relative one would name a different place in every directory.
  if (auto d = env_or_empty(environment, "SANDLOCK_CACHE_DIR"); d.starts_with('/')) return d;
  if (auto d = env_or_empty(environment, "HOME"); d.starts_with('/') && d != "/") return d + "/.sandlock/plan-cache";
  return std::nullopt;
}

std::string entry_file_name(uid_t uid, const std::string& cwd, const std::vector<std::string>& key_args) {
  // FNV-1a over the fields, each ended by a byte no argument contains.
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&](std::string_view s) {
    for (const unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    h = (h ^ 0) * 1099511628211ULL;
  };
  mix(std::to_string(uid));
  mix(cwd);
  for (const auto& a : key_args) mix(a);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) name[static_cast<std::size_t>(i)] = kHex[h & 15];
  return name + ".plan";
}

std::optional<std::string> load_entry(const std::string& dir, const std::string& name, std::string& why) {
  const UniqueFd dir_fd = open_private_dir(dir, why);
  if (!dir_fd) return std::nullopt;
  // O_NONBLOCK: a FIFO put there must not hang us (it is refused below as not regular).
  const UniqueFd fd(openat(dir_fd.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd) {
    why = errno == ENOENT ? "no entry" : errno_text("cannot open the entry");
    return std::nullopt;
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    why = "the entry is not a regular file";
    return std::nullopt;
  }
  if (!private_to_us(st, why, "the entry")) return std::nullopt;
  auto bytes = disk::read_fd(fd.get());
  if (!bytes) why = "the entry could not be read";
  return bytes;
}

bool make_cache_directory(const std::string& dir, std::string& why) {
  // Each missing component is created private to us.
  for (std::size_t slash = dir.find('/', 1); ; slash = dir.find('/', slash + 1)) {
    const std::string part = dir.substr(0, slash);
    if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
      why = errno_text("cannot create " + part);
      return false;
    }
    if (slash == std::string::npos) break;
  }
  return true;
}

bool store_entry(const std::string& dir, const std::string& name, const std::string& bytes, std::string& why) {
  if (!make_cache_directory(dir, why)) return false;
  const UniqueFd dir_fd = open_private_dir(dir, why);
  if (!dir_fd) return false;
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const std::string temp = "." + name + "." + std::to_string(getpid()) + "." + std::to_string(now.tv_nsec) + ".tmp";
  UniqueFd fd(openat(dir_fd.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) {
    why = errno_text("cannot create " + dir + "/" + temp);
    return false;
  }
  const bool written = disk::write_all(fd.get(), bytes) && close(fd.release()) == 0;
  if (!written || renameat(dir_fd.get(), temp.c_str(), dir_fd.get(), name.c_str()) != 0) {
    why = errno_text("cannot write " + dir + "/" + name);
    unlinkat(dir_fd.get(), temp.c_str(), 0);
    return false;
  }
  return true;
}

}  // namespace sandlock
