#include "engine/validate/suggest.h"

#include <utility>

#include "engine/util/text.h"

namespace sandlock {
namespace {

bool one_swap_apart(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i + 1 < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    std::string swapped = a;
    std::swap(swapped[i], swapped[i + 1]);
    return swapped == b;
  }
  return false;
}

}  // namespace

std::string suggest(std::string_view word, std::span<const std::string> candidates) {
  std::string hint = did_you_mean(word, candidates);
  if (!hint.empty()) return hint;
  const std::string w = to_lower(word);
  for (const auto& c : candidates)
    if (one_swap_apart(w, to_lower(c))) return "did you mean '" + c + "'?";
  return {};
}

}  // namespace sandlock
