// LineIndex converts between byte columns and character columns; it must agree with a
// plain walk over the text at every position, across its internal 64-byte blocks.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "engine/parse/source_text.h"

namespace sandlock::parse_detail {
namespace {

// The obvious O(n) answers, for comparison.
Mark naive_mark(std::string_view text, std::size_t offset) {
  Mark at{1, 1};
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      at = {at.line + 1, 1};
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++at.column;
    }
  }
  return at;
}

std::size_t naive_line_start(std::string_view text, std::size_t offset) {
  if (offset == 0) return 0;
  std::size_t newline = text.rfind('\n', offset - 1);
  return newline == std::string_view::npos ? 0 : newline + 1;
}

rc::Gen<std::string> gen_text() {
  // ASCII, line breaks and 2-, 3- and 4-byte characters, long enough to span several blocks.
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(
                          rc::gen::element<std::string>("a", "b", "\n", "é", "€", "𝄞", " ")),
                      [](const std::vector<std::string>& parts) {
                        std::string s;
                        for (int copies = 0; copies < 3; ++copies) {
                          for (const auto& p : parts) s += p;
                        }
                        return s;
                      });
}

TEST(LineIndex, AgreesWithANaiveWalkAtEveryCharacter) {
  EXPECT_TRUE(rc::check("mark_at, mark_from_bytes and offset_of agree with a plain walk", [] {
    const std::string text = *gen_text();
    LineIndex index(text);
    for (std::size_t offset = 0; offset <= text.size(); ++offset) {
      if (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) continue;
      const Mark expected = naive_mark(text, offset);
      const std::size_t line_start = naive_line_start(text, offset);
      const Mark got = index.mark_from_bytes(expected.line - 1, static_cast<int>(offset - line_start));
      RC_ASSERT(got.line == expected.line);
      RC_ASSERT(got.column == expected.column);
      RC_ASSERT(index.offset_of(expected.line, expected.column) == offset);
      const Mark direct = index.mark_at(offset);
      RC_ASSERT(direct.line == expected.line);
      RC_ASSERT(direct.column == expected.column);
    }
  }));
}

TEST(LineIndex, LongLinesWithWideCharactersKeepExactMarks) {
  std::string text = "a: [";
  for (int i = 0; i < 500; ++i) text += "\"é€\", ";
  text += "x]\n";
  ParseResult r = parse_yaml(text, "long.yaml");
  ASSERT_TRUE(r.document);
  const Node& list = r.document->root.entries[0].value;
  ASSERT_EQ(list.items.size(), 501u);
  EXPECT_EQ(list.items[0].mark.column, 5);
  EXPECT_EQ(list.items[499].mark.column, 5 + 499 * 6);
  EXPECT_EQ(list.items[500].mark.column, 5 + 500 * 6);
  EXPECT_EQ(list.items[500].text, "x");
}

}  // namespace
}  // namespace sandlock::parse_detail
