#include "engine/validate/key_path.h"

#include <algorithm>
#include <cctype>

namespace sandlock {
namespace {

bool is_plain_word(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
}

}  // namespace

std::string key_path_child(const std::string& parent, std::string_view key) {
  std::string part = is_plain_word(key) ? std::string(key) : "\"" + std::string(key) + "\"";
  return parent.empty() ? part : parent + "." + part;
}

std::string key_path_index(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::string describe_kind(Node::Kind kind, SourceFormat format) {
  if (kind == Node::Kind::Map) return format == SourceFormat::Toml ? "a table" : "a mapping";
  return kind_name(kind);
}

}  // namespace sandlock
