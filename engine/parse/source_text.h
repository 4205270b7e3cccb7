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

// Byte offset of the first ill-formed UTF-8 sequence.
std::optional<std::size_t> find_invalid_utf8_offset(std::string_view text);
// Byte offset of the first control character other than tab, CR and LF.
std::optional<std::size_t> find_control_character(std::string_view text);

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
  // Byte offset → 1-based line and character column.
  Mark mark_at(std::size_t offset) const;
  // 0-based line and byte column (yaml-cpp's Mark) → 1-based line and character column.
  Mark mark_from_bytes(int line0, int byte_column0) const;
  // 1-based line and character column → byte offset into the text (clamped to the text).
  std::size_t offset_of(int line1, int column1) const;

 private:
  // Code points before byte `offset`, in O(kBlock): a one-line file with a million values
  // must not make every lookup walk the line from its start.
  std::size_t code_points_before(std::size_t offset) const;
  static constexpr std::size_t kBlock = 64;

  std::string_view text_;
  std::vector<std::size_t> line_starts_;
  std::vector<std::size_t> block_code_points_;  // code points before byte i * kBlock
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
