// Property: any tree of booleans, integers, numbers, strings, lists and mappings, written
// as YAML and as TOML, parses back to that tree from both formats.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdio>
#include <set>

#include "tests/parse/parse_test_util.h"

namespace sandlock {
namespace {

// Small collections keep each case fast; depth and variety come from the nesting.
constexpr int kMaxItems = 6;

// A container of 0..kMaxItems elements, whatever rapidcheck's current size is.
template <typename Container, typename T>
rc::Gen<Container> few(rc::Gen<T> element) {
  return rc::gen::mapcat(rc::gen::inRange(0, kMaxItems + 1), [element](int n) {
    return rc::gen::container<Container>(static_cast<std::size_t>(n), element);
  });
}

Node scalar_node(Node::Kind kind) {
  Node n;
  n.kind = kind;
  return n;
}

rc::Gen<std::string> gen_key() {
  return rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::inRange('a', static_cast<char>('z' + 1))));
}

rc::Gen<Node> gen_scalar() {
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { Node n = scalar_node(Node::Kind::Bool); n.boolean = b; return n; }),
      rc::gen::map(rc::gen::arbitrary<std::int64_t>(), [](std::int64_t i) { Node n = scalar_node(Node::Kind::Int); n.integer = i; return n; }),
      rc::gen::map(rc::gen::arbitrary<std::int32_t>(), [](std::int32_t i) { Node n = scalar_node(Node::Kind::Float); n.real = i / 8.0; return n; }),
      rc::gen::map(rc::gen::container<std::string>(rc::gen::inRange<char>(0x20, 0x7F)),
                   [](std::string s) { Node n = scalar_node(Node::Kind::String); n.text = std::move(s); return n; }));
}

rc::Gen<Node> gen_map(int depth);

rc::Gen<Node> gen_value(int depth) {
  if (depth == 0) return gen_scalar();
  return rc::gen::weightedOneOf<Node>({
      {4, gen_scalar()},
      {1, rc::gen::map(few<std::vector<Node>>(gen_value(depth - 1)),
                       [](std::vector<Node> items) { Node n = scalar_node(Node::Kind::Seq); n.items = std::move(items); return n; })},
      {1, gen_map(depth - 1)},
  });
}

rc::Gen<Node> gen_map(int depth) {
  return rc::gen::map(few<std::vector<std::pair<std::string, Node>>>(
                          rc::gen::pair(gen_key(), gen_value(depth))),
                      [](std::vector<std::pair<std::string, Node>> pairs) {
                        Node n = scalar_node(Node::Kind::Map);
                        std::set<std::string> seen;
                        for (auto& [key, value] : pairs) {
                          if (seen.insert(key).second) n.entries.push_back(MapEntry{key, {}, std::move(value)});
                        }
                        return n;
                      });
}

// Both formats share these spellings: "..." strings with \" and \\, decimal integers, true/false.
std::string scalar_text(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Bool: return n.boolean ? "true" : "false";
    case Node::Kind::Int: return std::to_string(n.integer);
    case Node::Kind::Float: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", n.real);
      std::string s = buf;
      return s.find_first_of(".e") == std::string::npos ? s + ".0" : s;
    }
    default: {
      std::string out = "\"";
      for (char c : n.text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      return out + "\"";
    }
  }
}

// Flow style for YAML ("k: v") and inline style for TOML ("k = v").
std::string inline_text(const Node& n, std::string_view key_separator) {
  std::string out;
  if (n.kind == Node::Kind::Seq) {
    out = "[";
    for (std::size_t i = 0; i < n.items.size(); ++i) out += (i ? ", " : "") + inline_text(n.items[i], key_separator);
    return out + "]";
  }
  if (n.kind == Node::Kind::Map) {
    out = "{";
    for (std::size_t i = 0; i < n.entries.size(); ++i) {
      out += (i ? ", " : "") + n.entries[i].key + std::string(key_separator) + inline_text(n.entries[i].value, key_separator);
    }
    return out + "}";
  }
  return scalar_text(n);
}

std::string top_level_text(const Node& root, std::string_view key_separator) {
  std::string out;
  for (const MapEntry& e : root.entries) out += e.key + std::string(key_separator) + inline_text(e.value, key_separator) + "\n";
  return out;
}

TEST(EquivalenceProperty, YamlAndTomlSpellingsParseToTheGeneratedTree) {
  EXPECT_TRUE(rc::check("a tree written as YAML and as TOML parses back to itself", [] {
    Node tree = *gen_map(3);
    ParseResult yaml = parse_yaml(top_level_text(tree, ": "), "g.yaml");
    ParseResult toml = parse_toml(top_level_text(tree, " = "), "g.toml");
    RC_ASSERT(yaml.diagnostics.empty());
    RC_ASSERT(toml.diagnostics.empty());
    // An empty YAML file is a null document; TOML's is an empty table.
    if (!tree.entries.empty()) RC_ASSERT(testing::same_tree(yaml.document->root, tree));
    RC_ASSERT(testing::same_tree(toml.document->root, tree));
  }));
}

}  // namespace
}  // namespace sandlock
