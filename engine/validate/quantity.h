// Limit values: byte sizes ("512M", "1GiB") and durations ("60s", "5m").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sandlock {

// Digits with an optional K/M/G/T suffix (powers of 1024, case-insensitive, optional
// "iB"/"B"), or a plain "B". Zero and overflow are errors; `error` says why.
std::optional<std::uint64_t> parse_byte_size(std::string_view text, std::string& error);

// Digits with an optional s/m/h suffix, in seconds. Zero and overflow are errors.
std::optional<std::uint64_t> parse_duration_seconds(std::string_view text, std::string& error);

}  // namespace sandlock
