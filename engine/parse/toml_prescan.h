// A lexical pre-check for TOML (private to engine/parse).
#pragma once

#include <optional>
#include <string_view>

#include "engine/parse/document.h"

namespace sandlock::parse_detail {

// toml++ bounds inline nesting but not dotted keys: `a.a.a…= 1` with 100,000 parts overflows
// its stack. Returns where the first dotted key (or [table.header]) with more than max_parts
// parts starts, skipping strings and comments; nullopt when every key is short enough.
std::optional<Mark> find_overlong_dotted_key(std::string_view text, int max_parts);

// TOML 1.0 allows non-ASCII text only in strings and comments, and toml++ 3.3 reaches
// undefined behaviour (TOML_UNREACHABLE in its whitespace tables) on some such characters
// elsewhere, e.g. U+0445 before a space (found by fuzz_parse). Returns where the first one
// outside strings and comments starts; nullopt when there is none.
std::optional<Mark> find_non_ascii_outside_strings(std::string_view text);

}  // namespace sandlock::parse_detail
