#include "engine/validate/schema_check.h"

#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <array>

#include "engine/util/text.h"
#include "engine/validate/key_path.h"
#include "engine/util/text.h"
#include "engine/validate/profile.h"
#include "engine/validate/schema_view.h"

namespace sandlock {
namespace {

using nlohmann::json;

json to_json(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null: return nullptr;
    case Node::Kind::Bool: return n.boolean;
    case Node::Kind::Int: return n.integer;
    case Node::Kind::Float: return n.real;
    case Node::Kind::String: return n.text;
    case Node::Kind::Seq: {
      json out = json::array();
      for (const auto& item : n.items) out.push_back(to_json(item));
      return out;
    }
    case Node::Kind::Map: {
      json out = json::object();
      for (const auto& e : n.entries) out[e.key] = to_json(e.value);
      return out;
    }
  }
  return nullptr;
}

// valijson also reports every ancestor of a failing value with these; the value's own error says more.
constexpr std::array<std::string_view, 4> kWrapperErrors = {
    "Failed to validate item #",
    "Failed to validate against schema associated with",
    "Failed to validate against additional properties schema",
    "Failed to validate against dependent schema",
};

std::string name_patterns(const SchemaAlts& alts) {
  std::vector<std::string> patterns;
  if (const json* pats = SchemaView::find_keyword(alts, "patternProperties"))
    for (const auto& [pattern, sub] : pats->items()) patterns.push_back(pattern);
  return join(patterns, " or ");
}

bool is_wrapper(const std::string& description) {
  return std::any_of(kWrapperErrors.begin(), kWrapperErrors.end(),
                     [&](std::string_view w) { return starts_with(description, w); });
}

std::string spelling(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Int: return std::to_string(n.integer);
    case Node::Kind::Bool: return n.boolean ? "true" : "false";
    case Node::Kind::Float:
    case Node::Kind::String: return n.text;
    default: return {};
  }
}

// One failing value: where it is in the document and which subschemas apply there.
struct Spot {
  const Node* node = nullptr;
  Mark mark;
  std::string key_path;
  SchemaAlts alts;
};

class ErrorMapper {
 public:
  ErrorMapper(const Document& doc, const SchemaView& schema, Diagnostics& out)
      : doc_(doc), schema_(schema), out_(out) {}

  // Context is valijson's ["<root>", "[network]", "[allow]", "[2]"].
  Spot locate(const std::vector<std::string>& context) const {
    Spot s{&doc_.root, doc_.root.mark, "", schema_.root()};
    for (std::size_t i = 1; i < context.size() && s.node; ++i) {
      const std::string& seg = context[i];
      const std::string key = seg.size() >= 2 ? seg.substr(1, seg.size() - 2) : seg;
      s.alts = schema_.child(s.alts, *s.node, key);
      if (s.node->kind == Node::Kind::Map) {
        const MapEntry* e = s.node->find_entry(key);
        if (!e) break;
        s.key_path = key_path_child(s.key_path, key);
        s.node = &e->value;
        s.mark = e->value.mark;
      } else if (s.node->kind == Node::Kind::Seq) {
        const std::size_t index = std::stoul(key);
        if (index >= s.node->items.size()) break;
        s.key_path = key_path_index(s.key_path, index);
        s.node = &s.node->items[index];
        s.mark = s.node->mark;
      }
    }
    return s;
  }

  void report(const Spot& s) {
    if (type_error(s) || map_errors(s)) return;
    value_error(s);
  }

 private:
  void add(std::string code, Mark mark, std::string key_path, std::string message, std::string hint = {}) {
    out_.push_back(error_at(std::move(code), location_of(doc_, mark), std::move(key_path), std::move(message),
                            std::move(hint)));
  }

  std::string version_hint() const {
    return doc_.format == SourceFormat::Toml ? "add 'version = 1' at the top" : "add 'version: 1' at the top";
  }

  static bool is_version(const Spot& s) { return s.key_path == "version"; }

  std::string got(const Node& n) const {
    if (n.kind == Node::Kind::String) return "'" + n.text + "' (a string)";
    return describe_kind(n.kind, doc_.format);
  }

  bool type_error(const Spot& s) {
    if (SchemaView::kind_allowed(s.node->kind, SchemaView::types(s.alts))) return false;
    if (is_version(s)) {
      add("version", s.mark, s.key_path, "version must be 1, got " + got(*s.node),
          "this sandlock reads profile format version 1");
      return true;
    }
    add("schema.type", s.mark, s.key_path,
        "expected " + schema_.expected(s.alts, doc_.format) + ", got " + describe_kind(s.node->kind, doc_.format));
    return true;
  }

  bool map_errors(const Spot& s) {
    if (s.node->kind != Node::Kind::Map) return false;
    const std::size_t before = out_.size();
    const std::vector<std::string> names = SchemaView::property_names(s.alts);
    const bool free_names = SchemaView::names_by_pattern(s.alts);
    for (const auto& e : s.node->entries) {
      if (SchemaView::key_allowed(s.alts, e.key)) continue;
      const std::string path = key_path_child(s.key_path, e.key);
      if (free_names)
        add("schema.unknown-key", e.key_mark, path, "invalid name '" + e.key + "' in " + s.key_path,
            "names must match " + name_patterns(s.alts));
      else
        add("schema.unknown-key", e.key_mark, path,
            "unknown key '" + e.key + "'" + (s.key_path.empty() ? " at top level" : " in " + s.key_path),
            did_you_mean(e.key, std::span<const std::string>(names)));
    }
    for (const auto& name : SchemaView::required_names(s.alts)) {
      if (s.node->find(name)) continue;
      add("schema.required", s.mark, key_path_child(s.key_path, name),
          "missing required key '" + name + "'" + (s.key_path.empty() ? "" : " in " + s.key_path),
          name == "version" ? version_hint() : "");
    }
    return out_.size() > before;
  }

  void value_error(const Spot& s) {
    const std::string text = spelling(*s.node);
    if (is_version(s)) {
      add("version", s.mark, s.key_path, "version must be 1, got " + text,
          "this sandlock reads profile format version 1");
      return;
    }
    if (const json* values = SchemaView::find_keyword(s.alts, "enum")) {
      std::vector<std::string> names;
      for (const auto& v : *values)
        if (v.is_string()) names.push_back(v.get<std::string>());
      std::string hint = did_you_mean(text, std::span<const std::string>(names));
      if (hint.empty()) hint = "expected one of: " + join(names, ", ");
      add("schema.enum", s.mark, s.key_path, "unknown value '" + text + "'", hint);
      return;
    }
    const json* description = SchemaView::find_keyword(s.alts, "description");
    add("schema.value", s.mark, s.key_path,
        text.empty() ? "invalid " + describe_kind(s.node->kind, doc_.format) : "invalid value '" + text + "'",
        description && description->is_string() ? description->get<std::string>() : "");
  }

  const Document& doc_;
  const SchemaView& schema_;
  Diagnostics& out_;
};

}  // namespace

Diagnostics check_schema(const Document& doc) {
  const json schema_json = json::parse(kProfileSchemaJson);
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
  parser.populateSchema(schema_adapter, schema);

  const json target = to_json(doc.root);
  valijson::adapters::NlohmannJsonAdapter target_adapter(target);
  valijson::ValidationResults results;
  valijson::Validator validator;
  Diagnostics out;
  if (validator.validate(schema, target_adapter, &results)) return out;

  const SchemaView view(schema_json);
  ErrorMapper mapper(doc, view, out);
  std::vector<std::vector<std::string>> seen;
  for (const auto& error : results) {
    if (is_wrapper(error.description)) continue;
    if (std::find(seen.begin(), seen.end(), error.context) != seen.end()) continue;
    seen.push_back(error.context);
    mapper.report(mapper.locate(error.context));
  }
  if (out.empty())  // valijson failed without saying where (e.g. propertyNames): never pass silently
    out.push_back(error_at("schema.value", location_of(doc, doc.root.mark), "",
                           "the profile does not match the schema"));
  return out;
}

}  // namespace sandlock
