#include "engine/parse/source_text.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace sandlock::parse_detail {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(c));
  return buf;
}

bool is_plain_word(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
}

}  // namespace

PreparedSource prepare_source(std::string_view text, const std::string& file, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return {{}, parse_error("doc.too-large", file, {}, {},
                            "the file is " + std::to_string(text.size()) + " bytes; the limit is " +
                                std::to_string(limits.max_bytes))};
  }
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  if (auto bad = find_invalid_utf8(text)) {
    std::size_t offset = LineIndex(text).offset_of(bad->line, bad->column);
    return {{}, parse_error("doc.utf8", file, *bad, {},
                            "invalid UTF-8 byte " + hex_byte(static_cast<unsigned char>(text[offset])))};
  }
  return {text, std::nullopt};
}

LineIndex::LineIndex(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

Mark LineIndex::mark_from_bytes(int line0, int byte_column0) const {
  if (line0 < 0 || byte_column0 < 0) return {};
  if (static_cast<std::size_t>(line0) >= line_starts_.size()) return {line0 + 1, byte_column0 + 1};
  std::size_t start = line_starts_[static_cast<std::size_t>(line0)];
  std::size_t end = std::min(text_.size(), start + static_cast<std::size_t>(byte_column0));
  int chars = 0;
  for (std::size_t i = start; i < end; ++i) {
    if (!is_continuation(static_cast<unsigned char>(text_[i]))) ++chars;
  }
  // Columns past the end of the text (yaml-cpp's end-of-stream marks) keep their byte distance.
  chars += static_cast<int>(start + static_cast<std::size_t>(byte_column0) - end);
  return {line0 + 1, chars + 1};
}

std::size_t LineIndex::offset_of(int line1, int column1) const {
  if (line1 < 1) return 0;
  if (static_cast<std::size_t>(line1) > line_starts_.size()) return text_.size();
  std::size_t i = line_starts_[static_cast<std::size_t>(line1 - 1)];
  for (int col = 1; col < column1 && i < text_.size(); ++col) {
    ++i;
    while (i < text_.size() && is_continuation(static_cast<unsigned char>(text_[i]))) ++i;
  }
  return i;
}

void NodeBudget::take(Mark where, int depth, const std::string& key_path) {
  if (depth > limits_.max_depth) {
    throw ParseAbort{parse_error("doc.too-deep", file_, where, key_path,
                                 "values are nested more than " + std::to_string(limits_.max_depth) +
                                     " levels deep")};
  }
  if (++nodes_ > limits_.max_nodes) {
    throw ParseAbort{parse_error("doc.too-many-nodes", file_, where, key_path,
                                 "the document has more than " + std::to_string(limits_.max_nodes) +
                                     " values")};
  }
}

std::string key_path_child(const std::string& parent, std::string_view key) {
  std::string part = is_plain_word(key) ? std::string(key) : "\"" + std::string(key) + "\"";
  return parent.empty() ? part : parent + "." + part;
}

std::string key_path_index(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

Diagnostic parse_error(std::string code, const std::string& file, Mark where, std::string key_path,
                       std::string message) {
  return error_at(std::move(code), Location{file, where.line, where.column}, std::move(key_path),
                  std::move(message));
}

}  // namespace sandlock::parse_detail
