// Reads the JSON Schema the way validate's messages need it: which subschemas apply
// at a spot, what types and keys they allow.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/parse/document.h"

namespace sandlock {

using SchemaAlts = std::vector<const nlohmann::json*>;

class SchemaView {
 public:
  explicit SchemaView(const nlohmann::json& root) : root_(root) {}

  // The subschema itself plus what its $ref, anyOf, oneOf and allOf lead to.
  SchemaAlts expand(const nlohmann::json& schema) const;
  SchemaAlts root() const { return expand(root_); }
  // The subschemas for a map entry (`key`) or list item of `parent`.
  SchemaAlts child(const SchemaAlts& alts, const Node& parent, const std::string& key) const;

  // JSON Schema type names ("integer", "array", ...) the alternatives accept; empty = any.
  static std::set<std::string> types(const SchemaAlts& alts);
  static bool kind_allowed(Node::Kind kind, const std::set<std::string>& types);
  // "a list of strings", "an integer or a string" ...
  std::string expected(const SchemaAlts& alts, SourceFormat format) const;

  // For a map: is `key` allowed, and the property names it lists (for did-you-mean).
  static bool key_allowed(const SchemaAlts& alts, const std::string& key);
  static std::vector<std::string> property_names(const SchemaAlts& alts);
  static std::vector<std::string> required_names(const SchemaAlts& alts);
  static bool names_by_pattern(const SchemaAlts& alts);  // keys are free-form (patternProperties)
  static const nlohmann::json* find_keyword(const SchemaAlts& alts, const char* keyword);

 private:
  const nlohmann::json& root_;
};

}  // namespace sandlock
