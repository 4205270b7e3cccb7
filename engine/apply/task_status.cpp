#include "engine/apply/task_status.h"

#include <cstdlib>

#include "engine/util/disk.h"

namespace sandlock {

std::optional<std::string> read_task_status(pid_t tid) {
  return disk::read_file("/proc/" + std::to_string(tid) + "/status");
}

std::uint64_t status_field(const std::string& status, std::string_view field, int base) {
  const std::string key = "\n" + std::string(field) + ":";  // never the first line ("Name:")
  const std::size_t at = status.find(key);
  return at == std::string::npos ? 0 : std::strtoull(status.c_str() + at + key.size(), nullptr, base);
}

}  // namespace sandlock
