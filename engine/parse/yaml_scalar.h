// Typing of YAML scalars by the YAML 1.2 core schema (private to engine/parse).
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "engine/parse/document.h"

namespace sandlock::parse_detail {

// A typed scalar (kind, value and `text` filled; mark left to the caller) or the reason it
// cannot be represented, e.g. an integer outside the 64-bit range.
struct ScalarProblem {
  std::string code;
  std::string message;
};
using ScalarResult = std::variant<Node, ScalarProblem>;

// Plain (unquoted, untagged) scalar: null, bool, int, float or string per the core schema.
ScalarResult resolve_plain_scalar(std::string_view text);

// A scalar written with tag (yaml-cpp spelling: "?" plain, "!" quoted, or a full tag URI).
ScalarResult resolve_tagged_scalar(std::string_view tag, std::string_view text);

}  // namespace sandlock::parse_detail
