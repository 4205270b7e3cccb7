#include "engine/parse/toml_prescan.h"

#include <cctype>

namespace sandlock::parse_detail {

namespace {

// Walks the text once, keeping the line and character column of the cursor.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  bool looking_at(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
  Mark mark() const { return at_; }
  void advance() {
    if (text_[pos_] == '\n') {
      at_ = {at_.line + 1, 1};
    } else if ((static_cast<unsigned char>(text_[pos_]) & 0xC0) != 0x80) {
      ++at_.column;
    }
    ++pos_;
  }
  void advance(std::size_t n) {
    for (std::size_t i = 0; i < n && !done(); ++i) advance();
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  Mark at_{1, 1};
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
  Mark chain_start;
  auto part = [&](Mark at) {
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
      part(c.mark());
      skip_string(c);
    } else if (is_bare_key_char(ch)) {
      part(c.mark());
      while (is_bare_key_char(c.peek())) c.advance();
    } else if (ch == '.' && parts > 0 && !after_dot) {
      after_dot = true;
      c.advance();
    } else {
      parts = 0;
      after_dot = false;
      c.advance();
    }
    if (parts > max_parts) return chain_start;
  }
  return std::nullopt;
}

}  // namespace sandlock::parse_detail
