// Helpers for validate's tests: parse a profile text and validate it, render diagnostics compactly.
#pragma once

#include <string>
#include <vector>

#include "engine/parse/document.h"
#include "engine/validate/profile.h"
#include "tests/support/test_paths.h"

namespace sandlock::testing {

inline ExpandEnv test_env() { return ExpandEnv{{{"HOME", "/home/ada"}, {"DATA", "/srv/data"}}, "/work/site"}; }

// "file:line:col code key.path: message [hint]"
inline std::string render_one(const Diagnostic& d) {
  std::string out = d.where.file + ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + " " +
                    d.code + " " + d.key_path + ": " + d.message;
  if (!d.hint.empty()) out += " [" + d.hint + "]";
  return out;
}

inline std::vector<std::string> render_all(const Diagnostics& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags) out.push_back(render_one(d));
  return out;
}

// Parses `text` (format from the file name) and validates it; parse errors are returned as they are.
inline ValidateResult validate_text(const std::string& text, const std::string& file, const ExpandEnv& env = test_env()) {
  ParseResult parsed = parse_text(text, file, format_for_path(file));
  if (!parsed.document) return ValidateResult{std::nullopt, parsed.diagnostics};
  return validate(*parsed.document, env);
}

inline std::vector<std::string> errors_of(const std::string& text, const std::string& file) {
  return render_all(validate_text(text, file).diagnostics);
}

}  // namespace sandlock::testing
