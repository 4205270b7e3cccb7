#include "engine/apply/credentials.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string>
#include <string_view>

#include "engine/apply/task_status.h"

namespace sandlock {
namespace {

// The numbers after "`field`:" up to the end of its line, in `base`; false when the field
// is missing or holds more than `max`.
template <typename T>
bool numbers_in(const std::string& status, std::string_view field, int base, T* out, std::size_t max,
                std::size_t& count) {
  const std::string key = "\n" + std::string(field) + ":";
  const std::size_t at = status.find(key);
  if (at == std::string::npos) return false;
  const char* p = status.data() + at + key.size();
  const char* const end = status.data() + status.size();
  count = 0;
  for (;;) {
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    if (p == end || *p == '\n') return true;
    if (count == max) return false;
    const auto [next, ec] = std::from_chars(p, end, out[count], base);
    if (ec != std::errc()) return false;
    ++count;
    p = next;
  }
}

template <typename T, std::size_t N>
bool exactly(const std::string& status, std::string_view field, int base, T (&out)[N]) {
  std::size_t count = 0;
  return numbers_in(status, field, base, out, N, count) && count == N;
}

bool one_cap(const std::string& status, std::string_view field, std::uint64_t& out) {
  std::uint64_t v[1];
  if (!exactly(status, field, 16, v)) return false;
  out = v[0];
  return true;
}

}  // namespace

std::optional<CapabilitySets> read_capabilities() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  if (syscall(SYS_capget, &header, data) != 0) return std::nullopt;
  CapabilitySets sets;
  for (unsigned i = 0; i < _LINUX_CAPABILITY_U32S_3; ++i) {
    sets.effective |= std::uint64_t{data[i].effective} << (32 * i);
    sets.permitted |= std::uint64_t{data[i].permitted} << (32 * i);
    sets.inheritable |= std::uint64_t{data[i].inheritable} << (32 * i);
  }
  return sets;
}

int write_capabilities(const CapabilitySets& sets) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  for (unsigned i = 0; i < _LINUX_CAPABILITY_U32S_3; ++i) {
    data[i].effective = static_cast<std::uint32_t>(sets.effective >> (32 * i));
    data[i].permitted = static_cast<std::uint32_t>(sets.permitted >> (32 * i));
    data[i].inheritable = static_cast<std::uint32_t>(sets.inheritable >> (32 * i));
  }
  return syscall(SYS_capset, &header, data) == 0 ? 0 : errno;
}

bool in_our_user_namespace(pid_t tid) {
  struct stat ours {}, theirs {};
  const std::string path = "/proc/" + std::to_string(tid) + "/ns/user";
  return stat("/proc/self/ns/user", &ours) == 0 && stat(path.c_str(), &theirs) == 0 && ours.st_ino == theirs.st_ino &&
         ours.st_dev == theirs.st_dev;
}

std::optional<Credentials> credentials_of(pid_t tid) {
  const auto status = read_task_status(tid);
  if (!status) return std::nullopt;
  Credentials c;
  std::size_t groups = 0;
  if (!exactly(*status, "Uid", 10, c.uid) || !exactly(*status, "Gid", 10, c.gid) ||
      !numbers_in(*status, "Groups", 10, c.groups, Credentials::kMaxGroups, groups) ||
      !one_cap(*status, "CapInh", c.cap_inheritable) || !one_cap(*status, "CapPrm", c.cap_permitted) ||
      !one_cap(*status, "CapEff", c.cap_effective))
    return std::nullopt;
  c.group_count = static_cast<std::uint32_t>(groups);
  if (!in_our_user_namespace(tid)) c.cap_inheritable = c.cap_permitted = c.cap_effective = 0;
  return c;
}

std::optional<Credentials> own_credentials() {
  Credentials c;
  uid_t u[3];
  gid_t g[3];
  if (getresuid(&u[0], &u[1], &u[2]) != 0 || getresgid(&g[0], &g[1], &g[2]) != 0) return std::nullopt;
  for (int i = 0; i < 3; ++i) {
    c.uid[i] = u[i];
    c.gid[i] = g[i];
  }
  c.uid[3] = static_cast<std::uint32_t>(syscall(SYS_setfsuid, -1));  // -1 changes nothing: the current one
  c.gid[3] = static_cast<std::uint32_t>(syscall(SYS_setfsgid, -1));
  gid_t groups[Credentials::kMaxGroups];
  const int n = getgroups(static_cast<int>(Credentials::kMaxGroups), groups);
  if (n < 0) return std::nullopt;
  c.group_count = static_cast<std::uint32_t>(n);
  for (int i = 0; i < n; ++i) c.groups[i] = groups[i];
  const auto caps = read_capabilities();
  if (!caps) return std::nullopt;
  c.cap_inheritable = caps->inheritable;
  c.cap_permitted = caps->permitted;
  c.cap_effective = caps->effective;
  return c;
}

namespace {

bool same_groups(const Credentials& a, const Credentials& b) {
  if (a.group_count != b.group_count) return false;
  for (std::uint32_t i = 0; i < a.group_count; ++i)
    if (a.groups[i] != b.groups[i]) return false;
  return true;
}

bool same_ids(const std::uint32_t (&a)[4], const std::uint32_t (&b)[4], int n) {
  for (int i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

}  // namespace

int take_on(const Credentials& c, const Credentials& current) {
  if (c.group_count > Credentials::kMaxGroups) return EINVAL;
  if (c == current) return 0;
  // Raw syscalls: glibc's would signal every thread to do the same, and this one has none.
  // Groups and gids first: changing them needs CAP_SETGID, which a new uid may take away.
  if (!same_groups(c, current)) {
    gid_t groups[Credentials::kMaxGroups];
    for (std::uint32_t i = 0; i < c.group_count; ++i) groups[i] = c.groups[i];
    if (syscall(SYS_setgroups, c.group_count, groups) != 0) return errno;
  }
  if (!same_ids(c.gid, current.gid, 3) && syscall(SYS_setresgid, c.gid[0], c.gid[1], c.gid[2]) != 0) return errno;
  syscall(SYS_setfsgid, c.gid[3]);  // reports the old one, never an error: read back below
  const bool new_uids = !same_ids(c.uid, current.uid, 3);
  if (new_uids) {
    // The permitted set survives the uid change (the effective one does not), so that the
    // caller's capabilities can be set from it.
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return errno;
    if (syscall(SYS_setresuid, c.uid[0], c.uid[1], c.uid[2]) != 0) return errno;
  }
  if (c.uid[3] != (new_uids ? c.uid[1] : current.uid[3])) {  // a uid change set it to the effective one
    // A filesystem uid other than the new effective one needs CAP_SETUID, which the uid
    // change took out of the effective set: back from the permitted one, if it is there.
    const auto now = read_capabilities();
    if (!now) return EPERM;
    if (now->effective != now->permitted)
      if (const int err = write_capabilities({now->permitted, now->permitted, now->inheritable})) return err;
    syscall(SYS_setfsuid, c.uid[3]);
  }
  // The caller's sets (setting unchanged ones needs no privilege), then all read back.
  if (const int err = write_capabilities({c.cap_effective, c.cap_permitted, c.cap_inheritable})) return err;
  const auto taken = own_credentials();
  return taken && *taken == c ? 0 : EPERM;
}

}  // namespace sandlock
