// protections, syscalls and limits.
#include <seccomp.h>

#include <map>
#include <string>
#include <vector>

#include "engine/kernel/syscall_groups.h"
#include "engine/kernel/syscall_numbers.h"
#include "engine/util/text.h"
#include "engine/validate/key_path.h"
#include "engine/util/text.h"
#include "engine/validate/profile_builder.h"
#include "engine/validate/quantity.h"

namespace sandlock {
namespace {

// Other architectures' calls and what x86_64 (and arm64) call the same thing.
const std::map<std::string, std::string> kNativeInstead{
    {"send", "sendto"}, {"recv", "recvfrom"}, {"umount", "umount2"}, {"mmap2", "mmap"},
    {"socketcall", "the socket calls themselves (socket, connect, ...)"}, {"ipc", "the System V calls (@sysv-ipc)"}};

std::vector<std::string> protection_names() {
  std::vector<std::string> out;
  for (const auto& p : all_protections()) out.emplace_back(p.name);
  return out;
}

std::vector<std::string> group_names() {
  std::vector<std::string> out;
  for (const auto& g : all_syscall_groups()) out.emplace_back(g.name);
  return out;
}

// Every syscall name libseccomp knows for the native arch; only built for did-you-mean.
std::vector<std::string> syscall_names() {
  std::vector<std::string> out;
  for (int nr = 0; nr < 1024; ++nr) {
    char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    if (!name) continue;
    out.emplace_back(name);
    free(name);
  }
  return out;
}

struct LimitKey {
  std::string_view key;
  std::optional<Located<std::uint64_t>> Limits::*field;
  enum class Unit { Count, Bytes, Seconds } unit;
};

constexpr LimitKey kLimitKeys[] = {
    {"memory", &Limits::memory, LimitKey::Unit::Bytes},
    {"processes", &Limits::processes, LimitKey::Unit::Count},
    {"open_files", &Limits::open_files, LimitKey::Unit::Count},
    {"cpu_time", &Limits::cpu_time, LimitKey::Unit::Seconds},
    {"file_size", &Limits::file_size, LimitKey::Unit::Bytes},
};

std::optional<std::uint64_t> limit_value(const Node& n, LimitKey::Unit unit, std::string& error) {
  if (n.kind == Node::Kind::Int) {
    if (n.integer > 0) return static_cast<std::uint64_t>(n.integer);
    error = "limit must be greater than zero, got " + std::to_string(n.integer);
    return std::nullopt;
  }
  if (n.kind != Node::Kind::String || unit == LimitKey::Unit::Count) return std::nullopt;  // the schema's
  return unit == LimitKey::Unit::Bytes ? parse_byte_size(n.text, error) : parse_duration_seconds(n.text, error);
}

}  // namespace

void ProfileBuilder::protections(const Node& prot, Profile& p) {
  for (const auto& e : prot.entries) {
    const std::string path = key_path_child("protections", e.key);
    const auto id = protection_by_name(e.key);
    if (!id) {
      const auto names = protection_names();
      error("protection.unknown", e.key_mark, path, "unknown protection '" + e.key + "'",
            did_you_mean(e.key, std::span<const std::string>(names)));
      continue;
    }
    if (e.value.kind != Node::Kind::String) continue;
    const auto state = protection_state_by_name(e.value.text);
    if (!state) {
      const std::vector<std::string> states = {"strict", "degradable", "disabled"};
      std::string hint = did_you_mean(e.value.text, std::span<const std::string>(states));
      error("protection.state", e.value.mark, path, "unknown state '" + e.value.text + "' for " + e.key,
            hint.empty() ? "expected strict, degradable or disabled" : hint);
      continue;
    }
    if (*id == Protection::FsRefer && *state == ProtectionState::Disabled) {
      error("protection.fs-refer-disabled", e.value.mark, path, "fs-refer cannot be disabled",
            "Landlock always denies reparenting without it; use 'degradable'");
      continue;
    }
    if (p.protections.count(*id)) {
      error("protection.duplicate", e.key_mark, path,
            "protection '" + std::string(protection_facts(*id).name) + "' is set twice");
      continue;
    }
    p.protections.emplace(*id, Located<ProtectionState>{*state, where(e.value.mark)});
  }
}

void ProfileBuilder::syscalls(const Node& sys, Profile& p) {
  for (const auto& entry : {std::pair{"deny", &p.syscalls_deny}, std::pair{"allow", &p.syscalls_allow}}) {
    const char* key = entry.first;
    auto* out = entry.second;  // not a structured binding: clang 14 cannot capture one in a lambda
    each_string(sys.find(key), key_path_child("syscalls", key), [&](const Node& item, const std::string& path) {
      const std::string& name = item.text;
      if (starts_with(name, "@")) {
        if (syscall_group_by_name(name)) return out->push_back({name, where(item.mark)});
        const auto names = group_names();
        return error("syscall.unknown-group", item.mark, path, "unknown syscall group '" + name + "'",
                     did_you_mean(name, std::span<const std::string>(names)));
      }
      if (syscall_name_known(name)) {
        // Another architecture's call (send, recv, mmap2, socketcall on x86_64) is kept, for
        // profiles shared across architectures, but here it matches nothing: say so.
        if (!native_syscall_number(name)) {
          const auto instead = kNativeInstead.find(name);
          diags_.push_back(warning_at("syscall.not-native", where(item.mark), path,
                                      "'" + name + "' is not a syscall on this architecture: this entry does nothing here",
                                      instead == kNativeInstead.end() ? std::string()
                                                                      : "did you mean '" + instead->second + "'?"));
        }
        return out->push_back({name, where(item.mark)});
      }
      const auto names = syscall_names();
      error("syscall.unknown", item.mark, path, "unknown syscall '" + name + "'",
            did_you_mean(name, std::span<const std::string>(names)));
    });
  }
}

void ProfileBuilder::limits(const Node& lim, Profile& p) {
  for (const auto& limit : kLimitKeys) {
    const Node* n = lim.find(limit.key);
    if (!n) continue;
    std::string message;
    const auto value = limit_value(*n, limit.unit, message);
    if (value)
      p.limits.*limit.field = Located<std::uint64_t>{*value, where(n->mark)};
    else if (!message.empty())
      error("limit.value", n->mark, key_path_child("limits", limit.key), message);
  }
}

}  // namespace sandlock
