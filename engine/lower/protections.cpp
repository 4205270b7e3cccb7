#include "engine/lower/protections.h"

namespace sandlock {
namespace {

std::string key_path(const ProtectionFacts& f) { return "protections." + std::string(f.name); }

Diagnostic unavailable(const ProtectionFacts& f, int abi, const Provenance& from) {
  return error_at("protection.unavailable", from.where, key_path(f),
                  "protection " + std::string(f.name) + " is strict but the target Landlock ABI is " +
                      std::to_string(abi) + " (needs " + std::to_string(f.min_abi) + ")",
                  "set it to 'degradable' to run without it where the kernel lacks it, or 'disabled'");
}

Diagnostic degraded(const ProtectionFacts& f, int abi, const Provenance& from) {
  return warning_at("protection.degraded", from.where, key_path(f),
                    "protection " + std::string(f.name) + " is degraded: the target Landlock ABI is " +
                        std::to_string(abi) + " (needs " + std::to_string(f.min_abi) +
                        "); without it " + std::string(f.without_it));
}

}  // namespace

ProtectionResolution resolve_protections(const PolicyGraph& graph, const LowerTarget& target) {
  ProtectionResolution out;
  for (const ProtectionFacts& f : all_protections()) {
    const auto i = static_cast<std::size_t>(f.id);
    const ResolvedProtection& resolved = graph.protections[i];
    const ProtectionState state = target.overrides[i].value_or(resolved.state);
    const bool available = target.abi >= f.min_abi;
    ProtectionStatus& status = out.status[i];
    switch (state) {
      case ProtectionState::Strict:
        status = available ? ProtectionStatus::Active : ProtectionStatus::Unavailable;
        if (!available) out.diagnostics.push_back(unavailable(f, target.abi, resolved.from));
        break;
      case ProtectionState::Degradable:
        status = available ? ProtectionStatus::Active : ProtectionStatus::Degraded;
        if (!available) out.diagnostics.push_back(degraded(f, target.abi, resolved.from));
        break;
      case ProtectionState::Disabled:
        status = ProtectionStatus::Disabled;
        break;
    }
  }
  return out;
}

}  // namespace sandlock
