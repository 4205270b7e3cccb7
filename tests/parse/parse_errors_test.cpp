// Every parse error names the file, the exact line:column, and the key path where known.
#include <gtest/gtest.h>

#include "tests/parse/parse_test_util.h"

namespace sandlock {
namespace {

using testing::rendered;

TEST(YamlErrors, DuplicateKeyPointsAtTheSecondKey) {
  ParseResult r = parse_yaml("net:\n  port: 1\n  host: x\n  port: 2\n", "p.yaml");
  EXPECT_FALSE(r.document);
  EXPECT_EQ(rendered(r), "p.yaml:4:3: error: duplicate key 'port' (first at line 2) [yaml.duplicate-key]\n"
                         "    at net.port\n");
}

TEST(YamlErrors, DuplicateKeyInAFlowMapping) {
  EXPECT_EQ(rendered(parse_yaml("a: [{x: 1, x: 2}]\n", "p.yaml")),
            "p.yaml:1:12: error: duplicate key 'x' (first at line 1) [yaml.duplicate-key]\n    at a[0].x\n");
}

TEST(YamlErrors, QuotedAndPlainSpellingsOfAKeyAreDuplicates) {
  EXPECT_EQ(rendered(parse_yaml("a: 1\n\"a\": 2\n", "p.yaml")),
            "p.yaml:2:1: error: duplicate key 'a' (first at line 1) [yaml.duplicate-key]\n    at a\n");
}

TEST(YamlErrors, AnchorsAndAliasesAreRejectedWhereWritten) {
  EXPECT_EQ(rendered(parse_yaml("a: &x 1\nb: 2\n", "p.yaml")),
            "p.yaml:1:4: error: YAML anchors and aliases are not supported [yaml.alias]\n    at a\n");
  EXPECT_EQ(rendered(parse_yaml("a:\n  - &list [1]\n", "p.yaml")),
            "p.yaml:2:5: error: YAML anchors and aliases are not supported [yaml.alias]\n    at a[0]\n");
}

TEST(YamlErrors, MergeKeysAreRejected) {
  EXPECT_EQ(rendered(parse_yaml("a:\n  <<: {b: 1}\n", "p.yaml")),
            "p.yaml:2:3: error: YAML merge keys ('<<') are not supported [yaml.merge-key]\n    at a.\"<<\"\n");
}

TEST(YamlErrors, NonScalarKeysAreRejected) {
  EXPECT_EQ(rendered(parse_yaml("? [a, b]\n: 1\n", "p.yaml")),
            "p.yaml:1:3: error: a mapping key must be a plain value, not a list [yaml.bad-key]\n");
  EXPECT_EQ(rendered(parse_yaml("{{a: 1}: 2}\n", "p.yaml")),
            "p.yaml:1:2: error: a mapping key must be a plain value, not a mapping [yaml.bad-key]\n");
}

TEST(YamlErrors, NullKeysAreRejected) {
  EXPECT_EQ(rendered(parse_yaml("a:\n  ~: 1\n", "p.yaml")),
            "p.yaml:2:3: error: a mapping key must not be null or empty [yaml.bad-key]\n    at a\n");
}

TEST(YamlErrors, ASecondDocumentIsAnError) {
  EXPECT_EQ(rendered(parse_yaml("a: 1\n---\nb: 2\n", "p.yaml")),
            "p.yaml:2:1: error: a profile holds one YAML document; found a second one here [yaml.multi-document]\n");
}

TEST(YamlErrors, SyntaxErrorsCarryTheParsersMark) {
  EXPECT_EQ(rendered(parse_yaml("a: [1,\n b: 2", "p.yaml")),
            "p.yaml:2:6: error: did not find expected ',' or ']' (while parsing a flow sequence that starts at "
            "line 1, column 4) [yaml.syntax]\n");
  EXPECT_EQ(rendered(parse_yaml("a: 1\n b: 2\n", "p.yaml")),
            "p.yaml:2:3: error: mapping values are not allowed in this context [yaml.syntax]\n");
}

TEST(TomlErrors, DuplicateKeyIsReportedByTomlpp) {
  ParseResult r = parse_toml("[net]\nport = 1\nport = 2\n", "p.toml");
  EXPECT_FALSE(r.document);
  EXPECT_EQ(rendered(r), "p.toml:3:8: error: cannot redefine existing integer 'port' [toml.syntax]\n");
}

TEST(TomlErrors, DatesAndTimesAreUnsupported) {
  EXPECT_EQ(rendered(parse_toml("[run]\nnot_after = 1979-05-27\n", "p.toml")),
            "p.toml:2:13: error: dates and times are not supported here [toml.unsupported-type]\n"
            "    at run.not_after\n");
  EXPECT_EQ(rendered(parse_toml("t = [1, 07:32:00]\n", "p.toml")),
            "p.toml:1:9: error: dates and times are not supported here [toml.unsupported-type]\n"
            "    at t[1]\n");
}

// Found by fuzz_parse: toml++ 3.3 reaches TOML_UNREACHABLE on U+0445 before a space.
TEST(TomlErrors, NonAsciiOutsideStringsIsRejectedBeforeTomlpp) {
  EXPECT_EQ(rendered(parse_toml("\xd1\x85 ", "p.toml")),
            "p.toml:1:1: error: a non-ASCII character outside a string or comment (TOML allows them only there) "
            "[toml.syntax]\n");
  EXPECT_EQ(rendered(parse_toml("a = 1 # \xd1\x85 \nb = \"\xd1\x85 \"\nc = '''\xd1\x85'''\n", "p.toml")), "");
}

TEST(TomlErrors, SyntaxErrorsCarryTheirPosition) {
  EXPECT_EQ(rendered(parse_toml("a = 1\nb = \n", "p.toml")),
            "p.toml:2:5: error: expected value, saw '\\n' [toml.syntax]\n");
}

TEST(Utf8, InvalidBytesAreReportedAtTheirLineAndColumn) {
  const std::string text = "a: 1\nbé: \xFF\n";
  EXPECT_EQ(rendered(parse_yaml(text, "p.yaml")), "p.yaml:2:5: error: invalid UTF-8 byte 0xFF [doc.utf8]\n");
  EXPECT_EQ(rendered(parse_toml("a = \"\xC3(\"\n", "p.toml")),
            "p.toml:1:6: error: invalid UTF-8 byte 0xC3 [doc.utf8]\n");
}

TEST(Utf8, StrayContinuationByteAfterAsciiIsNamed) {
  // Found by fuzz_parse: the byte lookup once treated 0xBD as part of the '$' before it.
  EXPECT_EQ(rendered(parse_yaml("a$\xBD", "p.yaml")), "p.yaml:1:3: error: invalid UTF-8 byte 0xBD [doc.utf8]\n");
}

TEST(ControlCharacters, AreRejectedBeforeYamlCppGuessesAnEncoding) {
  // Found by fuzz_parse: NUL bytes made yaml-cpp read the text as UTF-32.
  const std::string text("\n\0\0 \0\0\x0f\x0e" "b::b:: 2\n", 17);
  EXPECT_EQ(rendered(parse_yaml(text, "p.yaml")),
            "p.yaml:2:1: error: control character 0x00 is not allowed (YAML and TOML both forbid it) "
            "[doc.control-char]\n");
  EXPECT_EQ(rendered(parse_toml("a = \"x\x7F\"\n", "p.toml")),
            "p.toml:1:7: error: control character 0x7F is not allowed (YAML and TOML both forbid it) "
            "[doc.control-char]\n");
  EXPECT_TRUE(parse_yaml("a:\tb\r\nc: d\r\n", "p.yaml").document);
}

TEST(Utf8, FindInvalidUtf8RejectsOverlongsSurrogatesAndTruncation) {
  EXPECT_FALSE(find_invalid_utf8("plain ascii\né € 𝄞"));
  for (std::string bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\x80"}) {
    auto at = find_invalid_utf8("ok\nx" + bad);
    ASSERT_TRUE(at) << "bytes should be rejected";
    EXPECT_EQ(at->line, 2);
    EXPECT_EQ(at->column, 2);
  }
}

TEST(Utf8, ByteOrderMarkIsSkipped) {
  ParseResult yaml = parse_yaml("\xEF\xBB\xBF" "a: 1\n", "p.yaml");
  ASSERT_TRUE(yaml.document) << rendered(yaml);
  EXPECT_EQ(yaml.document->root.entries[0].key, "a");
  EXPECT_EQ(yaml.document->root.entries[0].value.mark.column, 4);
  ParseResult toml = parse_toml("\xEF\xBB\xBF" "a = 1\n", "p.toml");
  ASSERT_TRUE(toml.document) << rendered(toml);
  EXPECT_EQ(toml.document->root.find("a")->integer, 1);
}

// An empty file is the same profile in both spellings: the same empty table at 1:1, so it gets
// the same error (missing 'version') with a position, not "expected a mapping, got null" without one.
TEST(EmptyInput, YamlAndTomlBothGiveAnEmptyTableAtTheStart) {
  for (std::string_view text : {"", "# just a comment\n", "\n\n"}) {
    ParseResult yaml = parse_yaml(text, "p.yaml");
    EXPECT_TRUE(yaml.diagnostics.empty());
    ASSERT_TRUE(yaml.document);
    EXPECT_EQ(yaml.document->file, "p.yaml");
    ParseResult toml = parse_toml(text, "p.toml");
    ASSERT_TRUE(toml.document);
    for (const Document* doc : {&*yaml.document, &*toml.document}) {
      EXPECT_EQ(doc->root.kind, Node::Kind::Map);
      EXPECT_TRUE(doc->root.entries.empty());
      EXPECT_EQ(doc->root.mark.line, 1);
      EXPECT_EQ(doc->root.mark.column, 1);
    }
  }
  // A document that is written, but null, stays null.
  EXPECT_EQ(parse_yaml("~\n", "p.yaml").document->root.kind, Node::Kind::Null);
}

TEST(ParseText, DispatchesOnTheFormat) {
  EXPECT_EQ(parse_text("a = 1", "x", SourceFormat::Toml).document->format, SourceFormat::Toml);
  EXPECT_EQ(rendered(parse_text("a = 1", "x", SourceFormat::Yaml)), "");  // YAML: a plain string
  EXPECT_EQ(parse_text("a = 1", "x", SourceFormat::Yaml).document->root.text, "a = 1");
}

}  // namespace
}  // namespace sandlock
