// The plan cache's entry format: a round trip keeps every field, and bytes that are not an
// entry (truncated, extended, mutated, random) decode to nullopt or to some entry — never
// a crash or an over-read (the ASan build runs these).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "engine/plancache/cached_run.h"
#include "engine/plancache/entry.h"

namespace sandlock {
namespace {

CachedRun sample() {
  CachedRun e;
  e.engine_path = "/usr/bin/sandlock-engine";
  e.engine_identity = "1:2:3:4.5:6.7";
  e.key_args = {"run", "--profile", "p.yaml", "--abi", "3"};
  e.cwd = "/srv";
  e.facts = {{FactKind::FileText, "p.yaml", "version: 1\n"},
             {FactKind::FileText, "/missing.yaml", std::nullopt},
             {FactKind::Listing, "/etc", std::string("a\0b\0", 4)},
             {FactKind::Env, "HOME", "/root"},
             {FactKind::LandlockAbi, "", "7"}};
  e.launch.argv = {"/bin/true"};
  e.clean_env = true;
  e.env_overlay = {{"LANG", "C"}, {"X", ""}};
  e.launch.cwd = "/tmp";
  e.launch.limits = {{"memory", 1 << 20}, {"processes", 8}};
  e.launch.timeout_seconds = 2.5;
  e.launch.verbose = true;
  e.launch.landlock.abi = 3;
  e.launch.landlock.handled_access_fs = 0x7fff;
  e.launch.landlock.scoped = 3;
  e.launch.landlock.restrict_flags = 1;
  e.launch.landlock.protections[0] = ProtectionStatus::Degraded;
  e.launch.landlock.path_rules = {{"/usr", 0x7, true}, {"/etc/hosts", 0x4, false}};
  e.launch.landlock.net_rules = {{8080, 0x2}};
  e.launch.seccomp.flags = 8;
  e.launch.seccomp.program = {{0x20, 0, 0, 4}, {0x15, 1, 0, 0xc000003e}, {0x6, 0, 0, 0x7fff0000}};
  e.launch.seccomp_rules = 42;
  e.notes = "sandlock: fs-refer degraded\n";
  return e;
}

TEST(PlanCacheEntry, RoundTripKeepsEveryField) {
  const CachedRun e = sample();
  const auto back = decode_entry(encode_entry(e));
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == e);
  // The comparison itself sees a change in any one field (else the test above is vacuous).
  CachedRun changed = e;
  changed.launch.landlock.path_rules[1].directory = true;
  EXPECT_FALSE(changed == e);
  changed = e;
  changed.launch.seccomp.program[2].k = 0;
  EXPECT_FALSE(changed == e);
  changed = e;
  changed.facts[2].value = std::string("a\0c\0", 4);
  EXPECT_FALSE(changed == e);
}

TEST(PlanCacheEntry, EveryTruncationAndExtensionIsRefused) {
  const std::string bytes = encode_entry(sample());
  for (std::size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(decode_entry(bytes.substr(0, n))) << n;
  EXPECT_FALSE(decode_entry(bytes + '\0'));
}

TEST(PlanCacheEntry, WhatNoEngineMakesIsRefused) {
  CachedRun e = sample();
  ASSERT_TRUE(decode_entry(encode_entry(e)));  // the control
  e.launch.seccomp.program.resize(BPF_MAXINSNS + 1);
  EXPECT_FALSE(decode_entry(encode_entry(e)));
  for (const double t : {0.0, -1.0, 1.0 / 0.0, 0.0 / 0.0}) {
    e = sample();
    e.launch.timeout_seconds = t;
    EXPECT_FALSE(decode_entry(encode_entry(e))) << t;
  }
}

TEST(PlanCacheEntry, AnotherFormatVersionIsRefused) {
  std::string bytes = encode_entry(sample());
  bytes[7] = 1;
  EXPECT_FALSE(decode_entry(bytes));
}

TEST(PlanCacheEntry, MutatedBytesNeverCrash) {
  const std::string bytes = encode_entry(sample());
  const bool ok = rc::check("decode survives any mutation", [&] {
    std::string m = bytes;
    const auto edits = *rc::gen::inRange(1, 8);
    for (int i = 0; i < edits; ++i) {
      const auto at = *rc::gen::inRange<std::size_t>(0, m.size());
      m[at] = *rc::gen::arbitrary<char>();
    }
    if (auto e = decode_entry(m)) RC_ASSERT(decode_entry(encode_entry(*e)).has_value());
  });
  EXPECT_TRUE(ok);
  EXPECT_TRUE(rc::check("decode survives random bytes", [](const std::string& s) { decode_entry(s); }));
  // Past the magic too, where the counts and lengths are read.
  EXPECT_TRUE(rc::check("decode survives random bytes after the magic",
                        [&](const std::string& s) { decode_entry(bytes.substr(0, 8) + s); }));
}

TEST(PlanCacheEntry, RandomEntriesRoundTrip) {
  const bool ok = rc::check("decode(encode(e)) == e", [] {
    CachedRun e;
    e.key_args = *rc::gen::arbitrary<std::vector<std::string>>();
    e.cwd = *rc::gen::arbitrary<std::string>();
    e.launch.argv = *rc::gen::arbitrary<std::vector<std::string>>();
    e.env_overlay = *rc::gen::arbitrary<std::vector<std::pair<std::string, std::string>>>();
    e.launch.limits = *rc::gen::arbitrary<std::map<std::string, std::uint64_t>>();
    const auto facts = *rc::gen::arbitrary<std::vector<std::pair<std::string, std::string>>>();
    for (const auto& [subject, value] : facts)
      e.facts.push_back({FactKind::Env, subject, value.empty() ? std::nullopt : std::optional<std::string>(value)});
    e.launch.landlock.abi = *rc::gen::inRange(1, 8);
    e.launch.landlock.handled_access_fs = *rc::gen::arbitrary<std::uint64_t>();
    for (const auto& p : *rc::gen::arbitrary<std::vector<std::string>>()) e.launch.landlock.path_rules.push_back({p, 1, false});
    for (const auto k : *rc::gen::arbitrary<std::vector<std::uint32_t>>()) e.launch.seccomp.program.push_back({6, 0, 0, k});
    if (*rc::gen::arbitrary<bool>()) e.launch.timeout_seconds = *rc::gen::inRange(1, 1000) / 8.0;
    e.notes = *rc::gen::arbitrary<std::string>();
    const auto back = decode_entry(encode_entry(e));
    RC_ASSERT(back.has_value());
    RC_ASSERT(*back == e);
  });
  EXPECT_TRUE(ok);
}

TEST(PlanCacheArgs, TheCommandIsWhatFollowsTheFirstDoubleDash) {
  auto r = split_run_args({"run", "--profile", "p", "--", "ls", "--", "-l"});
  EXPECT_EQ(r.key, (std::vector<std::string>{"run", "--profile", "p"}));
  EXPECT_EQ(r.command, (std::vector<std::string>{"ls", "--", "-l"}));
  r = split_run_args({"run", "--profile", "p"});
  EXPECT_EQ(r.key, (std::vector<std::string>{"run", "--profile", "p"}));
  EXPECT_TRUE(r.command.empty());
  r = split_run_args({"run", "--profile", "p", "--"});
  EXPECT_TRUE(r.command.empty());
}

}  // namespace
}  // namespace sandlock
