// Variable expansion and lexical path normalization for profile strings.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "engine/validate/profile.h"

namespace sandlock {

struct TextError {
  std::string code;
  std::string message;
  std::string hint;
  std::size_t offset = 0;  // byte offset in the input the problem starts at
};

// Expands ${HOME}, ${PWD}, ${TMPDIR}, ${env:NAME} and ${env:NAME:-default}.
// "$$" is a literal '$' (so a path can spell "$${HOME}" verbatim); a '$' not
// followed by '{' or '$' is kept as is. Defaults are literal text.
std::optional<std::string> expand_variables(std::string_view text, const ExpandEnv& env, TextError& error);

// Absolute, lexically normalized: "//" collapsed, "." dropped, ".." resolved
// (above "/" is an error), no trailing slash except "/". Symlinks untouched.
std::optional<std::string> normalize_absolute_path(std::string_view path, TextError& error);

}  // namespace sandlock
