// validate(): the schema check for shape, then the semantic checks; every error in the file at once.
#include <algorithm>

#include "engine/parse/document.h"
#include "engine/validate/profile.h"
#include "engine/validate/profile_builder.h"
#include "engine/validate/schema_check.h"

namespace sandlock {
namespace {

bool at_or_below(const std::string& path, const std::string& ancestor) {
  if (!path.starts_with(ancestor)) return false;
  return path.size() == ancestor.size() || path[ancestor.size()] == '.' || path[ancestor.size()] == '[';
}

// The semantic checks say more about a value than a schema pattern does (a net rule's port, a
// protection's name), so a schema error is dropped when a semantic one sits at or under it.
void drop_superseded(Diagnostics& schema, const Diagnostics& semantic) {
  std::erase_if(schema, [&](const Diagnostic& s) {
    if (s.key_path.empty()) return false;
    return std::any_of(semantic.begin(), semantic.end(),
                       [&](const Diagnostic& d) { return at_or_below(d.key_path, s.key_path); });
  });
}

}  // namespace

ValidateResult validate(const Document& doc, const ExpandEnv& env) {
  ValidateResult result;
  Diagnostics schema = check_schema(doc);
  Diagnostics semantic;
  Profile profile = ProfileBuilder(doc, env, semantic).build();
  drop_superseded(schema, semantic);
  result.diagnostics = std::move(schema);
  result.diagnostics.insert(result.diagnostics.end(), semantic.begin(), semantic.end());
  sort_diagnostics(result.diagnostics);
  if (!has_errors(result.diagnostics)) result.profile = std::move(profile);
  return result;
}

}  // namespace sandlock
