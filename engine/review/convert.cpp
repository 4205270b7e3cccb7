#include "engine/review/convert.h"

#include <yaml-cpp/yaml.h>

#include <sstream>
#include <toml++/toml.h>

#include "engine/parse/yaml_scalar.h"

namespace sandlock {
namespace {

// A string that a plain YAML scalar would type otherwise ("1", "true", "null") is quoted.
bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  auto typed = parse_detail::resolve_plain_scalar(s);
  const Node* node = std::get_if<Node>(&typed);
  return !node || node->kind != Node::Kind::String;
}

void emit_yaml(YAML::Emitter& out, const Node& node) {
  switch (node.kind) {
    case Node::Kind::Null: out << YAML::Null; break;
    case Node::Kind::Bool: out << node.boolean; break;
    case Node::Kind::Int: out << node.integer; break;
    case Node::Kind::Float: out << node.real; break;
    case Node::Kind::String:
      if (needs_quotes(node.text)) out << YAML::DoubleQuoted;
      out << node.text;
      break;
    case Node::Kind::Seq:
      out << YAML::BeginSeq;
      for (const auto& item : node.items) emit_yaml(out, item);
      out << YAML::EndSeq;
      break;
    case Node::Kind::Map:
      out << YAML::BeginMap;
      for (const auto& e : node.entries) {
        out << YAML::Key;
        if (needs_quotes(e.key)) out << YAML::DoubleQuoted;
        out << e.key << YAML::Value;
        emit_yaml(out, e.value);
      }
      out << YAML::EndMap;
      break;
  }
}

struct TomlBuilder {
  std::string error;

  template <class Sink>
  void put(const Node& node, Sink&& sink) {
    switch (node.kind) {
      case Node::Kind::Null: error = "null at line " + std::to_string(node.mark.line) + " has no TOML spelling"; break;
      case Node::Kind::Bool: sink(toml::value<bool>(node.boolean)); break;
      case Node::Kind::Int: sink(toml::value<std::int64_t>(node.integer)); break;
      case Node::Kind::Float: sink(toml::value<double>(node.real)); break;
      case Node::Kind::String: sink(toml::value<std::string>(node.text)); break;
      case Node::Kind::Seq: sink(array(node)); break;
      case Node::Kind::Map: sink(table(node)); break;
    }
  }

  toml::array array(const Node& node) {
    toml::array a;
    for (const auto& item : node.items) put(item, [&](auto&& v) { a.push_back(std::move(v)); });
    return a;
  }

  toml::table table(const Node& node) {
    toml::table t;
    for (const auto& e : node.entries) put(e.value, [&](auto&& v) { t.insert(e.key, std::move(v)); });
    return t;
  }
};

}  // namespace

std::string document_to_yaml(const Document& doc) {
  YAML::Emitter out;
  emit_yaml(out, doc.root);
  return std::string(out.c_str()) + "\n";
}

std::optional<std::string> document_to_toml(const Document& doc, std::string& error) {
  if (doc.root.kind != Node::Kind::Map) {
    error = "the top level is not a table";
    return std::nullopt;
  }
  TomlBuilder b;
  toml::table t = b.table(doc.root);
  if (!b.error.empty()) {
    error = b.error;
    return std::nullopt;
  }
  std::ostringstream s;
  s << toml::toml_formatter(t, toml::toml_formatter::default_flags & ~toml::format_flags::allow_literal_strings);
  return s.str() + "\n";
}

bool has_comments(const std::string& text, SourceFormat) {
  // Both formats start comments with '#'; a '#' inside a string only makes the note cautious.
  return text.find('#') != std::string::npos;
}

}  // namespace sandlock
