// Every error kind, in YAML and in TOML: exact file:line:col, key path, message and hint.
#include <gtest/gtest.h>

#include "tests/validate/golden_cases.h"
#include "tests/validate/validate_support.h"

namespace sandlock::testing {
namespace {

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, Yaml) {
  const auto result = validate_text(GetParam().yaml, "p.yaml");
  EXPECT_FALSE(result.profile);
  EXPECT_EQ(render_all(result.diagnostics), std::vector<std::string>{GetParam().yaml_error});
}

TEST_P(Golden, Toml) {
  const auto result = validate_text(GetParam().toml, "p.toml");
  EXPECT_FALSE(result.profile);
  EXPECT_EQ(render_all(result.diagnostics), std::vector<std::string>{GetParam().toml_error});
}

INSTANTIATE_TEST_SUITE_P(ErrorKinds, Golden, ::testing::ValuesIn(golden_cases()),
                         [](const auto& info) { return info.param.name; });

// Another architecture's syscall is kept (profiles are shared across architectures) but
// matches nothing here: a warning with the native name, never a silent no-op; a call newer
// than Debian 12's libseccomp (statmount) is a syscall like any other.
TEST(Validate, AnotherArchitecturesSyscallIsAWarning) {
  for (const auto& [file, text, at] :
       {std::tuple{"p.yaml", "version: 1\nsyscalls:\n  deny: [statmount, send]\n", "3:21"},
        std::tuple{"p.toml", "version = 1\n[syscalls]\ndeny = [\"statmount\", \"send\"]\n", "3:22"}}) {
    const auto result = validate_text(text, file);
    EXPECT_TRUE(result.profile) << file;
    EXPECT_EQ(render_all(result.diagnostics),
              std::vector<std::string>{std::string(file) + ":" + at +
                                       " syscall.not-native syscalls.deny[1]: 'send' is not a syscall on this "
                                       "architecture: this entry does nothing here [did you mean 'sendto'?]"});
  }
}

TEST(Validate, ReportsEveryErrorInPositionOrder) {
  const std::string yaml = R"(version: 1
filesystem:
  read: [relative/dir]
network:
  allow: ["tcp://10.0.0.1:99999"]
protections:
  fs-refer: disabled
)";
  EXPECT_EQ(errors_of(yaml, "all.yaml"),
            (std::vector<std::string>{
                "all.yaml:3:10 path.relative filesystem.read[0]: path 'relative/dir' is relative "
                "[paths must be absolute; did you mean '/relative/dir'?]",
                "all.yaml:5:11 net.port network.allow[0]: port 99999 is out of range [ports are 1-65535]",
                "all.yaml:7:13 protection.fs-refer-disabled protections.fs-refer: fs-refer cannot be disabled "
                "[Landlock always denies reparenting without it; use 'degradable']",
            }));
}

TEST(Validate, SchemaAndSemanticErrorsTogether) {
  const std::string toml = R"(version = 1
colour = "blue"
[filesystem]
read = ["/ok", 3]
[network]
allow = ["has space"]
)";
  // The schema's pattern also rejects "has space"; only the semantic message is kept.
  EXPECT_EQ(errors_of(toml, "mix.toml"),
            (std::vector<std::string>{
                "mix.toml:2:1 schema.unknown-key colour: unknown key 'colour' at top level",
                "mix.toml:4:16 schema.type filesystem.read[1]: expected a string, got an integer",
                "mix.toml:6:10 net.syntax network.allow[0]: 'has space' is not a valid hostname or IP address "
                "[hostnames are letters, digits, hyphens and dots]",
            }));
}

TEST(Validate, EveryUnknownKeyOfAMapIsReported) {
  EXPECT_EQ(errors_of("version: 1\nfilesystem: {red: [/a], writ: [/b]}\n", "k.yaml"),
            (std::vector<std::string>{
                "k.yaml:2:14 schema.unknown-key filesystem.red: unknown key 'red' in filesystem [did you mean 'read'?]",
                "k.yaml:2:25 schema.unknown-key filesystem.writ: unknown key 'writ' in filesystem "
                "[did you mean 'write'?]",
            }));
}

TEST(Validate, RootMustBeAMapping) {
  EXPECT_EQ(errors_of("- version\n", "r.yaml"),
            (std::vector<std::string>{"r.yaml:1:1 schema.type : expected a mapping, got a list"}));
}

TEST(Validate, UnknownVariableName) {
  EXPECT_EQ(errors_of("version: 1\nprogram:\n  exec: ${HOEM}/bin/app\n", "v.yaml"),
            (std::vector<std::string>{
                "v.yaml:3:9 var.unknown program.exec: unknown variable '${HOEM}' [did you mean '${HOME}'?]"}));
}

// A scalar whose characters map 1:1 onto its line points the error at the '$' itself.
TEST(Validate, VariableErrorPointsInsideAPlainScalar) {
  Document doc;
  doc.file = "d.yaml";
  doc.root.kind = Node::Kind::Map;
  doc.root.mark = {1, 1};
  Node version;
  version.kind = Node::Kind::Int;
  version.integer = 1;
  version.mark = {1, 10};
  Node cwd;
  cwd.kind = Node::Kind::String;
  cwd.text = "/srv/é/${env:NOPE}";
  cwd.mark = {3, 8};
  cwd.text_column = 8;
  Node program;
  program.kind = Node::Kind::Map;
  program.mark = {3, 3};
  program.entries.push_back(MapEntry{"cwd", {3, 3}, cwd});
  doc.root.entries.push_back(MapEntry{"version", {1, 1}, version});
  doc.root.entries.push_back(MapEntry{"program", {2, 1}, program});

  const auto result = validate(doc, test_env());
  // "/srv/é/" is 7 characters (8 bytes), so the '$' is at column 8 + 7.
  EXPECT_EQ(render_all(result.diagnostics),
            (std::vector<std::string>{"d.yaml:3:15 var.unset program.cwd: environment variable 'NOPE' is not set "
                                      "[set it, or give a default: ${env:NOPE:-value}]"}));
}

}  // namespace
}  // namespace sandlock::testing
