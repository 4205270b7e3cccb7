// The contract of rule 2 (and rule 4's exception), checked over random graphs × every
// ABI × every protection state, plus the safety of deny carve-outs: no path ever gets
// more access from the rules than the graph grants it, and denied paths get none.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "engine/lower/emit.h"
#include "engine/lower/net_rules.h"
#include "tests/lower/fake_fs_view.h"
#include "tests/lower/graph_builder.h"

namespace sandlock {
namespace {

using testing::FakeFsView;
using uapi::kNetBindTcp;
using uapi::kNetConnectTcp;

FakeFsView property_tree() {
  return FakeFsView{"/bin/sh", "/etc/hosts", "/etc/passwd", "/etc/shadow", "/etc/ssl/certs/ca.pem",
                    "/etc/ssl/private/key.pem", "/home/u/notes.txt", "/usr/lib/libc.so", "/usr/bin/env", "/tmp/", "/etc/localtime@"};
}

rc::Gen<std::vector<PortRange>> gen_ports() {
  return rc::gen::oneOf(rc::gen::just(std::vector<PortRange>{}),
                        rc::gen::just(std::vector<PortRange>{{0, 65535}}),
                        rc::gen::map(rc::gen::pair(rc::gen::inRange<std::uint16_t>(0, 100), rc::gen::inRange<std::uint16_t>(0, 4)),
                                     [](std::pair<std::uint16_t, std::uint16_t> p) {
                                       return std::vector<PortRange>{{p.first, static_cast<std::uint16_t>(p.first + p.second)}};
                                     }));
}

NetDest gen_dest() {
  NetDest d = testing::dest(*rc::gen::inRange(1u, 8u), *gen_ports(), *rc::gen::element(std::string{}, std::string{"example.com"}));
  if (d.protos == kProtoIcmp) d.ports.clear();
  return d;
}

PolicyGraph gen_graph(const std::vector<std::string>& paths) {
  PolicyGraph g;
  const auto grants = *rc::gen::inRange(0, 7);
  for (int i = 0; i < grants; ++i)
    testing::grant(g, *rc::gen::elementOf(paths), *rc::gen::inRange<std::uint64_t>(1, 0x10000));
  const auto denies = *rc::gen::inRange(0, 3);
  for (int i = 0; i < denies; ++i) testing::deny(g, *rc::gen::elementOf(paths));
  g.net_mode = *rc::gen::element(NetMode::None, NetMode::Allow, NetMode::DenyList);
  const auto dests = *rc::gen::inRange(0, 4);
  for (int i = 0; i < dests; ++i) (g.net_mode == NetMode::DenyList ? g.net_deny : g.net_allow).push_back(gen_dest());
  const auto bind = *gen_ports();
  if (!bind.empty() || *rc::gen::arbitrary<bool>()) g.bind = bind;
  // Strict less often, so that most cases get a plan to check at low ABIs too.
  for (ResolvedProtection& p : g.protections)
    p.state = *rc::gen::weightedElement<ProtectionState>(
        {{1, ProtectionState::Strict}, {3, ProtectionState::Degradable}, {2, ProtectionState::Disabled}});
  return g;
}

bool is_ancestor_or_self(const std::string& a, const std::string& p) {
  return a == p || a == "/" || (p.size() > a.size() && p.compare(0, a.size(), a) == 0 && p[a.size()] == '/');
}

// What the graph means at `path` (Landlock accumulation, deny wins), within `handled`.
std::uint64_t graph_access(const PolicyGraph& g, const std::string& path, std::uint64_t handled) {
  std::uint64_t acc = 0;
  const FsNode* node = &g.fs;
  std::string at = "/";
  std::istringstream parts(path);
  for (std::string part;;) {
    if (node->deny) return 0;
    acc |= node->access;
    if (!std::getline(parts, part, '/')) break;
    if (part.empty()) continue;
    const auto it = node->children.find(part);
    if (it == node->children.end()) break;
    node = &it->second;
  }
  return acc & handled;
}

// Returns the first broken clause, as written, or nullopt when the plan keeps the contract.
#define CONTRACT(cond) \
  if (!(cond)) return std::string(#cond)

std::optional<std::string> broken_clause(const PolicyGraph& g, const LowerTarget& t, const Plan& plan, FakeFsView& fs) {
  const LandlockAbiFacts& facts = landlock_abi_facts(t.abi);
  const LandlockPlan& ll = plan.landlock;
  CONTRACT((ll.handled_access_fs & ~facts.fs) == 0u);
  CONTRACT((ll.handled_access_net & ~facts.net) == 0u);
  CONTRACT((ll.scoped & ~facts.scoped) == 0u);

  std::uint64_t protection_fs = 0;
  for (const ProtectionFacts& p : all_protections()) {
    protection_fs |= p.fs;
    const ProtectionStatus s = ll.protections[static_cast<std::size_t>(p.id)];
    if (s != ProtectionStatus::Active) {  // never a bit of a degraded/disabled protection
      CONTRACT((ll.handled_access_fs & p.fs) == 0u);
      CONTRACT((ll.handled_access_net & p.net) == 0u);
      CONTRACT((ll.scoped & p.scoped) == 0u);
      for (const LandlockPathRule& r : ll.path_rules) CONTRACT((r.allowed_access & p.fs) == 0u);
      for (const LandlockNetRule& r : ll.net_rules) CONTRACT((r.allowed_access & p.net) == 0u);
      continue;
    }
    CONTRACT((ll.handled_access_fs & p.fs) == p.fs);  // every Active protection's bits are handled
    CONTRACT((ll.scoped & p.scoped) == p.scoped);
    if (p.id == Protection::NetTcp) {  // except TCP rights whose policy allows every port (rule 4)
      const bool connect_all =
          g.net_mode == NetMode::DenyList ||
          (g.net_mode == NetMode::Allow &&
           std::any_of(g.net_allow.begin(), g.net_allow.end(), [](const NetDest& d) {
             return (d.protos & kProtoTcp) && (d.ports.empty() || covers_all_ports(d.ports));
           }));
      CONTRACT(((ll.handled_access_net & kNetConnectTcp) == 0) == connect_all);
      CONTRACT(((ll.handled_access_net & kNetBindTcp) == 0) == covers_all_ports(g.bind));
    }
  }
  CONTRACT((ll.handled_access_fs & (facts.fs & ~protection_fs)) == (facts.fs & ~protection_fs));

  for (std::size_t i = 0; i < ll.path_rules.size(); ++i) {
    const LandlockPathRule& r = ll.path_rules[i];
    CONTRACT(r.allowed_access != 0u);
    CONTRACT((r.allowed_access & ~ll.handled_access_fs) == 0u);
    CONTRACT(r.directory == fs.is_directory(r.path));
    if (!r.directory) CONTRACT((r.allowed_access & ~kFsFileRights) == 0u);
    if (i > 0) CONTRACT(ll.path_rules[i - 1].path < r.path);  // sorted, merged
  }
  for (std::size_t i = 0; i < ll.net_rules.size(); ++i) {
    const LandlockNetRule& r = ll.net_rules[i];
    CONTRACT(r.port != 0);
    CONTRACT(r.allowed_access != 0u);
    CONTRACT((r.allowed_access & ~ll.handled_access_net) == 0u);
    if (i > 0) CONTRACT(ll.net_rules[i - 1].port < r.port);
  }

  // Carve-outs never widen: what the kernel would grant ⊆ what the graph grants.
  for (const std::string& path : fs.all_paths()) {
    const std::uint64_t relevant = fs.is_directory(path) ? ~0ULL : kFsFileRights;
    std::uint64_t effective = 0;
    for (const LandlockPathRule& r : ll.path_rules)
      if (is_ancestor_or_self(r.path, path)) effective |= r.allowed_access;
    const std::uint64_t meant = graph_access(g, path, ll.handled_access_fs);
    CONTRACT((effective & relevant & ~meant) == 0u);
  }
  return std::nullopt;
}

TEST(LowerProperty, RandomGraphsEveryAbiEveryStateKeepTheContract) {
  const auto result = rc::check("lower keeps rule 2's contract", [] {
    FakeFsView fs = property_tree();
    std::vector<std::string> paths = fs.all_paths();
    paths.push_back("/missing");
    paths.push_back("/etc/missing");
    const PolicyGraph g = gen_graph(paths);
    LowerTarget t{*rc::gen::inRange(kMinLandlockAbi, kMaxLandlockAbi + 1), {}};
    if (*rc::gen::arbitrary<bool>())
      t.overrides[*rc::gen::inRange<std::size_t>(0, kProtectionCount)] =
          *rc::gen::element(ProtectionState::Strict, ProtectionState::Degradable, ProtectionState::Disabled);

    const LowerResult r = lower(g, t, fs);
    std::size_t unavailable = 0;
    for (const ProtectionFacts& p : all_protections()) {
      const auto i = static_cast<std::size_t>(p.id);
      unavailable += t.overrides[i].value_or(g.protections[i].state) == ProtectionState::Strict && t.abi < p.min_abi;
    }
    // A grant through a symbolic link (/etc/localtime) inside a directory where the sandbox may
    // make links, and a deny of one under a grant, are errors of their own (fs_rules.cpp).
    std::size_t errors = 0, through_links = 0;
    for (const Diagnostic& d : r.diagnostics) {
      const bool link = d.code == "lower.grant-through-link" || d.code == "lower.deny-through-link";
      through_links += link;
      errors += d.severity == Severity::Error && !link;
    }
    RC_ASSERT(errors == unavailable);
    RC_ASSERT(r.plan.has_value() == (unavailable == 0 && through_links == 0));
    RC_TAG(r.plan ? "plan" : "no plan");
    if (!r.plan) return;
    if (const auto broken = broken_clause(g, t, *r.plan, fs)) RC_FAIL(*broken);
    RC_ASSERT(landlock_plan_json(*lower(g, t, fs).plan) == landlock_plan_json(*r.plan));  // deterministic
  });
  EXPECT_TRUE(result);
}

// The same property with every state combination enumerated (3^6) at every ABI, on one graph.
TEST(LowerProperty, EveryStateCombinationAtEveryAbi) {
  FakeFsView fs = property_tree();
  PolicyGraph g;
  testing::grant(g, "/", testing::kRead);
  testing::grant(g, "/etc", fs_write_access() | uapi::kFsIoctlDev);
  testing::deny(g, "/etc/shadow");
  g.net_mode = NetMode::Allow;
  g.net_allow = {testing::dest(kProtoTcp, {{443, 443}})};
  g.bind = {{8080, 8080}};
  std::size_t plans = 0;
  for (int combo = 0; combo < 729; ++combo) {
    for (std::size_t i = 0, c = combo; i < kProtectionCount; ++i, c /= 3)
      g.protections[i].state = static_cast<ProtectionState>(c % 3);
    for (int abi = kMinLandlockAbi; abi <= kMaxLandlockAbi; ++abi) {
      const LowerResult r = lower(g, LowerTarget{abi, {}}, fs);
      if (!r.plan) continue;
      ++plans;
      const auto broken = broken_clause(g, LowerTarget{abi, {}}, *r.plan, fs);
      ASSERT_FALSE(broken) << *broken << " (combo " << combo << ", abi " << abi << ")";
    }
  }
  EXPECT_EQ(plans, 3031u);  // Σ over ABIs of ∏ protections (3 states if available, else 2)
}

}  // namespace
}  // namespace sandlock
