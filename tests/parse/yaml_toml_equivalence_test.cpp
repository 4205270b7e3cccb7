// The same profile written in YAML and in TOML parses to the same tree, with marks that
// point at the exact spelling in each file.
#include <gtest/gtest.h>

#include "tests/parse/parse_test_util.h"

namespace sandlock {
namespace {

using testing::same_tree;

constexpr std::string_view kYaml =
    "name: web\n"
    "enabled: true\n"
    "limits: {files: 64, ratio: 0.5}\n"
    "network:\n"
    "  allow:\n"
    "    - \"example.com:443\"\n"
    "    - port: 80\n"
    "      proto: udp\n";

constexpr std::string_view kToml =
    "name = \"web\"\n"
    "enabled = true\n"
    "limits = { files = 64, ratio = 0.5 }\n"
    "\n"
    "[network]\n"
    "allow = [\"example.com:443\", { port = 80, proto = \"udp\" }]\n";

Document parsed(std::string_view text, SourceFormat format) {
  ParseResult r = parse_text(text, "p", format);
  EXPECT_TRUE(r.diagnostics.empty()) << testing::rendered(r);
  return r.document.value_or(Document{});
}

void expect_mark(Mark actual, int line, int column) {
  EXPECT_EQ(actual.line, line);
  EXPECT_EQ(actual.column, column);
}

TEST(YamlTomlEquivalence, SameDocumentSameTree) {
  Document yaml = parsed(kYaml, SourceFormat::Yaml);
  Document toml = parsed(kToml, SourceFormat::Toml);
  EXPECT_EQ(yaml.format, SourceFormat::Yaml);
  EXPECT_EQ(toml.format, SourceFormat::Toml);
  EXPECT_TRUE(same_tree(yaml.root, toml.root));
  ASSERT_EQ(yaml.root.entries.size(), 4u);
  EXPECT_EQ(yaml.root.entries[3].key, "network");
  const Node* allow = yaml.root.find("network")->find("allow");
  ASSERT_NE(allow, nullptr);
  ASSERT_EQ(allow->items.size(), 2u);
  EXPECT_EQ(allow->items[1].find("port")->integer, 80);
}

TEST(YamlTomlEquivalence, ADifferentValueIsNotTheSameTree) {
  std::string changed(kToml);
  changed.replace(changed.find("80"), 2, "81");
  EXPECT_FALSE(same_tree(parsed(kYaml, SourceFormat::Yaml).root, parsed(changed, SourceFormat::Toml).root));
}

TEST(YamlMarks, KeysAndValuesPointAtTheirSpelling) {
  Node root = parsed(kYaml, SourceFormat::Yaml).root;
  expect_mark(root.entries[0].key_mark, 1, 1);
  expect_mark(root.entries[0].value.mark, 1, 7);
  expect_mark(root.entries[1].value.mark, 2, 10);
  const MapEntry* limits = root.find_entry("limits");
  expect_mark(limits->value.mark, 3, 9);
  expect_mark(limits->value.find_entry("files")->key_mark, 3, 10);
  expect_mark(limits->value.find("files")->mark, 3, 17);
  const MapEntry* allow = root.find("network")->find_entry("allow");
  expect_mark(allow->key_mark, 5, 3);
  expect_mark(allow->value.items[0].mark, 6, 7);
  expect_mark(allow->value.items[1].find_entry("port")->key_mark, 7, 7);
  expect_mark(allow->value.items[1].find("port")->mark, 7, 13);
  expect_mark(allow->value.items[1].find("proto")->mark, 8, 14);
}

TEST(TomlMarks, KeysAndValuesPointAtTheirSpelling) {
  Node root = parsed(kToml, SourceFormat::Toml).root;
  expect_mark(root.entries[0].key_mark, 1, 1);
  expect_mark(root.entries[0].value.mark, 1, 8);
  expect_mark(root.entries[1].value.mark, 2, 11);
  const MapEntry* limits = root.find_entry("limits");
  expect_mark(limits->value.mark, 3, 10);
  expect_mark(limits->value.find_entry("files")->key_mark, 3, 12);
  expect_mark(limits->value.find("files")->mark, 3, 20);
  const MapEntry* network = root.find_entry("network");
  expect_mark(network->key_mark, 5, 2);
  const MapEntry* allow = network->value.find_entry("allow");
  expect_mark(allow->key_mark, 6, 1);
  expect_mark(allow->value.mark, 6, 9);
  expect_mark(allow->value.items[0].mark, 6, 10);
  expect_mark(allow->value.items[1].find_entry("port")->key_mark, 6, 31);
  expect_mark(allow->value.items[1].find("port")->mark, 6, 38);
}

TEST(TomlMarks, ColumnsCountCharactersNotBytes) {
  ParseResult r = parse_toml("\"é\" = 1\n", "p.toml");
  ASSERT_TRUE(r.document);
  expect_mark(r.document->root.entries[0].value.mark, 1, 7);
}

TEST(YamlMarks, ColumnsCountCharactersNotBytes) {
  ParseResult r = parse_yaml("é€: 1\n", "p.yaml");
  ASSERT_TRUE(r.document);
  expect_mark(r.document->root.entries[0].value.mark, 1, 5);
}

TEST(TomlOrder, KeysKeepSourceOrderNotSortedOrder) {
  ParseResult r = parse_toml("zeta = 1\nalpha = 2\n[mid]\nb = 1\na = 2\n", "p.toml");
  ASSERT_TRUE(r.document);
  const Node& root = r.document->root;
  ASSERT_EQ(root.entries.size(), 3u);
  EXPECT_EQ(root.entries[0].key, "zeta");
  EXPECT_EQ(root.entries[1].key, "alpha");
  EXPECT_EQ(root.entries[2].key, "mid");
  EXPECT_EQ(root.entries[2].value.entries[0].key, "b");
}

TEST(TomlScalars, KeepTheirSourceSpelling) {
  ParseResult r = parse_toml("a = 0x1F\nb = 1_000\nc = +inf\nd = 'lit'\n", "p.toml");
  ASSERT_TRUE(r.document);
  const Node& root = r.document->root;
  EXPECT_EQ(root.find("a")->integer, 31);
  EXPECT_EQ(root.find("a")->text, "0x1F");
  EXPECT_EQ(root.find("b")->integer, 1000);
  EXPECT_EQ(root.find("b")->text, "1_000");
  EXPECT_EQ(root.find("c")->kind, Node::Kind::Float);
  EXPECT_TRUE(std::isinf(root.find("c")->real));
  EXPECT_EQ(root.find("d")->text, "lit");
}

TEST(Document, FindAndKindNames) {
  Node root = parsed(kYaml, SourceFormat::Yaml).root;
  EXPECT_EQ(root.find("missing"), nullptr);
  EXPECT_EQ(root.find("name")->find("x"), nullptr);  // not a map
  EXPECT_EQ(kind_name(Node::Kind::Null), "null");
  EXPECT_EQ(kind_name(Node::Kind::Bool), "a boolean");
  EXPECT_EQ(kind_name(Node::Kind::Int), "an integer");
  EXPECT_EQ(kind_name(Node::Kind::Float), "a number");
  EXPECT_EQ(kind_name(Node::Kind::String), "a string");
  EXPECT_EQ(kind_name(Node::Kind::Seq), "a list");
  EXPECT_EQ(kind_name(Node::Kind::Map), "a mapping");
}

TEST(Document, FormatFollowsTheExtension) {
  EXPECT_EQ(format_for_path("web.toml"), SourceFormat::Toml);
  EXPECT_EQ(format_for_path("dir/WEB.TOML"), SourceFormat::Toml);
  EXPECT_EQ(format_for_path("web.yaml"), SourceFormat::Yaml);
  EXPECT_EQ(format_for_path("web.yml"), SourceFormat::Yaml);
  EXPECT_EQ(format_for_path("toml"), SourceFormat::Yaml);
}

}  // namespace
}  // namespace sandlock
