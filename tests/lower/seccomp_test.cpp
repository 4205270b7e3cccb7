// Step 6: the seccomp plan (names, argument filters, supervisor rules) and the built filter.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>

#include <cstdio>
#include <cstring>

#include "engine/kernel/syscall_groups.h"
#include "engine/lower/seccomp_build.h"
#include "engine/lower/seccomp_rules.h"
#include "engine/lower/syscall_filters.h"
#include "tests/lower/fake_fs_view.h"
#include "tests/lower/graph_builder.h"

namespace sandlock {
namespace {

// What the kernel would compute for one rule on these argument values.
bool matches(const SeccompRule& r, const std::array<std::uint64_t, 6>& a) {
  for (const SeccompArgCmp& c : r.args) {
    const std::uint64_t v = a.at(c.arg);
    bool ok = false;
    switch (c.op) {
      case SeccompArgCmp::Op::Eq: ok = v == c.datum_a; break;
      case SeccompArgCmp::Op::MaskedEq: ok = (v & c.datum_a) == c.datum_b; break;
      case SeccompArgCmp::Op::Ge: ok = v >= c.datum_a; break;
      case SeccompArgCmp::Op::Le: ok = v <= c.datum_a; break;
    }
    if (!ok) return false;
  }
  return true;
}

bool refused(const std::vector<SeccompRule>& rules, const std::array<std::uint64_t, 6>& a) {
  for (const SeccompRule& r : rules)
    if (matches(r, a)) return true;
  return false;
}

PolicyGraph default_deny_graph() {
  PolicyGraph g;
  for (const SyscallGroup& group : all_syscall_groups())
    if (group.denied_by_default)
      for (std::string_view name : group.syscalls) g.syscall_deny[std::string(name)] = Provenance{};
  for (std::string_view name : default_denied_syscalls()) g.syscall_deny[std::string(name)] = Provenance{};
  return g;
}

Plan lower_ok(const PolicyGraph& g, int abi = 7) {
  testing::FakeFsView fs{};
  LowerResult r = lower(g, LowerTarget{abi, {}}, fs);
  EXPECT_TRUE(r.plan);
  return r.plan ? *r.plan : Plan{};
}

const SeccompRule* find_rule(const SeccompPlan& p, std::string_view name) {
  for (const SeccompRule& r : p.rules)
    if (r.syscall == name) return &r;
  return nullptr;
}

TEST(LowerSeccomp, DefaultDenySetIncludesTheDangerousSyscalls) {
  const PolicyGraph g = default_deny_graph();
  for (const char* name : {"mount", "umount2", "pivot_root", "chroot", "fsopen", "fsmount", "move_mount", "open_tree",
                           "mount_setattr", "swapon", "swapoff", "reboot", "sethostname", "setdomainname",
                           "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "unshare",
                           "setns", "perf_event_open", "bpf", "userfaultfd", "keyctl", "add_key", "request_key",
                           "ptrace", "process_vm_readv", "process_vm_writev", "open_by_handle_at",
                           "name_to_handle_at", "ioperm", "iopl", "quotactl", "acct", "lookup_dcookie",
                           "io_uring_setup", "io_uring_enter", "io_uring_register", "clone:newns", "clone3:enosys",
                           "ioctl:tiocsti", "ioctl:tioclinux", "socket:raw", "personality:unsafe"})
    EXPECT_TRUE(g.syscall_deny.count(name)) << name;
}

TEST(LowerSeccomp, DefaultPlanBuildsAndThePfcNamesTheDeniedSyscalls) {
  const Plan plan = lower_ok(default_deny_graph());
  std::string error;
  EXPECT_TRUE(build_seccomp(plan.seccomp, error)) << error;
  const std::string pfc = seccomp_pfc_text(plan.seccomp, error);
  ASSERT_TRUE(error.empty()) << error;
  for (const char* name : {"\"mount\"", "\"ptrace\"", "\"kexec_load\"", "\"bpf\"", "\"io_uring_setup\"",
                           "\"personality\"", "\"clone\"", "\"clone3\"", "\"ioctl\"", "\"socket\""})
    EXPECT_NE(pfc.find(name), std::string::npos) << name;
  EXPECT_NE(pfc.find("action ERRNO(38);"), std::string::npos);  // clone3 → ENOSYS
  // Only x86_64 is in the filter; everything else (i386, x32) is killed.
  EXPECT_NE(pfc.find("# filter for arch x86_64"), std::string::npos);
  EXPECT_EQ(pfc.find("# filter for arch x86 "), std::string::npos);
  EXPECT_EQ(pfc.find("# filter for arch x32"), std::string::npos);
  EXPECT_NE(pfc.find("# invalid architecture action\naction KILL_PROCESS;"), std::string::npos);

  const std::string bpf = seccomp_bpf_bytes(plan.seccomp, error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(bpf.size() % 8, 0u);  // struct sock_filter
  const std::size_t instructions = bpf.size() / 8;
  std::printf("default seccomp filter: %zu rules, %zu BPF instructions\n", plan.seccomp.rules.size(), instructions);
  EXPECT_GT(instructions, 50u);
  EXPECT_LT(instructions, 4096u);  // the kernel's BPF_MAXINSNS
  EXPECT_EQ(seccomp_bpf_bytes(plan.seccomp, error), bpf);  // deterministic

  // The PFC does not show it, so read the BPF: a foreign arch, and x32 (x86_64's arch
  // value with syscall numbers >= 0x40000000), both end in RET KILL_PROCESS.
  std::vector<sock_filter> prog(instructions);
  std::memcpy(prog.data(), bpf.data(), bpf.size());
  const auto jump = [&](std::size_t i, bool taken) { return i + 1 + (taken ? prog[i].jt : prog[i].jf); };
  const auto is_kill = [&](std::size_t i) {
    return prog.at(i).code == (BPF_RET | BPF_K) && prog[i].k == SECCOMP_RET_KILL_PROCESS;
  };
  ASSERT_EQ(prog[1].code, BPF_JMP | BPF_JEQ | BPF_K);
  EXPECT_EQ(prog[1].k, AUDIT_ARCH_X86_64);
  EXPECT_TRUE(is_kill(jump(1, false)));
  ASSERT_EQ(prog[3].code, BPF_JMP | BPF_JGE | BPF_K);
  EXPECT_EQ(prog[3].k, 0x40000000u);  // __X32_SYSCALL_BIT
  const std::size_t x32 = jump(3, true);  // only nr == -1 (a skipped syscall) gets past
  ASSERT_EQ(prog.at(x32).code, BPF_JMP | BPF_JEQ | BPF_K);
  EXPECT_EQ(prog[x32].k, 0xffffffffu);
  EXPECT_TRUE(is_kill(jump(x32, false)));
}

// Every protocol, host and port allowed: no supervisor, only the deny list (and whatever
// socket-kind filter the network lowering always adds, which these tests leave aside).
void open_network(PolicyGraph& g) {
  g.net_mode = NetMode::Allow;
  g.net_allow = {testing::dest(kProtoTcp | kProtoUdp | kProtoIcmp, {})};  // ICMP ignores ports
  g.bind = {{0, 65535}};
}

std::vector<SeccompRule> without_socket_rules(const SeccompPlan& p) {
  std::vector<SeccompRule> out;
  std::copy_if(p.rules.begin(), p.rules.end(), std::back_inserter(out),
               [](const SeccompRule& r) { return r.syscall != "socket"; });
  return out;
}

TEST(LowerSeccomp, NamesUnknownOnThisArchitectureAreSkippedWithANote) {
  PolicyGraph g;
  open_network(g);
  g.syscall_deny["stime"];            // i386 only
  g.syscall_deny["no_such_syscall"];  // nowhere
  g.syscall_deny["mount"];
  const Plan plan = lower_ok(g);
  EXPECT_FALSE(plan.needs_supervisor);
  ASSERT_EQ(without_socket_rules(plan.seccomp).size(), 3u);
  EXPECT_EQ(find_rule(plan.seccomp, "stime")->why, "@clock (not a syscall on this architecture: skipped)");
  EXPECT_EQ(find_rule(plan.seccomp, "no_such_syscall")->why,
            "no_such_syscall (not a syscall on this architecture: skipped)");
  EXPECT_EQ(find_rule(plan.seccomp, "mount")->why, "@mount");
  std::string error;
  EXPECT_TRUE(build_seccomp(plan.seccomp, error)) << error;
  const std::string pfc = seccomp_pfc_text(plan.seccomp, error);
  EXPECT_EQ(pfc.find("stime"), std::string::npos);
}

TEST(LowerSeccomp, WhyNamesTheGroupAndWhereTheProfileAskedForIt) {
  PolicyGraph g;
  open_network(g);
  g.syscall_deny["ptrace"] = Provenance{Location{"web.yaml", 12, 5}, {}};
  const Plan plan = lower_ok(g);
  const SeccompRule* ptrace = find_rule(plan.seccomp, "ptrace");
  ASSERT_TRUE(ptrace);
  EXPECT_EQ(ptrace->why, "@debug (web.yaml:12:5)");
  EXPECT_EQ(ptrace->action, SeccompRule::Action::Errno);
  EXPECT_EQ(ptrace->errno_value, EPERM);
}

TEST(LowerSeccomp, UnknownArgumentFilterFailsClosed) {
  PolicyGraph g;
  g.syscall_deny["clone:everything"] = Provenance{Location{"p.yaml", 3, 1}, {}};
  testing::FakeFsView fs{};
  const LowerResult r = lower(g, LowerTarget{7, {}}, fs);
  EXPECT_FALSE(r.plan);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "lower.unknown-syscall-filter");
}

TEST(LowerSeccomp, EveryGroupFilterEntryIsKnown) {
  for (const SyscallGroup& group : all_syscall_groups())
    for (std::string_view name : group.syscalls)
      if (name.find(':') != std::string_view::npos) {
        EXPECT_TRUE(argument_filter_rules(name)) << name;
      }
}

TEST(LowerSeccomp, CloneWithANewNamespaceFlagIsRefused) {
  const auto rules = *argument_filter_rules("clone:newns");
  EXPECT_EQ(rules.size(), 7u);
  constexpr std::uint64_t kThreadFlags = 0x3d0f00;  // what pthread_create passes
  EXPECT_FALSE(refused(rules, {kThreadFlags | 17}));
  EXPECT_FALSE(refused(rules, {17}));  // fork: SIGCHLD
  for (std::uint64_t f : {0x20000ULL, 0x2000000ULL, 0x4000000ULL, 0x8000000ULL, 0x10000000ULL, 0x20000000ULL, 0x40000000ULL})
    EXPECT_TRUE(refused(rules, {f | 17})) << std::hex << f;
}

TEST(LowerSeccomp, TerminalInjectionIoctlsAreRefusedByTheirLow32Bits) {
  const auto sti = *argument_filter_rules("ioctl:tiocsti");
  const auto linux_ = *argument_filter_rules("ioctl:tioclinux");
  EXPECT_TRUE(refused(sti, {0, 0x5412}));
  EXPECT_TRUE(refused(sti, {0, 0xdead00005412}));  // the kernel reads an unsigned int
  EXPECT_FALSE(refused(sti, {0, 0x5413}));
  EXPECT_TRUE(refused(linux_, {0, 0x541c}));
  EXPECT_FALSE(refused(linux_, {0, 0x5412}));
}

TEST(LowerSeccomp, RawAndPacketSocketsAreRefused) {
  const auto rules = *argument_filter_rules("socket:raw");
  EXPECT_TRUE(refused(rules, {2 /*AF_INET*/, 3 /*SOCK_RAW*/}));
  EXPECT_TRUE(refused(rules, {10 /*AF_INET6*/, 3 | 0x80000 /*SOCK_CLOEXEC*/}));
  EXPECT_TRUE(refused(rules, {17 /*AF_PACKET*/, 2}));
  EXPECT_TRUE(refused(rules, {0x100000011 /*AF_PACKET, as the kernel reads it*/, 2}));
  EXPECT_FALSE(refused(rules, {2, 1 | 0x800 /*SOCK_STREAM|SOCK_NONBLOCK*/}));
  EXPECT_FALSE(refused(rules, {1 /*AF_UNIX*/, 2}));
  // Netlink's SOCK_RAW is its ordinary socket (getifaddrs); its high bits set, the family
  // is not taken for netlink.
  EXPECT_FALSE(refused(rules, {16 /*AF_NETLINK*/, 3 | 0x80000}));
  EXPECT_TRUE(refused(rules, {0x100000010, 3}));
  EXPECT_TRUE(refused(rules, {29 /*AF_CAN*/, 3}));
}

// An explicit re-allow of io_uring beside network rules seccomp or the supervisor keeps is
// an error at the re-allow's line; with every destination allowed it is not.
TEST(LowerSeccomp, IoUringReallowedBesideNetworkRulesIsAnError) {
  PolicyGraph g = default_deny_graph();
  g.syscall_deny.erase("io_uring_enter");
  g.syscall_allow["io_uring_enter"] = Provenance{{"p.yaml", 4, 20}, {}};
  testing::FakeFsView fs{};
  const LowerResult none = lower(g, LowerTarget{7, {}}, fs);
  EXPECT_FALSE(none.plan);
  ASSERT_FALSE(none.diagnostics.empty());
  EXPECT_EQ(none.diagnostics.back().code, "lower.io-uring-bypasses-network");
  EXPECT_EQ(none.diagnostics.back().where.line, 4);
  g.net_mode = NetMode::Allow;
  for (unsigned proto : {kProtoTcp, kProtoUdp, kProtoIcmp}) g.net_allow.push_back(testing::dest(proto, {}));
  EXPECT_TRUE(lower(g, LowerTarget{7, {}}, fs).plan);
}

// Under the supervisor: the options that set a source route, by their low 32 bits (level
// and name are ints); other IP options are not.
TEST(LowerSeccomp, SourceRouteOptionsAreRefused) {
  const auto rules = *argument_filter_rules(kSourceRouteFilter);
  EXPECT_TRUE(refused(rules, {3, 0 /*IPPROTO_IP*/, 4 /*IP_OPTIONS*/}));
  EXPECT_TRUE(refused(rules, {3, 0x100000000, 0x700000004}));
  EXPECT_TRUE(refused(rules, {3, 41 /*IPPROTO_IPV6*/, 57 /*IPV6_RTHDR*/}));
  EXPECT_TRUE(refused(rules, {3, 41, 5 /*IPV6_2292RTHDR*/}));
  EXPECT_TRUE(refused(rules, {3, 41, 6 /*IPV6_2292PKTOPTIONS*/}));
  EXPECT_FALSE(refused(rules, {3, 0, 1 /*IP_TOS*/}));
  EXPECT_FALSE(refused(rules, {3, 41, 67 /*IPV6_TCLASS*/}));
  EXPECT_FALSE(refused(rules, {3, 1 /*SOL_SOCKET*/, 4}));
}

// The kernel reads socket()'s int arguments as their low 32 bits; each family and
// protocol rule must too, or high bits slip an AF_INET datagram socket past it.
TEST(LowerSeccomp, SocketRulesCompareTheLow32BitsOfIntArguments) {
  for (std::string_view filter : {kInetNonTcpFilter, kInetStreamOrDgramFilter, kInetSocketsFilter}) {
    const auto rules = *argument_filter_rules(filter);
    EXPECT_EQ(refused(rules, {2, 3, 0}), refused(rules, {0x100000002, 3, 0})) << filter;
    EXPECT_EQ(refused(rules, {10, 1, 132}), refused(rules, {0xffffffff0000000aULL, 1, 0x7700000084ULL})) << filter;
    EXPECT_TRUE(refused(rules, {0x100000002, 3, 0})) << filter;  // SOCK_RAW: refused by all three
  }
  EXPECT_TRUE(refused(*argument_filter_rules(kInetNonTcpFilter), {0x100000002, 2 /*SOCK_DGRAM*/, 0}));
}

std::vector<SeccompRule> rules_for(const std::vector<SeccompRule>& rules, std::string_view syscall) {
  std::vector<SeccompRule> out;
  for (const SeccompRule& r : rules)
    if (r.syscall == syscall) out.push_back(r);
  return out;
}

TEST(LowerSeccomp, SocketFamiliesOtherThanUnixInetAndNetlinkAreRefusedAsUnsupported) {
  const auto all = *argument_filter_rules("socket:other-families");
  for (const SeccompRule& r : all) {
    EXPECT_EQ(r.errno_value, EAFNOSUPPORT);
    ASSERT_EQ(r.args.size(), 1u);  // libseccomp 2.5: one comparison per argument
  }
  const auto rules = rules_for(all, "socket");
  const auto pairs = rules_for(all, "socketpair");
  ASSERT_EQ(rules.size() + pairs.size(), all.size());
  for (std::uint64_t family : {0ULL, 2ULL, 10ULL, 16ULL, 30ULL /*AF_TIPC*/, 0x100000001ULL})
    EXPECT_TRUE(refused(pairs, {family, 5})) << std::hex << family;
  EXPECT_FALSE(refused(pairs, {1 /*AF_UNIX*/, 5}));
  for (std::uint64_t family = 0; family < 64; ++family) {
    const bool kept = family == 1 || family == 2 || family == 10 || family == 16;
    EXPECT_EQ(refused(rules, {family, 1, 0}), !kept) << family;
  }
  for (std::uint64_t high : {0x100000000ULL, 0xffffffff00000000ULL, 0x8000000000000000ULL})
    for (std::uint64_t family : {1, 2, 10, 16, 40, 43})
      EXPECT_TRUE(refused(rules, {high | family, 1, 0})) << std::hex << (high | family);
  EXPECT_TRUE(rc::check("a value is kept only if it is exactly 1, 2, 10 or 16", [&](std::uint64_t v) {
    RC_ASSERT(refused(rules, {v, 1, 0}) == !(v == 1 || v == 2 || v == 10 || v == 16));
  }));
}

// setsockopt(fd, SOL_TCP, TCP_ULP, ...): both ints, compared on their low 32 bits; other
// TCP options and TCP_ULP's number at another level are left alone.
TEST(LowerSeccomp, TcpUpperLayerProtocolsAreRefusedAndNoOtherOption) {
  const auto rules = *argument_filter_rules(kTcpUlpFilter);
  for (const SeccompRule& r : rules) EXPECT_EQ(r.syscall, "setsockopt");
  EXPECT_TRUE(refused(rules, {3, 6, 31}));
  EXPECT_TRUE(refused(rules, {3, 0x100000006, 0xffffffff0000001fULL}));
  EXPECT_FALSE(refused(rules, {3, 6, 1}));   // TCP_NODELAY
  EXPECT_FALSE(refused(rules, {3, 1, 31}));  // SOL_SOCKET, 31 (SO_PASSSEC)
  EXPECT_FALSE(refused(rules, {3, 0, 31}));
}

TEST(LowerSeccomp, InetNonTcpSocketsAreRefusedButTcpAndUnixAreNot) {
  const auto rules = *argument_filter_rules(kInetNonTcpFilter);
  EXPECT_FALSE(refused(rules, {2, 1, 0}));
  EXPECT_FALSE(refused(rules, {10, 1 | 0x80000, 6 /*IPPROTO_TCP*/}));
  EXPECT_FALSE(refused(rules, {1, 2, 0}));  // AF_UNIX datagrams
  for (std::uint64_t type = 0; type < 16; ++type)
    if (type != 1) {
      EXPECT_TRUE(refused(rules, {2, type, 0})) << type;
    }
  EXPECT_TRUE(refused(rules, {10, 2 | 0x800, 17 /*IPPROTO_UDP*/}));
  EXPECT_TRUE(refused(rules, {2, 1, 132 /*IPPROTO_SCTP*/}));
}

TEST(LowerSeccomp, PersonalityAllowsOnlyTheHarmlessValues) {
  const auto rules = *argument_filter_rules("personality:unsafe");
  std::printf("personality:unsafe is %zu single-comparison rules\n", rules.size());
  for (const SeccompRule& r : rules) ASSERT_EQ(r.args.size(), 1u);  // libseccomp 2.5: one comparison per argument
  for (std::uint64_t ok : {0x0ULL, 0x8ULL, 0x20000ULL, 0x20008ULL, 0xffffffffULL, 0x100000000ULL})
    EXPECT_FALSE(refused(rules, {ok})) << std::hex << ok;
  for (std::uint64_t bad : {0x1ULL, 0x40000ULL /*ADDR_NO_RANDOMIZE*/, 0x400000ULL /*READ_IMPLIES_EXEC*/, 0x40008ULL,
                            0xfffffffeULL, 0x7fffffffULL, 0x80000000ULL, 0xfffdfff7ULL})
    EXPECT_TRUE(refused(rules, {bad})) << std::hex << bad;
  EXPECT_TRUE(rc::check("refused ⇔ the low 32 bits are not a harmless value", [&](std::uint32_t v) {
    const bool harmless = (v & ~0x20008u) == 0 || v == 0xffffffffu;
    RC_ASSERT(refused(rules, {v}) == !harmless);
  }));
}

TEST(LowerSeccomp, SupervisorAddsNotifyRulesExceptWhereTheProfileRefusesOutright) {
  PolicyGraph g;
  g.net_mode = NetMode::DenyList;
  g.syscall_deny["connect"];
  const Plan plan = lower_ok(g);
  ASSERT_TRUE(plan.needs_supervisor);
  std::vector<std::pair<std::string, SeccompRule::Action>> got;
  for (const SeccompRule& r : without_socket_rules(plan.seccomp)) got.emplace_back(r.syscall, r.action);
  using A = SeccompRule::Action;
  EXPECT_EQ(got, (std::vector<std::pair<std::string, A>>{{"connect", A::Errno},
                                                         {"sendmmsg", A::Notify},
                                                         {"sendmsg", A::Notify},
                                                         {"sendto", A::Notify},
                                                         // the source-route options
                                                         {"setsockopt", A::Errno},
                                                         {"setsockopt", A::Errno},
                                                         {"setsockopt", A::Errno},
                                                         {"setsockopt", A::Errno}}));
  std::string error;
  EXPECT_TRUE(build_seccomp(plan.seccomp, error)) << error;
}

TEST(LowerSeccomp, NoNetworkRefusesNonTcpInetSockets) {
  const Plan plan = lower_ok(PolicyGraph{});
  EXPECT_FALSE(plan.needs_supervisor);
  // 2 families × (4 kinds + 3 protocols), and TCP Fast Open in each of the 3 send calls.
  ASSERT_EQ(plan.seccomp.rules.size(), 17u);
  for (const SeccompRule& r : plan.seccomp.rules)
    EXPECT_TRUE(r.syscall == "socket" || (r.syscall.starts_with("send") && r.errno_value == EOPNOTSUPP)) << r.syscall;
  std::string error;
  EXPECT_TRUE(build_seccomp(plan.seccomp, error)) << error;
}

TEST(LowerSeccomp, RefusedOutrightDropsTheArgumentFilters) {
  PolicyGraph g;
  g.syscall_deny["clone3"];
  g.syscall_deny["clone3:enosys"];
  g.syscall_deny["ioctl:tiocsti"];
  g.net_mode = NetMode::DenyList;
  const Plan plan = lower_ok(g);
  const SeccompRule* clone3 = find_rule(plan.seccomp, "clone3");
  ASSERT_TRUE(clone3);
  EXPECT_EQ(clone3->errno_value, EPERM);
  EXPECT_EQ(std::count_if(plan.seccomp.rules.begin(), plan.seccomp.rules.end(),
                          [](const SeccompRule& r) { return r.syscall == "clone3"; }),
            1);
  std::string error;
  EXPECT_TRUE(build_seccomp(plan.seccomp, error)) << error;
}

}  // namespace
}  // namespace sandlock
