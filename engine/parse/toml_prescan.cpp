#include "engine/parse/toml_prescan.h"

#include <algorithm>
#include <cctype>

#include "engine/parse/source_text.h"

namespace sandlock::parse_detail {

namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool looking_at(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
  std::size_t offset() const { return pos_; }
  void advance(std::size_t n = 1) { pos_ = std::min(text_.size(), pos_ + n); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

bool is_bare_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Skips a string starting at the cursor; single-line strings stop at the newline
// (toml++ rejects them there, so nothing after matters).
void skip_string(Cursor& c) {
  const char quote = c.peek();
  const std::string_view triple = quote == '"' ? "\"\"\"" : "'''";
  const bool multi_line = c.looking_at(triple);
  c.advance(multi_line ? 3 : 1);
  while (!c.done()) {
    if (multi_line && c.looking_at(triple)) {
      c.advance(3);
      while (c.peek() == quote) c.advance();  // up to two quotes may end the content
      return;
    }
    if (!multi_line && (c.peek() == quote || c.peek() == '\n')) {
      c.advance();
      return;
    }
    if (quote == '"' && c.peek() == '\\') c.advance();
    if (!c.done()) c.advance();
  }
}

}  // namespace

std::optional<Mark> find_overlong_dotted_key(std::string_view text, int max_parts) {
  Cursor c(text);
  int parts = 0;               // parts of the dotted chain being read
  bool after_dot = false;      // the chain ended in '.', the next part may follow
  std::size_t chain_start = 0;
  auto part = [&](std::size_t at) {
    if (parts == 0 || !after_dot) {
      parts = 0;
      chain_start = at;
    }
    ++parts;
    after_dot = false;
  };
  while (!c.done()) {
    const char ch = c.peek();
    if (ch == ' ' || ch == '\t') {
      c.advance();
    } else if (ch == '#') {
      while (!c.done() && c.peek() != '\n') c.advance();
    } else if (ch == '"' || ch == '\'') {
      part(c.offset());
      skip_string(c);
    } else if (is_bare_key_char(ch)) {
      part(c.offset());
      while (is_bare_key_char(c.peek())) c.advance();
    } else if (ch == '.' && parts > 0 && !after_dot) {
      after_dot = true;
      c.advance();
    } else {
      parts = 0;
      after_dot = false;
      c.advance();
    }
    if (parts > max_parts) return LineIndex(text).mark_at(chain_start);
  }
  return std::nullopt;
}

std::optional<Mark> find_non_ascii_outside_strings(std::string_view text) {
  Cursor c(text);
  while (!c.done()) {
    const char ch = c.peek();
    if (ch == '#') {
      while (!c.done() && c.peek() != '\n') c.advance();
    } else if (ch == '"' || ch == '\'') {
      skip_string(c);
    } else if (static_cast<unsigned char>(ch) >= 0x80) {
      return LineIndex(text).mark_at(c.offset());
    } else {
      c.advance();
    }
  }
  return std::nullopt;
}

}  // namespace sandlock::parse_detail
