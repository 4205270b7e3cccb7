#include "engine/apply/child_memory.h"

#include <sys/uio.h>

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

bool write_child(pid_t tid, std::uint64_t addr, const void* in, std::size_t len) {
  return transfer_all(tid, addr, static_cast<char*>(const_cast<void*>(in)), len, process_vm_writev);
}

}  // namespace sandlock
