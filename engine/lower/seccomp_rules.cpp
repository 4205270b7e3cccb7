#include "engine/lower/seccomp_rules.h"

#include <seccomp.h>

#include <algorithm>
#include <array>
#include <set>

#include "engine/kernel/syscall_groups.h"
#include "engine/lower/syscall_filters.h"

namespace sandlock {
namespace {

constexpr std::string_view kNotOnThisArch = " (not a syscall on this architecture: skipped)";

// The supervisor decides these; bind only when Landlock cannot keep the bind list.
constexpr std::array<std::string_view, 4> kSupervisedSyscalls{"connect", "sendmmsg", "sendmsg", "sendto"};

// "@mount (web.yaml:12:3)": the group a name came from, and where the profile asked for it.
std::string why_text(const std::string& entry, const Provenance& from) {
  std::string why;
  for (const SyscallGroup& g : all_syscall_groups())
    if (std::find(g.syscalls.begin(), g.syscalls.end(), entry) != g.syscalls.end()) {
      why = std::string(g.name);
      break;
    }
  if (why.empty()) why = entry;
  if (!from.where.file.empty())
    why += " (" + from.where.file + ":" + std::to_string(from.where.line) + ":" + std::to_string(from.where.column) + ")";
  return why;
}

void append_with_why(std::vector<SeccompRule>& out, std::vector<SeccompRule> rules, const std::string& why) {
  for (SeccompRule& r : rules) {
    r.why = why;
    out.push_back(std::move(r));
  }
}

SeccompRule plain(std::string name, SeccompRule::Action action, int errno_value, std::string why) {
  return SeccompRule{std::move(name), action, errno_value, {}, std::move(why)};
}

// libseccomp refuses a conditional rule beside an unconditional one with another action,
// and the unconditional rule covers the conditional ones anyway: keep only the first
// unconditional rule of each syscall.
std::vector<SeccompRule> drop_covered(std::vector<SeccompRule> rules) {
  std::stable_sort(rules.begin(), rules.end(),
                   [](const SeccompRule& a, const SeccompRule& b) { return a.syscall < b.syscall; });
  std::vector<SeccompRule> out;
  for (auto begin = rules.begin(); begin != rules.end();) {
    auto end = std::find_if(begin, rules.end(), [&](const SeccompRule& r) { return r.syscall != begin->syscall; });
    auto whole = std::find_if(begin, end, [](const SeccompRule& r) { return r.args.empty(); });
    if (whole != end)
      out.push_back(std::move(*whole));
    else
      std::move(begin, end, std::back_inserter(out));
    begin = end;
  }
  return out;
}

// io_uring's queued operations (socket, connect, sendmsg, bind) are no syscalls: they pass
// the seccomp filter and the supervisor by. Re-allowed beside a network rule that either of
// those keeps, the rule would not hold: an error naming both, never a silent weakening.
// (With every destination allowed, what is left to seccomp is not the network policy's:
// raw sockets and other families, which the group's own description warns of.)
void check_io_uring(const PolicyGraph& graph, const NetLowering& net, Diagnostics& diagnostics) {
  const SyscallGroup* io_uring = syscall_group_by_name("@io-uring");
  if (!io_uring) return;
  const auto from = std::find_if(graph.syscall_allow.begin(), graph.syscall_allow.end(), [&](const auto& entry) {
    return std::find(io_uring->syscalls.begin(), io_uring->syscalls.end(), entry.first) != io_uring->syscalls.end();
  });
  if (from == graph.syscall_allow.end()) return;
  std::string kept;
  if (net.needs_supervisor) kept = "the destination rules the supervisor checks";
  else if (net.deny_inet_sockets || net.deny_non_tcp_sockets) kept = "the inet sockets seccomp refuses";
  else if (net.refuse_fast_open) kept = "the TCP Fast Open refusal that keeps Landlock's port rules";
  if (kept.empty()) return;
  const Location where = from->second.where;
  const std::string_view allowed = from->first;
  diagnostics.push_back(error_at("lower.io-uring-bypasses-network", where, "syscalls.allow",
                                 std::string(allowed) + " is re-allowed, and io_uring's operations (socket, connect, "
                                     "sendmsg) pass seccomp by: " + kept + " would not hold",
                                 "keep @io-uring denied, or allow every destination (tcp, udp and icmp) in network"));
}

}  // namespace

SeccompPlan lower_seccomp(const PolicyGraph& graph, const NetLowering& net, Diagnostics& diagnostics) {
  check_io_uring(graph, net, diagnostics);
  std::vector<SeccompRule> rules;
  for (const auto& [entry, from] : graph.syscall_deny) {
    const std::string why = why_text(entry, from);
    if (entry.find(':') == std::string::npos) {
      rules.push_back(plain(entry, SeccompRule::Action::Errno, EPERM, why));
    } else if (auto filtered = argument_filter_rules(entry)) {
      append_with_why(rules, std::move(*filtered), why);
    } else {
      diagnostics.push_back(error_at("lower.unknown-syscall-filter", from.where, "syscalls.deny",
                                     "no argument-filtered rule is named '" + entry + "'"));
    }
  }
  if (net.deny_non_tcp_sockets)
    append_with_why(rules, *argument_filter_rules(kInetNonTcpFilter),
                    "network: no UDP/ICMP destination is allowed and Landlock only sees TCP");
  if (net.deny_inet_sockets)
    append_with_why(rules, *argument_filter_rules(kInetSocketsFilter),
                    "network: no network is allowed and Landlock cannot refuse TCP");
  if (net.stream_or_dgram_only)
    append_with_why(rules, *argument_filter_rules(kInetStreamOrDgramFilter),
                    "network: the supervisor checks TCP, UDP and ping sockets only");
  if (net.refuse_fast_open)
    append_with_why(rules, *argument_filter_rules(kFastOpenFilter),
                    "network: a TCP Fast Open send connects without Landlock's connect check");
  if (net.needs_supervisor) {
    append_with_why(rules, *argument_filter_rules(kSourceRouteFilter),
                    "network: a source route sends the packet first to a hop the supervisor never checked");
    std::set<std::string> supervised(kSupervisedSyscalls.begin(), kSupervisedSyscalls.end());
    if (net.notify_bind) supervised.insert("bind");
    // A syscall the profile refuses outright keeps that rule (drop_covered keeps the first).
    for (const std::string& name : supervised) {
      SeccompRule rule = plain(name, SeccompRule::Action::Notify, 0, "network: the supervisor checks destinations");
      // send() is sendto without an address: only calls that carry one need checking, which
      // keeps established connections free of per-packet supervision.
      if (name == "sendto") rule.args.push_back({4, SeccompArgCmp::Op::Ge, 1, 0});  // a non-null address
      rules.push_back(std::move(rule));
    }
  }
  SeccompPlan plan;
  plan.rules = drop_covered(std::move(rules));
  for (SeccompRule& r : plan.rules)
    if (!native_syscall_number(r.syscall)) r.why += kNotOnThisArch;
  return plan;
}

}  // namespace sandlock
