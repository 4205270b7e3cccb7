// validate, test and explain against what `run` refuses when it lowers a profile: a profile
// run always refuses (exit 125) is never "ok", never passes its tests, and explain says so.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/process.h"
#include "tests/support/test_paths.h"

namespace sandlock::testing {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Refused {
  std::string name;
  std::string body;  // the profile after `version: 1`
  std::string code;  // the lowering error run stops with
  std::string fixed; // the same profile without what run refuses (the control)
};

// Each of these passed validate and test, and explain exited 0, while run stopped with a
// lowering error (exit 125). Controls: the same profiles without the refused part are valid,
// pass and explain cleanly.
TEST(LoweringReview, WhatRunRefusesValidateTestAndExplainReport) {
  TempDir dir;
  const std::string real = dir.file("real"), link = dir.file("link");
  dir.write("real/f", "x");
  dir.write("real/g", "y");
  std::filesystem::create_directory_symlink(real, link);
  const std::vector<Refused> cases{
      {"uring", "network: {allow: [\"tcp://127.0.0.1:80\"]}\nsyscalls: {allow: [\"@io-uring\"]}\n"
                "tests: {deny: [\"connect 127.0.0.1:81\"]}\n",
       "lower.io-uring-bypasses-network",
       "network: {allow: [\"tcp://127.0.0.1:80\"]}\ntests: {deny: [\"connect 127.0.0.1:81\"]}\n"},
      // /lib/x86_64-linux-gnu/libz.so.1 under `read: [/]` on a merged-/usr system.
      {"through", "filesystem: {read: [" + dir.path() + "], deny: [" + link + "/f]}\ntests: {deny: [\"read " + link + "/f\"]}\n",
       "lower.deny-through-link",
       "filesystem: {read: [" + dir.path() + "], deny: [" + real + "/f]}\ntests: {deny: [\"read " + real + "/f\"]}\n"},
      // exec: [/usr/bin, /bin] with deny: [/usr/bin/id].
      {"reaches", "filesystem: {exec: [" + real + ", " + link + "], deny: [" + real + "/f]}\ntests: {deny: [\"exec " + real + "/f\"]}\n",
       "lower.grant-reaches-deny",
       "filesystem: {exec: [" + real + "], deny: [" + real + "/f]}\ntests: {deny: [\"exec " + real + "/f\"]}\n"},
  };
  for (const auto& c : cases) {
    const auto bad = dir.write(c.name + ".yaml", "version: 1\n" + c.body);
    const auto good = dir.write(c.name + "-fixed.yaml", "version: 1\n" + c.fixed);

    const auto run = run_sandlock({"run", "--profile", bad, "--", "/bin/true"}, {"SANDLOCK_PLAN_CACHE=off"});
    EXPECT_EQ(run.exit_code, 125) << c.name << run.err;
    EXPECT_TRUE(has(run.err, c.code)) << c.name << run.err;

    const auto v = run_sandlock({"validate", bad});
    EXPECT_EQ(v.exit_code, 1) << c.name << v.out << v.err;
    EXPECT_TRUE(has(v.out, "[" + c.code + "]")) << c.name << v.out;
    EXPECT_FALSE(has(v.out, bad + ": ok")) << c.name << v.out;
    EXPECT_TRUE(has(v.err, "1 profile(s) checked: 0 valid, 1 invalid")) << c.name << v.err;

    const auto t = run_sandlock({"test", bad});
    EXPECT_EQ(t.exit_code, 1) << c.name << t.out << t.err;
    EXPECT_TRUE(has(t.err, "[" + c.code + "]")) << c.name << t.err;
    EXPECT_TRUE(has(t.out, "  FAIL deny ")) << c.name << t.out;
    EXPECT_TRUE(has(t.out, "0 passed, 1 failed")) << c.name << t.out;

    for (const bool json : {false, true}) {
      const auto e = run_sandlock(json ? std::vector<std::string>{"explain", "--json", bad} : std::vector<std::string>{"explain", bad});
      EXPECT_NE(e.exit_code, 0) << c.name << e.err;
      EXPECT_TRUE(has(e.err, "[" + c.code + "]")) << c.name << e.err;
      EXPECT_FALSE(e.out.empty()) << "the report is still printed";
    }

    // Controls.
    const auto vg = run_sandlock({"validate", good});
    EXPECT_EQ(vg.exit_code, 0) << c.name << vg.out << vg.err;
    EXPECT_TRUE(has(vg.out, good + ": ok")) << c.name << vg.out;
    const auto tg = run_sandlock({"test", good});
    EXPECT_EQ(tg.exit_code, 0) << c.name << tg.out << tg.err;
    EXPECT_TRUE(has(tg.out, "1 passed, 0 failed")) << c.name << tg.out;
    const auto eg = run_sandlock({"explain", good});
    EXPECT_EQ(eg.exit_code, 0) << c.name << eg.err;
    EXPECT_EQ(eg.err, "") << c.name;
  }
}

// validate gives run's lowering warnings too (it gave its errors only): a denied file with
// another hard link outside the deny is still valid, with the warning. Control: without the
// second link there is no warning.
TEST(LoweringReview, ValidateGivesTheLoweringWarnings) {
  TempDir dir;
  dir.write("a/secret", "s");
  std::filesystem::create_directory(dir.file("b"));
  const auto p = dir.write("p.yaml", "version: 1\nfilesystem: {read: [" + dir.file("a") + "], deny: [" + dir.file("a/secret") + "]}\n");
  const auto clean = run_sandlock({"validate", p});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_FALSE(has(clean.out, "warning")) << clean.out;
  std::filesystem::create_hard_link(dir.file("a/secret"), dir.file("b/other"));
  const auto v = run_sandlock({"validate", p});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_TRUE(has(v.out, "warning: ")) << v.out;
  EXPECT_TRUE(has(v.out, "[lower.deny-hard-linked]")) << v.out;
  EXPECT_TRUE(has(v.out, p + ": ok")) << v.out;
}

// explain and test lower as run does, so they give run's warnings too, and still pass.
TEST(LoweringReview, ExplainAndTestGiveTheLoweringWarnings) {
  TempDir dir;
  dir.write("a/secret", "s");
  std::filesystem::create_directory(dir.file("b"));
  const auto p = dir.write("p.yaml", "version: 1\nfilesystem: {read: [" + dir.file("a") + "], deny: [" + dir.file("a/secret") +
                                         "]}\ntests: {deny: [\"read " + dir.file("a/secret") + "\"]}\n");
  for (const std::string command : {"explain", "test"}) {
    SCOPED_TRACE(command);
    const auto clean = run_sandlock({command, p});
    EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
    EXPECT_FALSE(has(clean.err, "lower.deny-hard-linked")) << clean.err;
  }
  std::filesystem::create_hard_link(dir.file("a/secret"), dir.file("b/other"));
  for (const std::string command : {"explain", "test"}) {
    SCOPED_TRACE(command);
    const auto linked = run_sandlock({command, p});
    EXPECT_EQ(linked.exit_code, 0) << linked.out << linked.err;
    EXPECT_TRUE(has(linked.err, "warning: ")) << linked.err;
    EXPECT_TRUE(has(linked.err, "[lower.deny-hard-linked]")) << linked.err;
  }
}

// validate leaves this kernel's ABI out (a strict protection the host lacks is host-specific);
// test and explain lower at the target ABI. A profile strict on signal-scope (ABI 6) is valid,
// and `test --abi 5` fails with run's error.
TEST(LoweringReview, TestLowersAtTheTargetAbi) {
  TempDir dir;
  const auto p = dir.write("p.yaml", "version: 1\nfilesystem: {read: [/etc]}\n"
                                     "protections: {fs-ioctl-dev: degradable, abstract-unix-socket-scope: degradable}\n"
                                     "tests: {allow: [\"read /etc/passwd\"]}\n");
  EXPECT_EQ(run_sandlock({"validate", p}).exit_code, 0);
  const auto at6 = run_sandlock({"test", "--abi", "6", p});
  EXPECT_EQ(at6.exit_code, 0) << at6.out << at6.err;
  const auto at5 = run_sandlock({"test", "--abi", "5", p});
  EXPECT_EQ(at5.exit_code, 1) << at5.out << at5.err;
  EXPECT_TRUE(has(at5.err, "protection signal-scope is strict but the target Landlock ABI is 5")) << at5.err;
  EXPECT_TRUE(has(at5.out, "FAIL allow read /etc/passwd")) << at5.out;
}

// A sidecar whose keys or lists were misspelt checked nothing, and passed. Each mistake is now
// an error at its line and column, with a did-you-mean; assertions at the top beside `tests:`
// were dropped unseen, and are now an error. Control: the correct sidecar passes.
TEST(TestCommand, ASidecarThatChecksNothingIsAnError) {
  TempDir dir;
  const auto p = dir.write("p.yaml", "version: 1\nfilesystem: {read: [/etc]}\n");
  const auto sidecar = dir.file("p.test.yaml");
  struct Bad {
    std::string text, expect;
  };
  const std::vector<Bad> cases{
      {"tsets:\n  deny: [\"write /etc/passwd\"]\n",
       sidecar + ":1:1: error: unknown key 'tsets' in a test file (expected allow, deny, tests)"},
      {"denny: [\"write /etc/passwd\"]\n", sidecar + ":1:1: error: unknown key 'denny' in a test file"},
      {"tests:\n  denny: [\"write /etc/passwd\"]\n", sidecar + ":2:3: error: unknown key 'denny' in a test file (expected allow, deny)"},
      {"deny: \"write /etc/passwd\"\n", sidecar + ":1:7: error: expected a list of assertions, got a string"},
      {"tests:\n  allow: [\"read /etc\"]\ndeny: [\"write /etc/passwd\"]\n",
       sidecar + ":3:1: error: `deny` at the top of a test file that also has `tests:`"},
      {"- deny write /etc/passwd\n", sidecar + ":1:1: error: a test file holds `allow:` and `deny:` lists"},
  };
  for (const auto& c : cases) {
    dir.write("p.test.yaml", c.text);
    const auto r = run_sandlock({"test", p});
    EXPECT_EQ(r.exit_code, 1) << c.text << r.out << r.err;
    EXPECT_TRUE(has(r.err, c.expect)) << c.text << r.err;
  }
  dir.write("p.test.yaml", "denny: [\"write /etc/passwd\"]\n");
  EXPECT_TRUE(has(run_sandlock({"test", p}).err, "did you mean 'deny'?"));
  dir.write("p.test.yaml", "tsets: {}\n");
  EXPECT_TRUE(has(run_sandlock({"test", p}).err, "did you mean 'tests'?"));
  dir.write("p.test.yaml", "deny: \"write /etc/passwd\"\n");
  EXPECT_TRUE(has(run_sandlock({"test", p}).err, "write a list: deny: [\"write /etc/passwd\"]"));

  for (const char* good : {"deny: [\"write /etc/passwd\"]\n", "tests:\n  deny: [\"write /etc/passwd\"]\n"}) {
    dir.write("p.test.yaml", good);
    const auto r = run_sandlock({"test", p});
    EXPECT_EQ(r.exit_code, 0) << good << r.out << r.err;
    EXPECT_TRUE(has(r.out, "PASS deny write /etc/passwd")) << r.out;
    EXPECT_TRUE(has(r.out, "1 passed, 0 failed")) << r.out;
    EXPECT_EQ(r.err, "") << good;
  }
}

// No assertions at all exited 0 without a word. Now a warning, and an error (exit 1) with
// --require-assertions. Control: one assertion, and the flag is satisfied.
TEST(TestCommand, NoAssertionsWarnsAndRequireAssertionsFails) {
  TempDir dir;
  const auto p = dir.write("p.yaml", "version: 1\nfilesystem: {read: [/etc]}\n");
  const auto plain = run_sandlock({"test", p});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_TRUE(has(plain.out, "  (no assertions)\n")) << plain.out;
  EXPECT_TRUE(has(plain.err, "sandlock: warning: no assertions were checked")) << plain.err;
  const auto required = run_sandlock({"test", "--require-assertions", p});
  EXPECT_EQ(required.exit_code, 1) << required.err;
  EXPECT_TRUE(has(required.err, "sandlock: error: no assertions were checked")) << required.err;

  dir.write("p.test.yaml", "allow: [\"read /etc/passwd\"]\n");
  const auto one = run_sandlock({"test", "--require-assertions", p});
  EXPECT_EQ(one.exit_code, 0) << one.out << one.err;
  EXPECT_EQ(one.err, "");
}

}  // namespace
}  // namespace sandlock::testing
