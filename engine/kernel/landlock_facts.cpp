#include "engine/kernel/landlock_facts.h"

#include <algorithm>
#include <cctype>

#include "engine/kernel/landlock_uapi.h"

namespace sandlock {
namespace {

using namespace uapi;

constexpr std::uint64_t kAbi1Fs = (1ULL << 13) - 1;  // execute .. make_sym
constexpr std::uint64_t kAbi2Fs = kAbi1Fs | kFsRefer;
constexpr std::uint64_t kAbi3Fs = kAbi2Fs | kFsTruncate;
constexpr std::uint64_t kAbi5Fs = kAbi3Fs | kFsIoctlDev;
constexpr std::uint64_t kNetTcp = kNetBindTcp | kNetConnectTcp;
constexpr std::uint64_t kScopes = kScopeAbstractUnixSocket | kScopeSignal;
constexpr std::uint32_t kLogFlags = kRestrictLogSameExecOff | kRestrictLogNewExecOn | kRestrictLogSubdomainsOff;

constexpr std::array<LandlockAbiFacts, 8> kAbis{{
    {1, kAbi1Fs, 0, 0, 0, 8},
    {2, kAbi2Fs, 0, 0, 0, 8},
    {3, kAbi3Fs, 0, 0, 0, 8},
    {4, kAbi3Fs, kNetTcp, 0, 0, 16},
    {5, kAbi5Fs, kNetTcp, 0, 0, 16},
    {6, kAbi5Fs, kNetTcp, kScopes, 0, 24},
    {7, kAbi5Fs, kNetTcp, kScopes, kLogFlags, 24},
    {8, kAbi5Fs, kNetTcp, kScopes, kLogFlags | kRestrictTsync, 24},
}};

constexpr std::array<FsRightName, 16> kFsRights{{
    {"execute", kFsExecute},       {"write_file", kFsWriteFile}, {"read_file", kFsReadFile},
    {"read_dir", kFsReadDir},      {"remove_dir", kFsRemoveDir}, {"remove_file", kFsRemoveFile},
    {"make_char", kFsMakeChar},    {"make_dir", kFsMakeDir},     {"make_reg", kFsMakeReg},
    {"make_sock", kFsMakeSock},    {"make_fifo", kFsMakeFifo},   {"make_block", kFsMakeBlock},
    {"make_sym", kFsMakeSym},      {"refer", kFsRefer},          {"truncate", kFsTruncate},
    {"ioctl_dev", kFsIoctlDev},
}};

constexpr std::array<ProtectionFacts, kProtectionCount> kProtections{{
    {Protection::FsRefer, "fs-refer", 2, kFsRefer, 0, 0,
     "no rename or link across directories works at all (Landlock ABI 1 refuses every one): a stricter sandbox, in which programs that move files between directories fail"},
    {Protection::FsTruncate, "fs-truncate", 3, kFsTruncate, 0, 0,
     "the sandbox can truncate any file by its path, even one outside every grant or denied (truncate(2) checks no other right)"},
    {Protection::NetTcp, "net-tcp", 4, 0, kNetTcp, 0,
     "the sandbox can bind and connect TCP to any port, unless the supervisor enforces the network rules"},
    {Protection::FsIoctlDev, "fs-ioctl-dev", 5, kFsIoctlDev, 0, 0,
     "the sandbox can make any ioctl on a device node it can open"},
    {Protection::SignalScope, "signal-scope", 6, 0, 0, kScopeSignal,
     "the sandbox can send signals to processes outside it"},
    {Protection::AbstractUnixSocketScope, "abstract-unix-socket-scope", 6, 0, 0,
     kScopeAbstractUnixSocket, "the sandbox can connect to abstract unix sockets outside it"},
}};

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

const LandlockAbiFacts& landlock_abi_facts(int abi) { return kAbis.at(static_cast<std::size_t>(abi - 1)); }

std::span<const LandlockAbiFacts> all_landlock_abis() { return kAbis; }

std::span<const FsRightName> fs_right_names() { return kFsRights; }

std::optional<std::uint64_t> fs_right_by_name(std::string_view name) {
  for (const auto& r : kFsRights)
    if (r.name == name) return r.bit;
  return std::nullopt;
}

std::string fs_rights_to_string(std::uint64_t bits) {
  std::string out;
  for (const auto& r : kFsRights) {
    if (!(bits & r.bit)) continue;
    if (!out.empty()) out += ',';
    out += r.name;
  }
  return out;
}

std::uint64_t fs_read_access() { return kFsReadFile | kFsReadDir; }
std::uint64_t fs_exec_access() { return fs_read_access() | kFsExecute; }
// No make_char or make_block: a device node made in a writable directory opens the device
// with only that directory's rights checked (a sandbox that keeps CAP_MKNOD, as root does,
// would reach /dev/kmsg or a raw disk). A profile that means it names them in `rules`.
std::uint64_t fs_write_access() {
  return fs_read_access() | kFsWriteFile | kFsRemoveDir | kFsRemoveFile | kFsMakeDir | kFsMakeReg |
         kFsMakeSock | kFsMakeFifo | kFsMakeSym | kFsRefer | kFsTruncate;
}

std::span<const ProtectionFacts> all_protections() { return kProtections; }

const ProtectionFacts& protection_facts(Protection p) { return kProtections.at(static_cast<std::size_t>(p)); }

std::optional<Protection> protection_by_name(std::string_view name) {
  const std::string n = lowercase(name);
  if (n == "abstract-unix-scope-socket") return Protection::AbstractUnixSocketScope;
  for (const auto& p : kProtections)
    if (p.name == n) return p.id;
  return std::nullopt;
}

std::optional<ProtectionState> protection_state_by_name(std::string_view name) {
  const std::string n = lowercase(name);
  if (n == "strict") return ProtectionState::Strict;
  if (n == "degradable") return ProtectionState::Degradable;
  if (n == "disabled") return ProtectionState::Disabled;
  return std::nullopt;
}

std::string_view protection_state_name(ProtectionState s) {
  switch (s) {
    case ProtectionState::Strict: return "strict";
    case ProtectionState::Degradable: return "degradable";
    case ProtectionState::Disabled: return "disabled";
  }
  return "?";
}

}  // namespace sandlock
