// Helpers shared by the parse tests.
#pragma once

#include <cmath>
#include <string>

#include "engine/diag/render.h"
#include "engine/parse/document.h"

namespace sandlock::testing {

// Structural equality that ignores marks and the source spelling of non-strings,
// so a YAML and a TOML spelling of the same data compare equal.
inline bool same_tree(const Node& a, const Node& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Node::Kind::Null: return true;
    case Node::Kind::Bool: return a.boolean == b.boolean;
    case Node::Kind::Int: return a.integer == b.integer;
    case Node::Kind::Float: return a.real == b.real || (std::isnan(a.real) && std::isnan(b.real));
    case Node::Kind::String: return a.text == b.text;
    case Node::Kind::Seq:
      if (a.items.size() != b.items.size()) return false;
      for (std::size_t i = 0; i < a.items.size(); ++i) {
        if (!same_tree(a.items[i], b.items[i])) return false;
      }
      return true;
    case Node::Kind::Map:
      if (a.entries.size() != b.entries.size()) return false;
      for (std::size_t i = 0; i < a.entries.size(); ++i) {
        if (a.entries[i].key != b.entries[i].key || !same_tree(a.entries[i].value, b.entries[i].value)) return false;
      }
      return true;
  }
  return false;
}

// The diagnostics as the text renderer prints them: golden strings read like the CLI output.
inline std::string rendered(const ParseResult& r) { return render(r.diagnostics, DiagFormat::Text); }

}  // namespace sandlock::testing
