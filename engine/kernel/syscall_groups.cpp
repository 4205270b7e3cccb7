#include "engine/kernel/syscall_groups.h"

#include <array>

namespace sandlock {
namespace {

using SV = std::string_view;

constexpr std::array<SV, 15> kMount{"mount", "umount", "umount2", "pivot_root", "chroot", "fsopen",
                                    "fsmount", "fspick", "fsconfig", "move_mount", "open_tree",
                                    "mount_setattr", "open_tree_attr", "statmount", "listmount"};
constexpr std::array<SV, 3> kModule{"init_module", "finit_module", "delete_module"};
constexpr std::array<SV, 3> kReboot{"reboot", "kexec_load", "kexec_file_load"};
constexpr std::array<SV, 2> kSwap{"swapon", "swapoff"};
constexpr std::array<SV, 4> kRawIo{"ioperm", "iopl", "pciconfig_read", "pciconfig_write"};
constexpr std::array<SV, 6> kClock{"adjtimex", "clock_adjtime", "clock_settime", "settimeofday",
                                   "stime", "clock_adjtime64"};
// The priority forms that reach a whole process group or every process of a user (PRIO_PGRP,
// PRIO_USER; IOPRIO_WHO_PGRP, IOPRIO_WHO_USER): for root, every process on the host.
constexpr std::array<SV, 9> kDebug{"ptrace", "process_vm_readv", "process_vm_writev", "perf_event_open",
                                   "lookup_dcookie", "pidfd_getfd", "prlimit64:other-processes",
                                   "setpriority:groups-and-users", "ioprio_set:groups-and-users"};
constexpr std::array<SV, 3> kKeyring{"keyctl", "add_key", "request_key"};
constexpr std::array<SV, 16> kObsolete{"_sysctl", "afs_syscall", "bdflush", "break", "create_module",
                                       "ftime", "get_kernel_syms", "getpmsg", "gtty", "lock",
                                       "mpx", "prof", "profil", "putpmsg", "query_module",
                                       "uselib"};
constexpr std::array<SV, 11> kSysvIpc{"msgctl", "msgget", "msgrcv", "msgsnd", "semctl", "semget",
                                      "semop", "semtimedop", "shmat", "shmctl", "shmdt"};
constexpr std::array<SV, 3> kIoUring{"io_uring_setup", "io_uring_enter", "io_uring_register"};
// "clone:newns" and "clone3:enosys" are argument-filtered rules (a ':' in the name) that the
// lowering stage translates: clone with a CLONE_NEW* flag, and clone3 (whose flags seccomp
// cannot read) answered with ENOSYS so libc falls back to clone.
constexpr std::array<SV, 4> kNamespaces{"unshare", "setns", "clone:newns", "clone3:enosys"};
constexpr std::array<SV, 2> kHostname{"sethostname", "setdomainname"};
// fanotify: a root sandbox could block or watch every open on the host's filesystems.
// syslog: a root sandbox would read (and clear) the kernel's log.
constexpr std::array<SV, 7> kPrivileged{"bpf",  "userfaultfd",   "quotactl", "quotactl_fd",
                                        "acct", "fanotify_init", "syslog"};
constexpr std::array<SV, 2> kFileHandle{"open_by_handle_at", "name_to_handle_at"};
// Hanging up the terminal (vhangup, TIOCVHANGUP) signals its whole session from the kernel,
// past the signal scope: the shell sandlock was started from died of it. TIOCCONS takes the
// console's output; TIOCSETD changes the line discipline (module autoloading, old bugs).
constexpr std::array<SV, 6> kTtyInject{"ioctl:tiocsti", "ioctl:tioclinux", "vhangup",
                                       "ioctl:tiocvhangup", "ioctl:tioccons", "ioctl:tiocsetd"};
constexpr std::array<SV, 1> kRawSockets{"socket:raw"};
constexpr std::array<SV, 2> kOtherSockets{"socket:other-families", "setsockopt:tcp-ulp"};
constexpr std::array<SV, 1> kPersonality{"personality:unsafe"};
constexpr std::array<SV, 4> kCpuEmulation{"modify_ldt", "subpage_prot", "switch_endian", "vm86"};

constexpr std::array<SyscallGroup, 20> kGroups{{
    {"@mount", "mounting and the new mount API, pivot_root, chroot", kMount, true},
    {"@module", "loading and unloading kernel modules", kModule, true},
    {"@reboot", "rebooting and kexec", kReboot, true},
    {"@swap", "enabling and disabling swap", kSwap, true},
    {"@raw-io", "raw I/O port access", kRawIo, true},
    {"@clock", "changing the system clock", kClock, true},
    {"@debug", "ptrace, cross-process memory, descriptor and resource-limit access, perf, priorities of process groups and users", kDebug, true},
    {"@keyring", "the kernel keyring", kKeyring, true},
    {"@obsolete", "unusual, obsolete or unimplemented syscalls", kObsolete, true},
    {"@sysv-ipc", "System V message queues, semaphores and shared memory", kSysvIpc, true},
    {"@io-uring", "io_uring (bypasses seccomp for the operations it queues)", kIoUring, true},
    {"@namespaces", "entering and creating namespaces (also clone with CLONE_NEW*)", kNamespaces, true},
    {"@hostname", "changing the host and domain name", kHostname, true},
    {"@privileged", "bpf, userfaultfd, quotactl, acct, fanotify, the kernel log", kPrivileged, true},
    {"@file-handle", "opening files by handle, which bypasses path checks", kFileHandle, true},
    {"@tty-inject", "pushing input into or taking over a terminal (ioctl TIOCSTI, TIOCLINUX, TIOCCONS, TIOCSETD), hanging it up (vhangup, TIOCVHANGUP)", kTtyInject, true},
    {"@raw-sockets", "raw IP sockets and AF_PACKET (packet crafting and sniffing)", kRawSockets, true},
    {"@other-sockets", "socket families other than unix, inet, inet6 and netlink (SMC, RDS, vsock, ...), and TCP upper-layer protocols (TCP_ULP: SMC, kTLS): paths to other hosts that the network rules do not see", kOtherSockets, true},
    {"@personality", "personality changes other than the harmless ones (e.g. ASLR off)", kPersonality, true},
    {"@cpu-emulation", "CPU emulation and segment tweaks", kCpuEmulation, false},
}};

}  // namespace

std::span<const SyscallGroup> all_syscall_groups() { return kGroups; }

const SyscallGroup* syscall_group_by_name(std::string_view name) {
  for (const auto& g : kGroups)
    if (g.name == name) return &g;
  return nullptr;
}

std::span<const std::string_view> default_denied_syscalls() { return {}; }

}  // namespace sandlock
