// Landlock UAPI constants newer than Debian 12's <linux/landlock.h> (which stops at ABI 2).
// The one place these are defined; values are the kernel's, stable by ABI contract.
#pragma once

#include <cstdint>

namespace sandlock::uapi {

// Filesystem rights (enum landlock_access_fs).
inline constexpr std::uint64_t kFsExecute = 1ULL << 0;
inline constexpr std::uint64_t kFsWriteFile = 1ULL << 1;
inline constexpr std::uint64_t kFsReadFile = 1ULL << 2;
inline constexpr std::uint64_t kFsReadDir = 1ULL << 3;
inline constexpr std::uint64_t kFsRemoveDir = 1ULL << 4;
inline constexpr std::uint64_t kFsRemoveFile = 1ULL << 5;
inline constexpr std::uint64_t kFsMakeChar = 1ULL << 6;
inline constexpr std::uint64_t kFsMakeDir = 1ULL << 7;
inline constexpr std::uint64_t kFsMakeReg = 1ULL << 8;
inline constexpr std::uint64_t kFsMakeSock = 1ULL << 9;
inline constexpr std::uint64_t kFsMakeFifo = 1ULL << 10;
inline constexpr std::uint64_t kFsMakeBlock = 1ULL << 11;
inline constexpr std::uint64_t kFsMakeSym = 1ULL << 12;
inline constexpr std::uint64_t kFsRefer = 1ULL << 13;     // ABI 2
inline constexpr std::uint64_t kFsTruncate = 1ULL << 14;  // ABI 3
inline constexpr std::uint64_t kFsIoctlDev = 1ULL << 15;  // ABI 5

// Network rights (enum landlock_access_net), ABI 4.
inline constexpr std::uint64_t kNetBindTcp = 1ULL << 0;
inline constexpr std::uint64_t kNetConnectTcp = 1ULL << 1;

// Scopes (landlock_ruleset_attr.scoped), ABI 6.
inline constexpr std::uint64_t kScopeAbstractUnixSocket = 1ULL << 0;
inline constexpr std::uint64_t kScopeSignal = 1ULL << 1;

// landlock_restrict_self() flags: logging from ABI 7, TSYNC from ABI 8.
inline constexpr std::uint32_t kRestrictLogSameExecOff = 1U << 0;
inline constexpr std::uint32_t kRestrictLogNewExecOn = 1U << 1;
inline constexpr std::uint32_t kRestrictLogSubdomainsOff = 1U << 2;
inline constexpr std::uint32_t kRestrictTsync = 1U << 3;

// landlock_create_ruleset() flags.
inline constexpr std::uint32_t kCreateRulesetVersion = 1U << 0;
inline constexpr std::uint32_t kCreateRulesetErrata = 1U << 1;  // ABI 7

// enum landlock_rule_type.
inline constexpr int kRulePathBeneath = 1;
inline constexpr int kRuleNetPort = 2;

// struct landlock_ruleset_attr as of ABI 6; older kernels take a prefix of it
// (size 8 for ABI 1-3, 16 for ABI 4-5, 24 from ABI 6).
struct RulesetAttr {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net;
  std::uint64_t scoped;
};

struct __attribute__((packed)) PathBeneathAttr {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
};

struct NetPortAttr {
  std::uint64_t allowed_access;
  std::uint64_t port;
};

// x86_64 syscall numbers (identical on every architecture that has Landlock).
inline constexpr long kSysLandlockCreateRuleset = 444;
inline constexpr long kSysLandlockAddRule = 445;
inline constexpr long kSysLandlockRestrictSelf = 446;

}  // namespace sandlock::uapi
