// libFuzzer target: arbitrary bytes through both readers and every renderer.
// Invariants: no crash, no leak, and a result is either a document or at least one error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/diag/render.h"
#include "engine/parse/document.h"

namespace {

void check(const sandlock::ParseResult& result) {
  const bool has_doc = result.document.has_value();
  if (has_doc == sandlock::has_errors(result.diagnostics)) std::abort();  // exactly one of the two
  for (auto format : {sandlock::DiagFormat::Text, sandlock::DiagFormat::Json, sandlock::DiagFormat::Github,
                      sandlock::DiagFormat::Sarif}) {
    if (!result.diagnostics.empty() && sandlock::render(result.diagnostics, format).empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(sandlock::parse_yaml(text, "fuzz.yaml"));
  check(sandlock::parse_toml(text, "fuzz.toml"));
  return 0;
}
