#include "engine/validate/schema_view.h"

#include <algorithm>
#include <regex>

#include "engine/validate/key_path.h"

namespace sandlock {
namespace {

using nlohmann::json;

bool pattern_matches(const std::string& pattern, const std::string& text) {
  return std::regex_search(text, std::regex(pattern));  // only on error paths: cost does not matter
}

std::string type_of_value(const json& v) {
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

std::string singular(const std::string& type, SourceFormat format) {
  if (type == "integer") return "an integer";
  if (type == "number") return "a number";
  if (type == "string") return "a string";
  if (type == "boolean") return "a boolean";
  if (type == "array") return "a list";
  if (type == "object") return describe_kind(Node::Kind::Map, format);
  return type;
}

std::string plural(const std::string& type, SourceFormat format) {
  if (type == "object") return format == SourceFormat::Toml ? "tables" : "mappings";
  if (type == "array") return "lists";
  return singular(type, format).substr(type == "integer" ? 3 : 2) + "s";  // "an integer" → "integers"
}

std::string or_list(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

}  // namespace

SchemaAlts SchemaView::expand(const json& schema) const {
  SchemaAlts out{&schema};
  if (!schema.is_object()) return out;
  if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
    const std::string target = ref->get<std::string>();
    if (!target.empty() && target.front() == '#') {
      const auto more = expand(root_.at(json::json_pointer(target.substr(1))));
      out.insert(out.end(), more.begin(), more.end());
    }
  }
  for (const char* combinator : {"anyOf", "oneOf", "allOf"}) {
    if (auto it = schema.find(combinator); it != schema.end() && it->is_array()) {
      for (const auto& sub : *it) {
        const auto more = expand(sub);
        out.insert(out.end(), more.begin(), more.end());
      }
    }
  }
  return out;
}

SchemaAlts SchemaView::child(const SchemaAlts& alts, const Node& parent, const std::string& key) const {
  SchemaAlts out;
  auto add = [&](const json& s) {
    const auto more = expand(s);
    out.insert(out.end(), more.begin(), more.end());
  };
  for (const json* alt : alts) {
    if (!alt->is_object()) continue;
    if (parent.kind == Node::Kind::Seq) {
      if (auto items = alt->find("items"); items != alt->end() && items->is_object()) add(*items);
      continue;
    }
    bool matched = false;
    if (auto props = alt->find("properties"); props != alt->end() && props->contains(key)) {
      add(props->at(key));
      matched = true;
    }
    if (auto pats = alt->find("patternProperties"); pats != alt->end()) {
      for (const auto& [pattern, sub] : pats->items())
        if (pattern_matches(pattern, key)) {
          add(sub);
          matched = true;
        }
    }
    if (auto extra = alt->find("additionalProperties"); !matched && extra != alt->end() && extra->is_object())
      add(*extra);
  }
  return out;
}

std::set<std::string> SchemaView::types(const SchemaAlts& alts) {
  std::set<std::string> out;
  for (const json* alt : alts) {
    if (!alt->is_object()) continue;
    if (auto t = alt->find("type"); t != alt->end()) {
      if (t->is_string()) out.insert(t->get<std::string>());
      if (t->is_array())
        for (const auto& name : *t) out.insert(name.get<std::string>());
    }
    if (auto c = alt->find("const"); c != alt->end()) out.insert(type_of_value(*c));
    if (auto e = alt->find("enum"); e != alt->end())
      for (const auto& v : *e) out.insert(type_of_value(v));
  }
  return out;
}

bool SchemaView::kind_allowed(Node::Kind kind, const std::set<std::string>& types) {
  if (types.empty()) return true;
  switch (kind) {
    case Node::Kind::Null: return types.count("null") > 0;
    case Node::Kind::Bool: return types.count("boolean") > 0;
    case Node::Kind::Int: return types.count("integer") > 0 || types.count("number") > 0;
    case Node::Kind::Float: return types.count("number") > 0;
    case Node::Kind::String: return types.count("string") > 0;
    case Node::Kind::Seq: return types.count("array") > 0;
    case Node::Kind::Map: return types.count("object") > 0;
  }
  return false;
}

std::string SchemaView::expected(const SchemaAlts& alts, SourceFormat format) const {
  std::vector<std::string> words;
  for (const auto& type : types(alts)) {
    if (type != "array") {
      words.push_back(singular(type, format));
      continue;
    }
    SchemaAlts items;
    for (const json* alt : alts)
      if (auto it = alt->find("items"); alt->is_object() && it != alt->end() && it->is_object()) {
        const auto more = expand(*it);
        items.insert(items.end(), more.begin(), more.end());
      }
    std::vector<std::string> item_words;
    for (const auto& item_type : types(items)) item_words.push_back(plural(item_type, format));
    words.push_back(item_words.empty() ? "a list" : "a list of " + or_list(item_words));
  }
  return or_list(words);
}

const json* SchemaView::find_keyword(const SchemaAlts& alts, const char* keyword) {
  for (const json* alt : alts)
    if (alt->is_object())
      if (auto it = alt->find(keyword); it != alt->end()) return &*it;
  return nullptr;
}

bool SchemaView::key_allowed(const SchemaAlts& alts, const std::string& key) {
  bool any_object = false;
  for (const json* alt : alts) {
    if (!alt->is_object() || !alt->contains("additionalProperties")) continue;
    any_object = true;
    if (alt->contains("properties") && alt->at("properties").contains(key)) return true;
    if (auto pats = alt->find("patternProperties"); pats != alt->end())
      for (const auto& [pattern, sub] : pats->items())
        if (pattern_matches(pattern, key)) return true;
    if (alt->at("additionalProperties") != json(false)) return true;
  }
  return !any_object;
}

std::vector<std::string> SchemaView::property_names(const SchemaAlts& alts) {
  std::vector<std::string> out;
  for (const json* alt : alts)
    if (alt->is_object() && alt->contains("properties"))
      for (const auto& [name, sub] : alt->at("properties").items()) out.push_back(name);
  return out;
}

std::vector<std::string> SchemaView::required_names(const SchemaAlts& alts) {
  std::vector<std::string> out;
  for (const json* alt : alts)
    if (alt->is_object() && alt->contains("required") && alt->value("type", "") == "object")
      for (const auto& name : alt->at("required")) out.push_back(name.get<std::string>());
  return out;
}

bool SchemaView::names_by_pattern(const SchemaAlts& alts) {
  return find_keyword(alts, "patternProperties") != nullptr && property_names(alts).empty();
}

}  // namespace sandlock
