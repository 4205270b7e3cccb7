#include "engine/apply/child_memory.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <string>

namespace sandlock {
namespace {

template <class Transfer>
bool transfer_all(pid_t tid, std::uint64_t addr, char* local, std::size_t len, Transfer transfer) {
  while (len > 0) {  // a transfer may stop short at a page boundary
    iovec mine{local, len};
    iovec theirs{reinterpret_cast<void*>(addr), len};
    const ssize_t n = transfer(tid, &mine, 1, &theirs, 1, 0);
    if (n <= 0) return false;
    local += n;
    addr += static_cast<std::uint64_t>(n);
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

bool read_child(pid_t tid, std::uint64_t addr, void* out, std::size_t len) {
  return transfer_all(tid, addr, static_cast<char*>(out), len, process_vm_readv);
}

UniqueFd open_child_memory(pid_t tid) {
  const std::string path = "/proc/" + std::to_string(tid) + "/mem";
  return UniqueFd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
}

bool write_child(int memory, std::uint64_t addr, const void* in, std::size_t len) {
  const char* from = static_cast<const char*>(in);
  while (len > 0) {
    const ssize_t n = pwrite(memory, from, len, static_cast<off_t>(addr));
    if (n <= 0) return false;
    from += n;
    addr += static_cast<std::uint64_t>(n);
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace sandlock
