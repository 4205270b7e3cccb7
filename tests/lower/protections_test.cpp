// Step 1 and 2: protection states against each ABI, and the exact masks that follow.
#include <gtest/gtest.h>

#include "engine/lower/plan.h"
#include "tests/lower/fake_fs_view.h"
#include "tests/lower/graph_builder.h"

namespace sandlock {
namespace {

using testing::FakeFsView;

struct Cell {
  int abi;
  ProtectionState state;
  std::optional<std::uint64_t> fs;  // nullopt: no plan (a strict protection is unavailable)
  std::uint64_t net;
  std::uint64_t scoped;
  std::size_t errors;  // unavailable strict protections
};

constexpr auto S = ProtectionState::Strict;
constexpr auto G = ProtectionState::Degradable;
constexpr auto D = ProtectionState::Disabled;

// Every protection in the same state; no network at all, no bind (both TCP rights handled).
const Cell kCells[] = {
    {1, S, std::nullopt, 0, 0, 6}, {2, S, std::nullopt, 0, 0, 5}, {3, S, std::nullopt, 0, 0, 4},
    {4, S, std::nullopt, 0, 0, 3}, {5, S, std::nullopt, 0, 0, 2}, {6, S, 0xffff, 3, 3, 0},
    {7, S, 0xffff, 3, 3, 0},       {8, S, 0xffff, 3, 3, 0},

    {1, G, 0x1fff, 0, 0, 0},       {2, G, 0x3fff, 0, 0, 0},       {3, G, 0x7fff, 0, 0, 0},
    {4, G, 0x7fff, 3, 0, 0},       {5, G, 0xffff, 3, 0, 0},       {6, G, 0xffff, 3, 3, 0},
    {7, G, 0xffff, 3, 3, 0},       {8, G, 0xffff, 3, 3, 0},

    // Disabled: refer, truncate and ioctl_dev never handled; no net, no scopes.
    {1, D, 0x1fff, 0, 0, 0},       {2, D, 0x1fff, 0, 0, 0},       {3, D, 0x1fff, 0, 0, 0},
    {4, D, 0x1fff, 0, 0, 0},       {5, D, 0x1fff, 0, 0, 0},       {6, D, 0x1fff, 0, 0, 0},
    {7, D, 0x1fff, 0, 0, 0},       {8, D, 0x1fff, 0, 0, 0},
};

TEST(LowerProtections, EveryAbiAndStateCellHasExactMasks) {
  FakeFsView fs{};
  for (const Cell& c : kCells) {
    SCOPED_TRACE("abi " + std::to_string(c.abi) + " state " + std::string(protection_state_name(c.state)));
    PolicyGraph g;
    testing::set_all_protections(g, c.state);
    const LowerResult r = lower(g, LowerTarget{c.abi, {}}, fs);
    std::size_t errors = 0;
    for (const Diagnostic& d : r.diagnostics) errors += d.severity == Severity::Error;
    EXPECT_EQ(errors, c.errors);
    ASSERT_EQ(r.plan.has_value(), c.fs.has_value());
    if (!r.plan) continue;
    const LandlockPlan& ll = r.plan->landlock;
    EXPECT_EQ(ll.abi, c.abi);
    EXPECT_EQ(ll.handled_access_fs, *c.fs);
    EXPECT_EQ(ll.handled_access_net, c.net);
    EXPECT_EQ(ll.scoped, c.scoped);
    EXPECT_EQ(ll.restrict_flags, 0u);
    for (const ProtectionFacts& p : all_protections()) {
      const ProtectionStatus status = ll.protections[static_cast<std::size_t>(p.id)];
      const ProtectionStatus expected = c.state == D               ? ProtectionStatus::Disabled
                                        : c.abi >= p.min_abi       ? ProtectionStatus::Active
                                        : c.state == G             ? ProtectionStatus::Degraded
                                                                   : ProtectionStatus::Unavailable;
      EXPECT_EQ(status, expected) << p.name;
    }
  }
}

TEST(LowerProtections, AllUnavailableStrictProtectionsAreReportedTogether) {
  FakeFsView fs{};
  PolicyGraph g;
  testing::set_protection(g, Protection::SignalScope, S, 7);
  testing::set_protection(g, Protection::AbstractUnixSocketScope, S, 8);
  const LowerResult r = lower(g, LowerTarget{5, {}}, fs);
  EXPECT_FALSE(r.plan);
  ASSERT_EQ(r.diagnostics.size(), 2u);
  const Diagnostic& signal = r.diagnostics[0];
  EXPECT_EQ(signal.severity, Severity::Error);
  EXPECT_EQ(signal.code, "protection.unavailable");
  EXPECT_EQ(signal.message, "protection signal-scope is strict but the target Landlock ABI is 5 (needs 6)");
  EXPECT_EQ(signal.hint, "set it to 'degradable' to run without it where the kernel lacks it, or 'disabled'");
  EXPECT_EQ(signal.where, (Location{"test.yaml", 7, 5}));
  EXPECT_EQ(signal.key_path, "protections.signal-scope");
  EXPECT_EQ(r.diagnostics[1].message,
            "protection abstract-unix-socket-scope is strict but the target Landlock ABI is 5 (needs 6)");
  EXPECT_EQ(r.diagnostics[1].where.line, 8);
}

TEST(LowerProtections, DegradedTruncateIsAbsentFromMasksAndRules) {
  FakeFsView fs{"/work/"};
  PolicyGraph g;
  testing::set_all_protections(g, G);
  testing::set_protection(g, Protection::FsTruncate, G, 4);
  testing::grant(g, "/work", fs_write_access());
  const LowerResult r = lower(g, LowerTarget{2, {}}, fs);
  ASSERT_TRUE(r.plan);
  const LandlockPlan& ll = r.plan->landlock;
  EXPECT_EQ(ll.protections[static_cast<std::size_t>(Protection::FsTruncate)], ProtectionStatus::Degraded);
  EXPECT_EQ(ll.handled_access_fs, 0x3fffu);
  ASSERT_EQ(ll.path_rules.size(), 1u);
  EXPECT_EQ(ll.path_rules[0].allowed_access, fs_write_access() & ~uapi::kFsTruncate);
  EXPECT_EQ(ll.path_rules[0].allowed_access & uapi::kFsTruncate, 0u);

  const auto warning = std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                                    [](const Diagnostic& d) { return d.key_path == "protections.fs-truncate"; });
  ASSERT_NE(warning, r.diagnostics.end());
  EXPECT_EQ(warning->severity, Severity::Warning);
  EXPECT_EQ(warning->code, "protection.degraded");
  EXPECT_EQ(warning->message,
            "protection fs-truncate is degraded: the target Landlock ABI is 2 (needs 3); without it the sandbox can "
            "truncate any file by its path, even one outside every grant or denied (truncate(2) checks no other right)");
}

TEST(LowerProtections, DisabledProtectionBitsLeaveEvenAKernelThatKnowsThem) {
  FakeFsView fs{"/work/"};
  PolicyGraph g;
  testing::set_protection(g, Protection::FsTruncate, D);
  testing::set_protection(g, Protection::SignalScope, D);
  testing::grant(g, "/work", fs_write_access());
  const LowerResult r = lower(g, LowerTarget{7, {}}, fs);
  ASSERT_TRUE(r.plan);
  EXPECT_EQ(r.plan->landlock.handled_access_fs, 0xffffu & ~uapi::kFsTruncate);
  EXPECT_EQ(r.plan->landlock.scoped, uapi::kScopeAbstractUnixSocket);
  EXPECT_EQ(r.plan->landlock.path_rules.at(0).allowed_access, fs_write_access() & ~uapi::kFsTruncate);
  EXPECT_TRUE(r.diagnostics.empty());  // disabling is a choice, not a degradation
}

TEST(LowerProtections, CommandLineOverrideWinsOverTheProfile) {
  FakeFsView fs{};
  PolicyGraph g;  // every protection strict by default
  LowerTarget target{3, {}};
  for (auto& o : target.overrides) o = G;
  const LowerResult r = lower(g, target, fs);
  ASSERT_TRUE(r.plan);
  EXPECT_EQ(r.plan->landlock.handled_access_fs, 0x7fffu);
  target.overrides[static_cast<std::size_t>(Protection::NetTcp)] = std::nullopt;  // back to strict
  EXPECT_FALSE(lower(g, target, fs).plan);
}

TEST(LowerProtections, AbiOutsideTheKnownRangeIsAnError) {
  FakeFsView fs{};
  PolicyGraph g;
  for (int abi : {0, 9, -1}) {
    const LowerResult r = lower(g, LowerTarget{abi, {}}, fs);
    EXPECT_FALSE(r.plan);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].code, "lower.bad-abi");
  }
}

TEST(LowerProtections, StatusNames) {
  EXPECT_EQ(protection_status_name(ProtectionStatus::Active), "active");
  EXPECT_EQ(protection_status_name(ProtectionStatus::Degraded), "degraded");
  EXPECT_EQ(protection_status_name(ProtectionStatus::Disabled), "disabled");
  EXPECT_EQ(protection_status_name(ProtectionStatus::Unavailable), "unavailable");
}

}  // namespace
}  // namespace sandlock
