// did-you-mean for validate: the shared edit distance, plus swapped neighbours ("raed" → "read"),
// the commonest typo, which plain Levenshtein counts as two edits.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace sandlock {

std::string suggest(std::string_view word, std::span<const std::string> candidates);

}  // namespace sandlock
