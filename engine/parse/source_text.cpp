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

std::optional<std::size_t> find_invalid_utf8_offset(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

// YAML and TOML forbid C0 controls other than tab and line breaks, and DEL; yaml-cpp would
// instead take NUL bytes as a sign of UTF-16/32 and read the text in another encoding.
std::optional<std::size_t> find_control_character(std::string_view text) {
  auto bad = std::find_if(text.begin(), text.end(), [](char ch) {
    const unsigned char c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
  });
  return bad == text.end() ? std::nullopt : std::optional<std::size_t>(bad - text.begin());
}

PreparedSource prepare_source(std::string_view text, const std::string& file, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return {{}, parse_error("doc.too-large", file, {}, {},
                            "the file is " + std::to_string(text.size()) + " bytes; the limit is " +
                                std::to_string(limits.max_bytes))};
  }
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  auto byte_at = [&](std::size_t offset) { return hex_byte(static_cast<unsigned char>(text[offset])); };
  if (auto bad = find_invalid_utf8_offset(text)) {
    return {{}, parse_error("doc.utf8", file, LineIndex(text).mark_at(*bad), {}, "invalid UTF-8 byte " + byte_at(*bad))};
  }
  if (auto control = find_control_character(text)) {
    return {{}, parse_error("doc.control-char", file, LineIndex(text).mark_at(*control), {},
                            "control character " + byte_at(*control) + " is not allowed (YAML and TOML both forbid it)")};
  }
  return {text, std::nullopt};
}

LineIndex::LineIndex(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  std::size_t code_points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i % kBlock == 0) block_code_points_.push_back(code_points);
    if (!is_continuation(static_cast<unsigned char>(text[i]))) ++code_points;
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
  block_code_points_.push_back(code_points);  // for offset == text.size() on a block boundary
}

std::size_t LineIndex::code_points_before(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  std::size_t block = offset / kBlock;
  std::size_t count = block_code_points_[block];
  for (std::size_t i = block * kBlock; i < offset; ++i) {
    if (!is_continuation(static_cast<unsigned char>(text_[i]))) ++count;
  }
  return count;
}

Mark LineIndex::mark_at(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  auto next_line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const std::size_t line = static_cast<std::size_t>(next_line - line_starts_.begin());  // 1-based
  const std::size_t start = line_starts_[line - 1];
  return {static_cast<int>(line), static_cast<int>(code_points_before(offset) - code_points_before(start)) + 1};
}

Mark LineIndex::mark_from_bytes(int line0, int byte_column0) const {
  if (line0 < 0 || byte_column0 < 0) return {};
  if (static_cast<std::size_t>(line0) >= line_starts_.size()) return {line0 + 1, byte_column0 + 1};
  const std::size_t start = line_starts_[static_cast<std::size_t>(line0)];
  const std::size_t target = start + static_cast<std::size_t>(byte_column0);
  const std::size_t end = std::min(text_.size(), target);
  // Columns past the end of the text (yaml-cpp's end-of-stream marks) keep their byte distance.
  const std::size_t chars = code_points_before(end) - code_points_before(start) + (target - end);
  return {line0 + 1, static_cast<int>(chars) + 1};
}

std::size_t LineIndex::offset_of(int line1, int column1) const {
  if (line1 < 1) return 0;
  if (static_cast<std::size_t>(line1) > line_starts_.size()) return text_.size();
  const std::size_t start = line_starts_[static_cast<std::size_t>(line1 - 1)];
  const std::size_t wanted = code_points_before(start) + static_cast<std::size_t>(std::max(column1, 1) - 1);
  // The last block starting with no more than `wanted` code points before it, then walk.
  auto after = std::upper_bound(block_code_points_.begin(), block_code_points_.end(), wanted);
  std::size_t block = static_cast<std::size_t>(after - block_code_points_.begin()) - 1;
  std::size_t i = std::max(start, std::min(block * kBlock, text_.size()));
  std::size_t count = code_points_before(i);
  while (i < text_.size() && (count < wanted || is_continuation(static_cast<unsigned char>(text_[i])))) {
    if (!is_continuation(static_cast<unsigned char>(text_[i]))) ++count;
    ++i;
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
