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

}  // namespace sandlock::parse_detail
