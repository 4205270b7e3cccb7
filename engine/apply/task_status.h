// /proc/<tid>/status, the kernel's own account of a task: read once, then looked up field
// by field (the thread group of a thread, its pending, blocked and caught signals).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sandlock {

// The whole file; nothing when the task is gone.
std::optional<std::string> read_task_status(pid_t tid);
// The number after "`field`:" (a decimal count, or a signal mask when `base` is 16); 0 when
// the field is absent.
std::uint64_t status_field(const std::string& status, std::string_view field, int base);

}  // namespace sandlock
