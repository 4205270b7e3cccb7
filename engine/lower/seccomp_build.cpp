#include "engine/lower/seccomp_build.h"

#include <linux/seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/lower/seccomp_rules.h"

namespace sandlock {
namespace {

scmp_compare to_scmp(SeccompArgCmp::Op op) {
  switch (op) {
    case SeccompArgCmp::Op::Eq: return SCMP_CMP_EQ;
    case SeccompArgCmp::Op::MaskedEq: return SCMP_CMP_MASKED_EQ;
    case SeccompArgCmp::Op::Ge: return SCMP_CMP_GE;
    case SeccompArgCmp::Op::Le: return SCMP_CMP_LE;
  }
  return SCMP_CMP_EQ;
}

std::uint32_t to_scmp(const SeccompRule& r) {
  switch (r.action) {
    case SeccompRule::Action::Errno: return SCMP_ACT_ERRNO(static_cast<std::uint32_t>(r.errno_value));
    case SeccompRule::Action::Kill: return SCMP_ACT_KILL_PROCESS;
    case SeccompRule::Action::Notify: return SCMP_ACT_NOTIFY;
    case SeccompRule::Action::Allow: return SCMP_ACT_ALLOW;
  }
  return SCMP_ACT_KILL_PROCESS;
}

std::string failed(const std::string& what, int rc) { return what + ": " + std::strerror(-rc); }

// The exporters write to a file descriptor: use an anonymous memory file and read it back.
template <class Export>
std::string export_filter(const SeccompFilter& filter, std::string& error, Export export_to) {
  const int fd = memfd_create("sandlock-seccomp", MFD_CLOEXEC);
  if (fd < 0) {
    error = std::string("memfd_create: ") + std::strerror(errno);
    return {};
  }
  std::string out;
  if (const int rc = export_to(static_cast<scmp_filter_ctx>(filter.get()), fd); rc < 0) {
    error = failed("exporting the seccomp filter", rc);
  } else {
    char buf[4096];
    ssize_t n = 0;
    for (off_t off = 0; (n = pread(fd, buf, sizeof buf, off)) > 0; off += n) out.append(buf, static_cast<std::size_t>(n));
    if (n < 0) error = std::string("reading the seccomp export: ") + std::strerror(errno);
  }
  close(fd);
  return error.empty() ? out : std::string{};
}

template <class Export>
std::string export_text(const SeccompPlan& plan, std::string& error, Export export_to) {
  const SeccompFilter filter = build_seccomp(plan, error);
  return filter ? export_filter(filter, error, export_to) : std::string{};
}

}  // namespace

SeccompFilter build_seccomp(const SeccompPlan& plan, std::string& error) {
  SeccompFilter filter(seccomp_init(SCMP_ACT_ALLOW));
  auto* ctx = static_cast<scmp_filter_ctx>(filter.get());
  if (!ctx) {
    error = "seccomp_init failed";
    return nullptr;
  }
  // Only the native architecture is in the filter: calls through another ABI (i386 int 0x80,
  // x32's syscall numbers >= 0x40000000) hit the bad-arch action.
  if (plan.kill_foreign_arch)
    if (const int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc < 0) {
      error = failed("setting the bad-architecture action", rc);
      return nullptr;
    }
  if (const int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2); rc < 0) {  // binary tree
    error = failed("enabling the binary-tree optimization", rc);
    return nullptr;
  }
  for (const SeccompRule& r : plan.rules) {
    const auto nr = native_syscall_number(r.syscall);
    if (!nr) continue;  // not on this architecture (noted in the rule's `why` by lower)
    std::vector<scmp_arg_cmp> args;
    for (const SeccompArgCmp& a : r.args) args.push_back({a.arg, to_scmp(a.op), a.datum_a, a.datum_b});
    const int rc = seccomp_rule_add_exact_array(ctx, to_scmp(r), *nr, static_cast<unsigned>(args.size()), args.data());
    if (rc < 0) {
      error = failed("adding the seccomp rule for " + r.syscall + " (" + r.why + ")", rc);
      return nullptr;
    }
  }
  return filter;
}

std::string seccomp_filter_bpf(const SeccompFilter& filter, std::string& error) {
  return export_filter(filter, error, seccomp_export_bpf);
}

unsigned seccomp_load_flags(const SeccompPlan& plan, const SeccompFilter& filter) {
  auto* ctx = static_cast<scmp_filter_ctx>(filter.get());
  const auto attr = [&](scmp_filter_attr a) {
    std::uint32_t v = 0;
    return seccomp_attr_get(ctx, a, &v) == 0 && v != 0;
  };
  unsigned flags = 0;
  if (attr(SCMP_FLTATR_CTL_TSYNC)) flags |= SECCOMP_FILTER_FLAG_TSYNC;
  if (attr(SCMP_FLTATR_CTL_LOG)) flags |= SECCOMP_FILTER_FLAG_LOG;
  if (attr(SCMP_FLTATR_CTL_SSB)) flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  for (const SeccompRule& r : plan.rules)
    if (r.action == SeccompRule::Action::Notify && native_syscall_number(r.syscall))
      flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  // The supervisor makes a call itself (connect, send), so a caller that a signal pulled
  // away after the call was taken would retry what was already done: a datagram or stream
  // data sent twice, EISCONN. Once taken, a call waits for its answer, killable only.
  if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  return flags;
}

std::string seccomp_pfc_text(const SeccompPlan& plan, std::string& error) {
  return export_text(plan, error, seccomp_export_pfc);
}

std::string seccomp_bpf_bytes(const SeccompPlan& plan, std::string& error) {
  return export_text(plan, error, seccomp_export_bpf);
}

}  // namespace sandlock
