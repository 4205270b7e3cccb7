// Step 1 of lowering: each protection's state (profile, then command-line override)
// against the target ABI → Active / Degraded / Disabled / Unavailable.
#pragma once

#include <array>

#include "engine/lower/plan.h"

namespace sandlock {

using ProtectionStatuses = std::array<ProtectionStatus, kProtectionCount>;

struct ProtectionResolution {
  ProtectionStatuses status{};
  Diagnostics diagnostics;  // an Error per unavailable strict protection, a Warning per degraded one
};

// Precondition: kMinLandlockAbi <= target.abi <= kMaxLandlockAbi.
ProtectionResolution resolve_protections(const PolicyGraph& graph, const LowerTarget& target);

inline bool is_active(const ProtectionStatuses& s, Protection p) {
  return s[static_cast<std::size_t>(p)] == ProtectionStatus::Active;
}

}  // namespace sandlock
