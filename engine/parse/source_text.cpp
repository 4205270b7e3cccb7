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

std::optional<BadByte> locate_invalid_utf8(std::string_view text) {
  Mark at{1, 1};
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return BadByte{at, i};
    if (text[i] == '\n') {
      at = {at.line + 1, 1};
    } else {
      ++at.column;
    }
    i += length;
  }
  return std::nullopt;
}

// YAML and TOML forbid C0 controls other than tab and line breaks, and DEL; yaml-cpp would
// instead take NUL bytes as a sign of UTF-16/32 and read the text in another encoding.
std::optional<BadByte> find_control_character(std::string_view text) {
  Mark at{1, 1};
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return BadByte{at, i};
    if (c == '\n') {
      at = {at.line + 1, 1};
    } else if (!is_continuation(c)) {
      ++at.column;
    }
  }
  return std::nullopt;
}

PreparedSource prepare_source(std::string_view text, const std::string& file, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return {{}, parse_error("doc.too-large", file, {}, {},
                            "the file is " + std::to_string(text.size()) + " bytes; the limit is " +
                                std::to_string(limits.max_bytes))};
  }
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  if (auto bad = locate_invalid_utf8(text)) {
    return {{}, parse_error("doc.utf8", file, bad->mark, {},
                            "invalid UTF-8 byte " + hex_byte(static_cast<unsigned char>(text[bad->offset])))};
  }
  if (auto control = find_control_character(text)) {
    return {{}, parse_error("doc.control-char", file, control->mark, {},
                            "control character " + hex_byte(static_cast<unsigned char>(text[control->offset])) +
                                " is not allowed (YAML and TOML both forbid it)")};
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
