// Plain YAML scalars are typed by the YAML 1.2 core schema; quoted ones stay strings.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cmath>
#include <limits>

#include "tests/parse/parse_test_util.h"

namespace sandlock {
namespace {

Node value_of(const std::string& yaml_value) {
  ParseResult r = parse_yaml("v: " + yaml_value + "\n", "t.yaml");
  EXPECT_TRUE(r.diagnostics.empty()) << testing::rendered(r);
  if (!r.document || !r.document->root.find("v")) return Node{};
  return *r.document->root.find("v");
}

struct Case {
  const char* spelling;
  Node::Kind kind;
};

TEST(YamlScalars, PlainScalarsFollowTheCoreSchema) {
  const Case cases[] = {
      {"~", Node::Kind::Null},          {"null", Node::Kind::Null},       {"NULL", Node::Kind::Null},
      {"true", Node::Kind::Bool},       {"False", Node::Kind::Bool},      {"TRUE", Node::Kind::Bool},
      {"42", Node::Kind::Int},          {"-7", Node::Kind::Int},          {"+7", Node::Kind::Int},
      {"0x1f", Node::Kind::Int},        {"0o17", Node::Kind::Int},        {"1.5", Node::Kind::Float},
      {"-.5", Node::Kind::Float},       {"1e3", Node::Kind::Float},       {"2.", Node::Kind::Float},
      {".inf", Node::Kind::Float},      {"-.Inf", Node::Kind::Float},     {".NaN", Node::Kind::Float},
      {"yes", Node::Kind::String},      {"on", Node::Kind::String},       {"0b101", Node::Kind::String},
      {"1_000", Node::Kind::String},    {"0x", Node::Kind::String},       {"1e", Node::Kind::String},
      {"1.2.3", Node::Kind::String},    {"nULL", Node::Kind::String},     {"tRUE", Node::Kind::String},
      {"example.com", Node::Kind::String},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(kind_name(value_of(c.spelling).kind), kind_name(c.kind)) << c.spelling;
  }
}

TEST(YamlScalars, EmptyValueIsNull) {
  ParseResult r = parse_yaml("v:\n", "t.yaml");
  ASSERT_TRUE(r.document);
  EXPECT_EQ(r.document->root.find("v")->kind, Node::Kind::Null);
}

TEST(YamlScalars, ValuesAndSpellings) {
  EXPECT_EQ(value_of("0x1f").integer, 31);
  EXPECT_EQ(value_of("0o17").integer, 15);
  EXPECT_EQ(value_of("+7").integer, 7);
  EXPECT_EQ(value_of("-9223372036854775808").integer, std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(value_of("9223372036854775807").integer, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(value_of("0x1f").text, "0x1f");
  EXPECT_EQ(value_of("-.5").real, -0.5);
  EXPECT_EQ(value_of("1e3").real, 1000.0);
  EXPECT_EQ(value_of("-.Inf").real, -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(value_of(".nan").real));
  EXPECT_TRUE(value_of("True").boolean);
  EXPECT_FALSE(value_of("false").boolean);
  EXPECT_EQ(value_of("True").text, "True");
}

TEST(YamlScalars, QuotedAndStrTaggedScalarsAreStrings) {
  for (const char* spelling : {"\"42\"", "'true'", "\"~\"", "''", "!!str 42", "! 42"}) {
    Node n = value_of(spelling);
    EXPECT_EQ(n.kind, Node::Kind::String) << spelling;
  }
  EXPECT_EQ(value_of("\"42\"").text, "42");
  EXPECT_EQ(value_of("!!str 42").text, "42");
}

TEST(YamlScalars, CoreTagsConvertOrComplain) {
  EXPECT_EQ(value_of("!!int 12").integer, 12);
  EXPECT_EQ(value_of("!!float 12").real, 12.0);
  EXPECT_EQ(value_of("!!bool true").kind, Node::Kind::Bool);
  ParseResult bad = parse_yaml("v: !!int twelve\n", "t.yaml");
  EXPECT_EQ(testing::rendered(bad), "t.yaml:1:4: error: 'twelve' is not a valid !!int [yaml.tag]\n    at v\n");
  ParseResult custom = parse_yaml("v: !secret x\n", "t.yaml");
  EXPECT_EQ(testing::rendered(custom),
            "t.yaml:1:4: error: YAML tag '!secret' is not supported [yaml.tag]\n    at v\n");
}

TEST(YamlScalars, IntegersOutsideSixtyFourBitsAreErrors) {
  ParseResult r = parse_yaml("a:\n  b: 9223372036854775808\n", "t.yaml");
  EXPECT_FALSE(r.document);
  EXPECT_EQ(testing::rendered(r),
            "t.yaml:2:6: error: integer 9223372036854775808 does not fit in 64 bits [yaml.int-range]\n"
            "    at a.b\n");
  EXPECT_EQ(testing::rendered(parse_yaml("- 0x10000000000000000\n", "t.yaml")),
            "t.yaml:1:3: error: integer 0x10000000000000000 does not fit in 64 bits [yaml.int-range]\n"
            "    at [0]\n");
}

TEST(YamlScalars, DecimalIntegersWithALeadingZeroAreAmbiguous) {
  // YAML 1.1 (and `%YAML 1.1`, PyYAML, ...) reads 010 as octal 8, the 1.2 core schema as 10;
  // TOML refuses it. Either reading would be silent, so neither is taken.
  for (const char* spelling : {"010", "-010", "+010", "08", "00", "!!int 010"}) {
    ParseResult r = parse_yaml(std::string("v: ") + spelling + "\n", "t.yaml");
    EXPECT_FALSE(r.document) << spelling;
    ASSERT_EQ(r.diagnostics.size(), 1u) << spelling;
    EXPECT_EQ(r.diagnostics[0].code, "yaml.leading-zero") << spelling;
  }
  EXPECT_EQ(testing::rendered(parse_yaml("limits:\n  processes: 0100\n", "t.yaml")),
            "t.yaml:2:14: error: integer 0100 has a leading zero: YAML 1.1 reads it as octal, YAML 1.2 as "
            "decimal; write 100, or 0o100 for octal, or '0100' for text [yaml.leading-zero]\n    at limits.processes\n");
  EXPECT_EQ(value_of("0").integer, 0);
  EXPECT_EQ(value_of("-0").integer, 0);
  EXPECT_EQ(value_of("0o10").integer, 8);
  EXPECT_EQ(value_of("0x010").integer, 16);
  EXPECT_EQ(value_of("'010'").text, "010");
}

TEST(YamlScalars, KeysKeepTheirSpelling) {
  ParseResult r = parse_yaml("1: a\ntrue: b\n'~': c\n", "t.yaml");
  ASSERT_TRUE(r.document) << testing::rendered(r);
  ASSERT_EQ(r.document->root.entries.size(), 3u);
  EXPECT_EQ(r.document->root.entries[0].key, "1");
  EXPECT_EQ(r.document->root.entries[1].key, "true");
  EXPECT_EQ(r.document->root.entries[2].key, "~");
}

TEST(YamlScalars, TagsOnKeysAreRejectedAsOnValues) {
  // A key is a name: a tag that says it is something else cannot be honoured, and was dropped.
  EXPECT_EQ(testing::rendered(parse_yaml("!secret name: x\n", "t.yaml")),
            "t.yaml:1:1: error: YAML tag '!secret' is not supported on a key [yaml.tag]\n");
  EXPECT_EQ(testing::rendered(parse_yaml("a:\n  !!null name: x\n", "t.yaml")),
            "t.yaml:2:3: error: YAML tag 'tag:yaml.org,2002:null' is not supported on a key [yaml.tag]\n    at a\n");
  ParseResult str = parse_yaml("!!str a: 1\n! b: 2\n", "t.yaml");
  ASSERT_TRUE(str.document) << testing::rendered(str);
  EXPECT_EQ(str.document->root.entries[0].key, "a");
  EXPECT_EQ(str.document->root.entries[1].key, "b");
}

TEST(YamlScalars, EveryInt64RoundTrips) {
  EXPECT_TRUE(rc::check("decimal spelling of any int64 parses back to it", [](std::int64_t value) {
    Node n = value_of(std::to_string(value));
    RC_ASSERT(n.kind == Node::Kind::Int);
    RC_ASSERT(n.integer == value);
  }));
}

TEST(YamlScalars, QuotedTextIsAlwaysAString) {
  EXPECT_TRUE(rc::check("any printable ASCII text in double quotes is that string", [] {
    std::string text = *rc::gen::container<std::string>(rc::gen::inRange<char>(0x20, 0x7F));
    std::string escaped;
    for (char c : text) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    Node n = value_of("\"" + escaped + "\"");
    RC_ASSERT(n.kind == Node::Kind::String);
    RC_ASSERT(n.text == text);
  }));
}

}  // namespace
}  // namespace sandlock
