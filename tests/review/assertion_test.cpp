#include "engine/review/assertion.h"

#include <gtest/gtest.h>

#include "tests/review/review_fixture.h"

namespace sandlock {
namespace {

using testing::compile_ok;
using testing::MemoryReader;

const char* kProfile =
    "version: 1\nfilesystem:\n  read: [/etc]\n  exec: [/usr/bin]\n  write: [/var/lib/app]\n  deny: [/etc/shadow]\n"
    "network:\n  allow: [\"127.0.0.1:8080\", \"10.0.0.0/8:443\"]\n  bind: [9000]\n"
    "protections: {signal-scope: degradable}\n";

Verdict eval(const std::string& text, int abi = 7) {
  MemoryReader reader;
  const PolicyGraph g = compile_ok(reader, "p.yaml", kProfile);
  std::string error;
  auto a = parse_assertion(text, error);
  EXPECT_TRUE(a) << error;
  return a ? evaluate_static(g, statuses_at(g, abi), *a) : Verdict{};
}

TEST(Assertion, GrammarErrorsNameTheGrammar) {
  std::string error;
  for (const char* bad : {"read etc", "open /etc", "connect example.com:80", "connect 1.2.3.4", "bind 70000", "signal inside", "write"}) {
    EXPECT_FALSE(parse_assertion(bad, error)) << bad;
    EXPECT_NE(error.find("read|write|exec PATH"), std::string::npos);
  }
  auto a = parse_assertion("connect [::1]:443", error);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, 6);
  EXPECT_EQ(a->port, 443);
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(parse_assertion("read /etc/../etc/./hosts", error)->path, "/etc/hosts");
}

TEST(Assertion, FilesystemVerdictsNameTheDecidingRule) {
  const Verdict read = eval("read /etc/hosts");
  EXPECT_TRUE(read.allowed);
  EXPECT_EQ(read.reason, "granted by /etc at /repo/p.yaml:3:10");
  EXPECT_FALSE(eval("write /etc/hosts").allowed);
  const Verdict shadow = eval("read /etc/shadow");
  EXPECT_FALSE(shadow.allowed);
  EXPECT_EQ(shadow.reason, "denied by deny /etc/shadow at /repo/p.yaml:6:10");
  EXPECT_TRUE(eval("exec /usr/bin/env").allowed);
  EXPECT_FALSE(eval("exec /etc/hosts").allowed);
  EXPECT_TRUE(eval("write /var/lib/app/db").allowed);
}

TEST(Assertion, NetworkVerdicts) {
  EXPECT_TRUE(eval("connect 127.0.0.1:8080").allowed);
  EXPECT_FALSE(eval("connect 127.0.0.1:8081").allowed);
  const Verdict v = eval("connect 10.9.8.7:443");
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.reason, "allowed by 10.0.0.0/8:443 at /repo/p.yaml:8:29");
  EXPECT_TRUE(eval("bind 9000").allowed);
  EXPECT_FALSE(eval("bind 9001").allowed);
}

TEST(Assertion, ScopesDependOnTheTargetAbi) {
  EXPECT_FALSE(eval("signal outside", 6).allowed);
  EXPECT_TRUE(eval("signal outside", 5).allowed);  // degradable: degraded below ABI 6
  EXPECT_FALSE(eval("abstract-unix outside", 7).allowed);
  EXPECT_TRUE(eval("connect 1.1.1.1:53", 3).allowed);  // net-tcp needs ABI 4
}

}  // namespace
}  // namespace sandlock
