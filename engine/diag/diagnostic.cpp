#include "engine/diag/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace sandlock {

bool has_errors(const Diagnostics& diags) {
  return std::any_of(diags.begin(), diags.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

Diagnostic error_at(std::string code, Location where, std::string key_path, std::string message,
                    std::string hint) {
  return Diagnostic{Severity::Error, std::move(code), std::move(where), std::move(key_path),
                    std::move(message), std::move(hint)};
}

Diagnostic warning_at(std::string code, Location where, std::string key_path, std::string message,
                      std::string hint) {
  return Diagnostic{Severity::Warning, std::move(code), std::move(where), std::move(key_path),
                    std::move(message), std::move(hint)};
}

void sort_diagnostics(Diagnostics& diags) {
  std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) <
           std::tie(b.where.file, b.where.line, b.where.column);
  });
}

}  // namespace sandlock
