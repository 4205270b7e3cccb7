#include "engine/parse/document.h"

#include <algorithm>

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

namespace {

bool in_range(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

// Length of the well-formed UTF-8 sequence at text[i] (Unicode table 3-7), or 0 if ill-formed.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  auto at = [&](std::size_t k) -> unsigned char {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
  };
  unsigned char lead = at(0);
  if (lead < 0x80) return 1;
  unsigned char second_lo = 0x80, second_hi = 0xBF;
  std::size_t length = 0;
  if (in_range(lead, 0xC2, 0xDF)) {
    length = 2;
  } else if (in_range(lead, 0xE0, 0xEF)) {
    length = 3;
    if (lead == 0xE0) second_lo = 0xA0;  // overlong
    if (lead == 0xED) second_hi = 0x9F;  // surrogates
  } else if (in_range(lead, 0xF0, 0xF4)) {
    length = 4;
    if (lead == 0xF0) second_lo = 0x90;  // overlong
    if (lead == 0xF4) second_hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (!in_range(at(1), second_lo, second_hi)) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (!in_range(at(k), 0x80, 0xBF)) return 0;
  }
  return length;
}

}  // namespace

std::optional<Mark> find_invalid_utf8(std::string_view text) {
  Mark at{1, 1};
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return at;
    if (text[i] == '\n') {
      at = {at.line + 1, 1};
    } else {
      ++at.column;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace sandlock
