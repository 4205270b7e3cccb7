// Small text helpers shared by every stage.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sandlock {

std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate within a small edit distance (about a third of the word,
// at least 1, at most 3), or nullopt when nothing is close enough.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates);
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates);

// "did you mean 'x'?" or "" when nothing is close.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

std::string to_lower(std::string_view s);
// `s` with control characters (newline, tab, escape, ...) written as \xNN: text a profile
// supplied, safe to print on a line of its own output (no line, terminal sequence or
// workflow command of the profile's making).
std::string printable(std::string_view s);
std::string join(std::span<const std::string> parts, std::string_view sep);
bool starts_with(std::string_view s, std::string_view prefix);

}  // namespace sandlock
