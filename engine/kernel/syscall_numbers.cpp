#include "engine/kernel/syscall_numbers.h"

#include <seccomp.h>

#include <algorithm>
#include <iterator>
#include <string>

namespace sandlock {
namespace {

struct Numbered {
  std::string_view name;
  int nr;
};

// x86_64 numbers (arch/x86/entry/syscalls/syscall_64.tbl) of the calls sandlock's groups
// name that libseccomp 2.5.4 does not know. Checked on Linux 6.18: each answers EFAULT for
// null arguments, where a free number answers ENOSYS.
#if defined(__x86_64__)
constexpr Numbered kNewer[] = {{"statmount", 457}, {"listmount", 458}, {"open_tree_attr", 467}};
#else
constexpr Numbered kNewer[] = {{"", -1}};
#endif

std::optional<int> newer(std::string_view name) {
  const auto it = std::find_if(std::begin(kNewer), std::end(kNewer), [&](const Numbered& n) { return n.name == name; });
  if (it == std::end(kNewer) || it->nr < 0) return std::nullopt;
  return it->nr;
}

}  // namespace

std::optional<int> native_syscall_number(std::string_view name) {
  const int nr = seccomp_syscall_resolve_name(std::string(name).c_str());
  if (nr >= 0) return nr;
  if (nr == __NR_SCMP_ERROR) return newer(name);
  return std::nullopt;  // a pseudo-number: another architecture's call
}

bool syscall_name_known(std::string_view name) {
  return seccomp_syscall_resolve_name(std::string(name).c_str()) != __NR_SCMP_ERROR || newer(name);
}

}  // namespace sandlock
