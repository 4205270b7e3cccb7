// Thin wrappers over the three Landlock syscalls (glibc has none). Each returns what the
// syscall returns (-1 with errno set on failure).
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "engine/kernel/landlock_uapi.h"

namespace sandlock::sys {

inline int landlock_create_ruleset(const uapi::RulesetAttr* attr, std::size_t size, std::uint32_t flags) {
  return static_cast<int>(syscall(uapi::kSysLandlockCreateRuleset, attr, size, flags));
}

inline int landlock_add_rule(int ruleset_fd, int rule_type, const void* rule_attr, std::uint32_t flags) {
  return static_cast<int>(syscall(uapi::kSysLandlockAddRule, ruleset_fd, rule_type, rule_attr, flags));
}

inline int landlock_restrict_self(int ruleset_fd, std::uint32_t flags) {
  return static_cast<int>(syscall(uapi::kSysLandlockRestrictSelf, ruleset_fd, flags));
}

}  // namespace sandlock::sys
