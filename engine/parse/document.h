// Document: the format-neutral tree that YAML and TOML both parse into.
// Every node keeps the line and column it was written at, so every later
// stage can point a diagnostic at the exact spot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/diag/diagnostic.h"

namespace sandlock {

enum class SourceFormat { Yaml, Toml };

struct Mark {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

struct Node;

struct MapEntry;

struct Node {
  enum class Kind { Null, Bool, Int, Float, String, Seq, Map };

  Kind kind = Kind::Null;
  Mark mark;
  bool boolean = false;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;              // String (and the source spelling of other scalars)
  std::vector<Node> items;       // Seq
  std::vector<MapEntry> entries;  // Map, in source order, keys unique
  // String: 1-based column of text[0] when the characters map one-to-one onto a single source
  // line (e.g. a plain YAML scalar), so diagnostics can point inside the value; 0 = unknown.
  int text_column = 0;

  const Node* find(std::string_view key) const;  // Map lookup; nullptr if absent
  const MapEntry* find_entry(std::string_view key) const;
  bool is_scalar() const { return kind != Kind::Seq && kind != Kind::Map; }
};

struct MapEntry {
  std::string key;
  Mark key_mark;
  Node value;
};

// Human name of a kind for messages: "a string", "a list", "a table/mapping" ...
std::string kind_name(Node::Kind kind);

struct Document {
  std::string file;  // as given by the caller, used in diagnostics
  SourceFormat format = SourceFormat::Yaml;
  Node root;
};

struct ParseResult {
  std::optional<Document> document;  // absent when the text could not be parsed
  Diagnostics diagnostics;
};

// Limits that keep hostile input from exhausting memory or stack.
struct ParseLimits {
  std::size_t max_bytes = 16 * 1024 * 1024;
  int max_depth = 64;
  std::size_t max_nodes = 4 * 1024 * 1024;
};

// YAML: anchors/aliases and merge keys are rejected (they are the vector for
// "billion laughs" and make provenance ambiguous); duplicate keys are errors;
// plain scalars are typed by the YAML 1.2 core schema, quoted ones are strings.
ParseResult parse_yaml(std::string_view text, const std::string& file, const ParseLimits& limits = {});
// TOML 1.0 via toml++; dates/times are rejected as unsupported values.
ParseResult parse_toml(std::string_view text, const std::string& file, const ParseLimits& limits = {});

// Picks the parser from the file extension (.toml → TOML, otherwise YAML).
SourceFormat format_for_path(std::string_view path);
ParseResult parse_text(std::string_view text, const std::string& file, SourceFormat format,
                       const ParseLimits& limits = {});

// Reports the first invalid UTF-8 sequence as line/column, if any.
std::optional<Mark> find_invalid_utf8(std::string_view text);

}  // namespace sandlock
