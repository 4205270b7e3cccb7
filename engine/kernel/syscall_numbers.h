// A syscall's number on this architecture, by name: libseccomp's table, and, for the calls
// newer than the libseccomp Debian 12 ships (2.5.4, patched up to futex_requeue), a table of
// our own. Without it a rule naming one of those would be left out of the filter in silence.
#pragma once

#include <optional>
#include <string_view>

namespace sandlock {

// The native number, or nothing when the call does not exist on this architecture (another
// architecture's call, which libseccomp names with a negative pseudo-number) or is unknown.
std::optional<int> native_syscall_number(std::string_view name);

// Whether `name` is a syscall at all, on any architecture (libseccomp's names and ours).
bool syscall_name_known(std::string_view name);

}  // namespace sandlock
