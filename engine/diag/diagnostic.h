// The one type that carries every error, warning and note from every stage.
#pragma once

#include <string>
#include <vector>

namespace sandlock {

enum class Severity { Error, Warning, Info };

// Where something was written: a file and a 1-based line and column (0 = unknown).
struct Location {
  std::string file;
  int line = 0;
  int column = 0;

  auto operator<=>(const Location&) const = default;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;      // stable id, e.g. "schema.unknown-key", "net.bad-port"
  Location where;
  std::string key_path;  // e.g. "network.allow[2]"; empty for file-level problems
  std::string message;   // what is wrong and what was expected
  std::string hint;      // e.g. "did you mean 'write'?"; may be empty
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& diags);

// Convenience constructors so stages read as prose.
Diagnostic error_at(std::string code, Location where, std::string key_path, std::string message,
                    std::string hint = {});
Diagnostic warning_at(std::string code, Location where, std::string key_path, std::string message,
                      std::string hint = {});

// Orders diagnostics by file, line, column, so output is deterministic.
void sort_diagnostics(Diagnostics& diags);

}  // namespace sandlock
