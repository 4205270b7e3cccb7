// Checks and position arithmetic shared by the YAML and TOML readers (private to engine/parse).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/parse/document.h"

namespace sandlock::parse_detail {

// Thrown inside a reader to stop at the first problem; never escapes engine/parse.
struct ParseAbort {
  Diagnostic diagnostic;
};

// A byte that makes the text unreadable: where an editor shows it, and its offset.
struct BadByte {
  Mark mark;
  std::size_t offset;
};
// The first ill-formed UTF-8 sequence.
std::optional<BadByte> locate_invalid_utf8(std::string_view text);
// The first control character other than tab, CR and LF (text must be valid UTF-8).
std::optional<BadByte> find_control_character(std::string_view text);

// The text a reader should see: the BOM is gone, size and encoding are checked.
struct PreparedSource {
  std::string_view body;
  std::optional<Diagnostic> problem;
};
PreparedSource prepare_source(std::string_view text, const std::string& file, const ParseLimits& limits);

// Converts between byte offsets and 1-based character (code point) columns, so both
// formats report columns the way an editor shows them (yaml-cpp counts bytes, toml++
// counts code points).
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  // 0-based line and byte column (yaml-cpp's Mark) → 1-based line and character column.
  Mark mark_from_bytes(int line0, int byte_column0) const;
  // 1-based line and character column → byte offset into the text (clamped to the text).
  std::size_t offset_of(int line1, int column1) const;

 private:
  std::string_view text_;
  std::vector<std::size_t> line_starts_;
};

// Counts nodes and nesting against ParseLimits; throws ParseAbort when either is exceeded.
class NodeBudget {
 public:
  NodeBudget(const ParseLimits& limits, const std::string& file) : limits_(limits), file_(file) {}
  void take(Mark where, int depth, const std::string& key_path);

 private:
  const ParseLimits& limits_;
  const std::string& file_;
  std::size_t nodes_ = 0;
};

// "network" + "allow" → "network.allow"; keys that are not plain words are quoted.
std::string key_path_child(const std::string& parent, std::string_view key);
std::string key_path_index(const std::string& parent, std::size_t index);

Diagnostic parse_error(std::string code, const std::string& file, Mark where, std::string key_path,
                       std::string message);

}  // namespace sandlock::parse_detail
