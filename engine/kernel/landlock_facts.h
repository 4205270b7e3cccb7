// Kernel facts as data: what each Landlock ABI knows, and the protections sandlock names.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sandlock {

inline constexpr int kMinLandlockAbi = 1;
inline constexpr int kMaxLandlockAbi = 8;

struct LandlockAbiFacts {
  int abi;
  std::uint64_t fs;              // filesystem rights the ABI knows
  std::uint64_t net;             // network rights
  std::uint64_t scoped;          // scope bits
  std::uint32_t restrict_flags;  // landlock_restrict_self flags
  std::size_t attr_size;         // sizeof the landlock_ruleset_attr prefix it accepts
};

// The row for one ABI (1..8). Precondition: kMinLandlockAbi <= abi <= kMaxLandlockAbi.
const LandlockAbiFacts& landlock_abi_facts(int abi);
std::span<const LandlockAbiFacts> all_landlock_abis();

// Landlock filesystem rights by their profile names ("read_file", ...).
struct FsRightName {
  std::string_view name;
  std::uint64_t bit;
};
std::span<const FsRightName> fs_right_names();
std::optional<std::uint64_t> fs_right_by_name(std::string_view name);
std::string fs_rights_to_string(std::uint64_t bits);  // "read_file,read_dir"

// Rights that make sense on a non-directory (the kernel rejects others there).
inline constexpr std::uint64_t kFsFileRights =
    (1ULL << 0) | (1ULL << 1) | (1ULL << 2) | (1ULL << 14) | (1ULL << 15);

// The access classes of a profile's filesystem section.
std::uint64_t fs_read_access();   // read_file | read_dir
std::uint64_t fs_exec_access();   // read + execute
std::uint64_t fs_write_access();  // read + every create/remove/modify right, refer, truncate; no execute

enum class Protection {
  FsRefer,
  FsTruncate,
  NetTcp,
  FsIoctlDev,
  SignalScope,
  AbstractUnixSocketScope,
};
inline constexpr std::size_t kProtectionCount = 6;

enum class ProtectionState { Strict, Degradable, Disabled };

struct ProtectionFacts {
  Protection id;
  std::string_view name;  // canonical profile name, e.g. "signal-scope"
  int min_abi;
  std::uint64_t fs;      // the bits this protection contributes, per mask
  std::uint64_t net;
  std::uint64_t scoped;
  std::string_view without_it;  // what changes without it, as a clause: "the sandbox can ..."
};

std::span<const ProtectionFacts> all_protections();
const ProtectionFacts& protection_facts(Protection p);
// Case-insensitive; accepts the alias "abstract-unix-scope-socket".
std::optional<Protection> protection_by_name(std::string_view name);
std::optional<ProtectionState> protection_state_by_name(std::string_view name);
std::string_view protection_state_name(ProtectionState s);

}  // namespace sandlock
