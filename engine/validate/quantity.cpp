#include "engine/validate/quantity.h"

#include <array>
#include <cctype>
#include <charconv>

#include "engine/util/text.h"

namespace sandlock {
namespace {

struct Unit {
  std::string_view suffix;
  std::uint64_t factor;
};

constexpr std::array<Unit, 14> kSizeUnits = {{
    {"", 1}, {"b", 1},
    {"k", 1ULL << 10}, {"kb", 1ULL << 10}, {"kib", 1ULL << 10},
    {"m", 1ULL << 20}, {"mb", 1ULL << 20}, {"mib", 1ULL << 20},
    {"g", 1ULL << 30}, {"gb", 1ULL << 30}, {"gib", 1ULL << 30},
    {"t", 1ULL << 40}, {"tb", 1ULL << 40}, {"tib", 1ULL << 40},
}};
constexpr std::array<Unit, 4> kTimeUnits = {{{"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}}};

template <std::size_t N>
std::optional<std::uint64_t> parse_scaled(std::string_view text, const std::array<Unit, N>& units,
                                          std::string_view expected, std::string& error) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string_view suffix = text.substr(static_cast<std::size_t>(end - text.data()));
  while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
  const std::string unit = to_lower(suffix);
  const Unit* match = nullptr;
  for (const auto& u : units)
    if (u.suffix == unit) match = &u;
  if (end == text.data() || !match || (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
    error = "'" + std::string(text) + "' is not " + std::string(expected);
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || n > UINT64_MAX / match->factor) {
    error = "'" + std::string(text) + "' is too large";
    return std::nullopt;
  }
  if (n == 0) {
    error = "limit must be greater than zero";
    return std::nullopt;
  }
  return n * match->factor;
}

}  // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text, std::string& error) {
  return parse_scaled(text, kSizeUnits, "a size such as 512M or 1G", error);
}

std::optional<std::uint64_t> parse_duration_seconds(std::string_view text, std::string& error) {
  return parse_scaled(text, kTimeUnits, "a duration such as 60, 60s or 5m", error);
}

}  // namespace sandlock
