#include "engine/parse/document.h"

#include <algorithm>

#include "engine/parse/source_text.h"
#include "engine/util/text.h"

namespace sandlock {

const MapEntry* Node::find_entry(std::string_view key) const {
  if (kind != Kind::Map) return nullptr;
  auto it = std::find_if(entries.begin(), entries.end(), [&](const MapEntry& e) { return e.key == key; });
  return it == entries.end() ? nullptr : &*it;
}

const Node* Node::find(std::string_view key) const {
  const MapEntry* entry = find_entry(key);
  return entry ? &entry->value : nullptr;
}

std::string kind_name(Node::Kind kind) {
  switch (kind) {
    case Node::Kind::Null: return "null";
    case Node::Kind::Bool: return "a boolean";
    case Node::Kind::Int: return "an integer";
    case Node::Kind::Float: return "a number";
    case Node::Kind::String: return "a string";
    case Node::Kind::Seq: return "a list";
    case Node::Kind::Map: return "a mapping";
  }
  return "unknown";
}

SourceFormat format_for_path(std::string_view path) {
  return to_lower(path).ends_with(".toml") ? SourceFormat::Toml : SourceFormat::Yaml;
}

ParseResult parse_text(std::string_view text, const std::string& file, SourceFormat format,
                       const ParseLimits& limits) {
  return format == SourceFormat::Toml ? parse_toml(text, file, limits) : parse_yaml(text, file, limits);
}

std::optional<Mark> find_invalid_utf8(std::string_view text) {
  auto offset = parse_detail::find_invalid_utf8_offset(text);
  return offset ? std::optional<Mark>(parse_detail::LineIndex(text).mark_at(*offset)) : std::nullopt;
}

}  // namespace sandlock
