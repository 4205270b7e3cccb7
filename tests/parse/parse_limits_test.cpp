// Hostile input ends in an error, quickly, never in a crash or an exhausted machine.
#include <gtest/gtest.h>

#include "tests/parse/parse_test_util.h"

namespace sandlock {
namespace {

using testing::rendered;

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(Limits, BillionLaughsStopsAtTheFirstAnchor) {
  const std::string laughs =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
      "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
      "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
      "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
      "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
      "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
  EXPECT_EQ(rendered(parse_yaml(laughs, "lol.yaml")),
            "lol.yaml:1:4: error: YAML anchors and aliases are not supported [yaml.alias]\n    at a\n");
}

TEST(Limits, AnAliasWithoutAnAnchorIsAlsoRejected) {
  // yaml-cpp reports an unknown alias itself; either way it is an error at line 1.
  ParseResult r = parse_yaml("a: *nowhere\n", "p.yaml");
  EXPECT_FALSE(r.document);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].where.line, 1);
}

TEST(Limits, OversizedInputIsRejectedBeforeParsing) {
  const std::string big = "a: \"" + std::string(10 * 1024 * 1024, 'x') + "\"\n";
  ParseLimits limits;
  limits.max_bytes = 10 * 1024 * 1024;
  EXPECT_EQ(rendered(parse_yaml(big, "big.yaml", limits)),
            "big.yaml: error: the file is 10485766 bytes; the limit is 10485760 [doc.too-large]\n");
  EXPECT_EQ(rendered(parse_toml(big, "big.toml", limits)),
            "big.toml: error: the file is 10485766 bytes; the limit is 10485760 [doc.too-large]\n");
}

TEST(Limits, TenThousandOpenFlowSequences) {
  // Unclosed: the 65th '[' is one level too deep, long before the missing ']' matter.
  EXPECT_EQ(rendered(parse_yaml(repeat("[", 10000), "deep.yaml")),
            "deep.yaml:1:65: error: values are nested more than 64 levels deep [doc.too-deep]\n"
            "    at " + repeat("[0]", 64) + "\n");
}

TEST(Limits, TenThousandClosedFlowSequences) {
  EXPECT_EQ(rendered(parse_yaml("a: " + repeat("[", 10000) + repeat("]", 10000), "deep.yaml")),
            "deep.yaml:1:67: error: values are nested more than 64 levels deep [doc.too-deep]\n"
            "    at a" + repeat("[0]", 63) + "\n");
}

TEST(Limits, TenThousandNestedFlowMappings) {
  ParseResult r = parse_yaml(repeat("{a: ", 10000) + "1" + repeat("}", 10000), "deep.yaml");
  EXPECT_EQ(rendered(r), "deep.yaml:1:257: error: values are nested more than 64 levels deep [doc.too-deep]\n"
                         "    at " + std::string("a") + repeat(".a", 63) + "\n");
}

TEST(Limits, DeeplyNestedBlockMappings) {
  // 10,000 block levels need 50 MB of indentation, over the size limit; 2,000 levels show
  // the depth check on block style.
  std::string text;
  for (std::size_t i = 0; i < 2000; ++i) text += std::string(i, ' ') + "a:\n";
  ParseResult r = parse_yaml(text, "deep.yaml");
  EXPECT_FALSE(r.document);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "doc.too-deep");
  EXPECT_EQ(r.diagnostics[0].where.line, 65);
  EXPECT_EQ(r.diagnostics[0].where.column, 65);
}

TEST(Limits, DeepBlockNestingOverTheSizeLimitIsRejectedBySize) {
  std::string text;
  for (std::size_t i = 0; i < 10000; ++i) text += std::string(i, ' ') + "a:\n";
  ParseResult r = parse_yaml(text, "deep.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "doc.too-large");
}

TEST(Limits, NestingUpToTheLimitIsFine) {
  EXPECT_TRUE(parse_yaml(repeat("[", 64) + repeat("]", 64), "ok.yaml").document);
  EXPECT_FALSE(parse_yaml(repeat("[", 65) + repeat("]", 65), "ok.yaml").document);
  EXPECT_TRUE(parse_toml("a = " + repeat("[", 63) + repeat("]", 63), "ok.toml").document);
  EXPECT_FALSE(parse_toml("a = " + repeat("[", 64) + repeat("]", 64), "ok.toml").document);
}

TEST(Limits, TenThousandOpenTomlArrays) {
  ParseResult r = parse_toml("a=" + repeat("[", 10000), "deep.toml");
  EXPECT_FALSE(r.document);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "toml.syntax");
  EXPECT_EQ(r.diagnostics[0].where.line, 1);
}

TEST(Limits, TenThousandNestedTomlInlineTables) {
  ParseResult r = parse_toml("a = " + repeat("{b = ", 10000) + "1" + repeat("}", 10000), "deep.toml");
  EXPECT_FALSE(r.document);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "toml.syntax");
}

TEST(Limits, HugeDottedTomlKeysAreRejectedBeforeTomlpp) {
  // toml++ has no bound on dotted keys; 100,000 parts would overflow its stack.
  const std::string key = "a" + repeat(".a", 99999);
  EXPECT_EQ(rendered(parse_toml("x = 1\n" + key + " = 1\n", "deep.toml")),
            "deep.toml:2:1: error: a dotted key has more than 64 parts [doc.too-deep]\n");
  EXPECT_EQ(rendered(parse_toml("[" + key + "]\n", "deep.toml")),
            "deep.toml:1:2: error: a dotted key has more than 64 parts [doc.too-deep]\n");
}

TEST(Limits, DottedKeysInsideInlineTablesAddUp) {
  const std::string key = "a" + repeat(".a", 40);
  ParseResult r = parse_toml("x." + key + " = {" + key + " = 1}\n", "deep.toml");
  EXPECT_FALSE(r.document);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "doc.too-deep");
}

TEST(Limits, StringsAndCommentsFullOfDotsAreNotKeys) {
  const std::string dots = repeat("a.", 200);
  ParseResult r = parse_toml("s = \"" + dots + "\"\nl = '''" + dots + "'''\n# " + dots + "\n", "p.toml");
  EXPECT_TRUE(r.document) << rendered(r);
}

TEST(Limits, NodeCountIsBounded) {
  ParseLimits limits;
  limits.max_nodes = 100;
  std::string list = "[" + repeat("1,", 200) + "1]";
  EXPECT_EQ(rendered(parse_yaml(list, "n.yaml", limits)),
            "n.yaml:1:200: error: the document has more than 100 values [doc.too-many-nodes]\n    at [99]\n");
  ParseResult toml = parse_toml("a = " + list, "n.toml", limits);
  ASSERT_EQ(toml.diagnostics.size(), 1u);
  EXPECT_EQ(toml.diagnostics[0].code, "doc.too-many-nodes");
}

}  // namespace
}  // namespace sandlock
