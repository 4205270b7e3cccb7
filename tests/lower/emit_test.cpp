// Step 7: the shapes of the emitted Landlock JSON, OCI seccomp JSON and k8s SeccompProfile.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include "engine/lower/emit.h"
#include "tests/lower/fake_fs_view.h"
#include "tests/lower/graph_builder.h"

namespace sandlock {
namespace {

using nlohmann::json;

Plan sample_plan() {
  testing::FakeFsView fs{"/etc/hosts", "/etc/shadow", "/usr/"};
  PolicyGraph g;
  testing::grant(g, "/usr", testing::kRead);
  testing::grant(g, "/etc", testing::kRead);
  testing::deny(g, "/etc/shadow");
  g.net_mode = NetMode::Allow;
  g.net_allow = {testing::dest(kProtoTcp, {{443, 443}}, "example.com")};
  g.bind = {{8080, 8080}};
  g.syscall_deny["mount"];
  g.syscall_deny["ptrace"];
  g.syscall_deny["clone3:enosys"];
  g.syscall_deny["ioctl:tiocsti"];
  testing::set_protection(g, Protection::SignalScope, ProtectionState::Degradable);
  testing::set_protection(g, Protection::AbstractUnixSocketScope, ProtectionState::Disabled);
  LowerResult r = lower(g, LowerTarget{5, {}}, fs);
  EXPECT_TRUE(r.plan);
  return *r.plan;
}

TEST(LowerEmit, LandlockPlanJson) {
  const json j = json::parse(landlock_plan_json(sample_plan()));
  EXPECT_EQ(j["abi"], 5);
  EXPECT_EQ(j["ruleset"]["handled_access_fs"], 0xffff);
  EXPECT_EQ(j["ruleset"]["handled_access_net"], 3);
  EXPECT_EQ(j["ruleset"]["scoped"], 0);
  ASSERT_EQ(j["path_rules"].size(), 3u);
  EXPECT_EQ(j["path_rules"][0], (json{{"path", "/etc"}, {"allowed_access", 8}, {"access", "read_dir"}, {"directory", true}}));
  EXPECT_EQ(j["path_rules"][1]["path"], "/etc/hosts");
  EXPECT_EQ(j["path_rules"][1]["access"], "read_file");
  EXPECT_EQ(j["path_rules"][2]["access"], "read_file,read_dir");
  EXPECT_EQ(j["net_rules"], (json::array({{{"port", 443}, {"allowed_access", 2}}, {{"port", 8080}, {"allowed_access", 1}}})));
  EXPECT_EQ(j["restrict_flags"], 0);
  EXPECT_EQ(j["protections"], (json{{"fs-refer", "active"},
                                    {"fs-truncate", "active"},
                                    {"net-tcp", "active"},
                                    {"fs-ioctl-dev", "active"},
                                    {"signal-scope", "degraded"},
                                    {"abstract-unix-socket-scope", "disabled"}}));
  EXPECT_EQ(j["needs_supervisor"], true);
}

TEST(LowerEmit, LandlockPlanJsonIsDeterministic) {
  EXPECT_EQ(landlock_plan_json(sample_plan()), landlock_plan_json(sample_plan()));
}

TEST(LowerEmit, OciSeccompGroupsNamesAndLeavesNotifyOutWithAWarning) {
  std::vector<std::string> warnings;
  const json j = json::parse(oci_seccomp_json(sample_plan(), &warnings));
  EXPECT_EQ(j["defaultAction"], "SCMP_ACT_ALLOW");
  EXPECT_EQ(j["architectures"], json::array({"SCMP_ARCH_X86_64"}));
  const json& s = j["syscalls"];
  // + one entry per socket filter rule and per source-route option (each has its own args)
  ASSERT_EQ(s.size(), 3u + 14u + 4u);
  EXPECT_EQ(s[0], (json{{"names", {"clone3"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 38}}));
  EXPECT_EQ(s[1], (json{{"names", {"ioctl"}},
                        {"action", "SCMP_ACT_ERRNO"},
                        {"errnoRet", 1},
                        {"args", {{{"index", 1}, {"value", 0xffffffffu}, {"valueTwo", 0x5412}, {"op", "SCMP_CMP_MASKED_EQ"}}}}}));
  EXPECT_EQ(s[2], (json{{"names", {"mount", "ptrace"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 1}}));
  EXPECT_EQ(s[3], (json{{"names", {"setsockopt"}},  // the source-route options: IP_OPTIONS first
                        {"action", "SCMP_ACT_ERRNO"},
                        {"errnoRet", 1},
                        {"args",
                         {{{"index", 1}, {"value", 0xffffffffu}, {"valueTwo", 0}, {"op", "SCMP_CMP_MASKED_EQ"}},
                          {{"index", 2}, {"value", 0xffffffffu}, {"valueTwo", 4}, {"op", "SCMP_CMP_MASKED_EQ"}}}}}));
  EXPECT_EQ(s[7], (json{{"names", {"socket"}},  // the inet non-TCP filter (no UDP allowed)
                        {"action", "SCMP_ACT_ERRNO"},
                        {"errnoRet", 1},
                        {"args",
                         {{{"index", 0}, {"value", 0xffffffffu}, {"valueTwo", 2}, {"op", "SCMP_CMP_MASKED_EQ"}},
                          {{"index", 1}, {"value", 1}, {"valueTwo", 0}, {"op", "SCMP_CMP_MASKED_EQ"}}}}}));
  ASSERT_EQ(warnings.size(), 4u);  // connect, sendmmsg, sendmsg, sendto
  EXPECT_EQ(warnings[0], "the supervisor's notify rule for connect is left out: an OCI runtime has no sandlock supervisor to ask");
}

TEST(LowerEmit, K8sSeccompProfileMatchesTheOperatorsShape) {
  const std::string text = k8s_seccomp_profile_yaml(sample_plan(), "web");
  const YAML::Node y = YAML::Load(text);
  EXPECT_EQ(y["apiVersion"].as<std::string>(), "security-profiles-operator.x-k8s.io/v1beta1");
  EXPECT_EQ(y["kind"].as<std::string>(), "SeccompProfile");
  EXPECT_EQ(y["metadata"]["name"].as<std::string>(), "web");
  const YAML::Node spec = y["spec"];
  EXPECT_EQ(spec["defaultAction"].as<std::string>(), "SCMP_ACT_ALLOW");
  EXPECT_EQ(spec["architectures"][0].as<std::string>(), "SCMP_ARCH_X86_64");
  EXPECT_EQ(spec["syscalls"][0]["names"][0].as<std::string>(), "clone3");
  EXPECT_EQ(spec["syscalls"][0]["errnoRet"].as<int>(), 38);
  EXPECT_EQ(spec["syscalls"][1]["args"][0]["value"].as<std::uint64_t>(), 0xffffffffu);
  EXPECT_EQ(spec["syscalls"][1]["args"][0]["op"].as<std::string>(), "SCMP_CMP_MASKED_EQ");
  EXPECT_EQ(spec["syscalls"][2]["names"].size(), 2u);
  // Only keys the CRD's spec schema knows.
  for (const auto& kv : spec) {
    const auto key = kv.first.as<std::string>();
    EXPECT_TRUE(key == "defaultAction" || key == "architectures" || key == "syscalls") << key;
  }
}

}  // namespace
}  // namespace sandlock
