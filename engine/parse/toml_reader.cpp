// parse_toml: toml++ reads the text; its tree is converted into a Node tree with marks.
#include <algorithm>

#include <toml++/toml.h>

#include "engine/parse/document.h"
#include "engine/parse/source_text.h"
#include "engine/parse/toml_prescan.h"

namespace sandlock {

namespace {

using parse_detail::ParseAbort;

Mark mark_of(const toml::source_region& region) {
  return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

// toml++ prefixes "Error while parsing <what>: "; the diagnostic's position already says where.
std::string without_context(std::string_view description) {
  constexpr std::string_view kPrefix = "Error while parsing ";
  std::size_t colon = description.find(": ");
  if (description.starts_with(kPrefix) && colon != std::string_view::npos) description.remove_prefix(colon + 2);
  return std::string(description);
}

class TomlConverter {
 public:
  TomlConverter(std::string_view body, const std::string& file, const ParseLimits& limits)
      : body_(body), lines_(body), file_(file), budget_(limits, file) {}

  Node convert(const toml::node& from, const std::string& path, int depth) {
    Node to;
    to.mark = mark_of(from.source());
    const bool container = from.is_table() || from.is_array();
    budget_.take(to.mark, container ? depth + 1 : depth, path);
    if (const toml::table* table = from.as_table()) {
      to.kind = Node::Kind::Map;
      convert_table(*table, to, path, depth + 1);
    } else if (const toml::array* array = from.as_array()) {
      to.kind = Node::Kind::Seq;
      for (const toml::node& item : *array) {
        to.items.push_back(convert(item, parse_detail::key_path_index(path, to.items.size()), depth + 1));
      }
    } else {
      convert_value(from, to, path);
    }
    return to;
  }

 private:
  // toml++ keeps keys sorted; a Document keeps them in the order they were written.
  void convert_table(const toml::table& table, Node& to, const std::string& path, int depth) {
    std::vector<std::pair<const toml::key*, const toml::node*>> members;
    for (auto&& [key, value] : table) members.emplace_back(&key, &value);
    std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
      const auto& x = a.first->source().begin;
      const auto& y = b.first->source().begin;
      return std::tie(x.line, x.column) < std::tie(y.line, y.column);
    });
    for (auto [key, value] : members) {
      std::string child_path = parse_detail::key_path_child(path, key->str());
      to.entries.push_back(MapEntry{std::string(key->str()), mark_of(key->source()),
                                    convert(*value, child_path, depth)});
    }
  }

  void convert_value(const toml::node& from, Node& to, const std::string& path) {
    switch (from.type()) {
      case toml::node_type::string:
        to.kind = Node::Kind::String;
        to.text = from.as_string()->get();
        return;
      case toml::node_type::integer:
        to.kind = Node::Kind::Int;
        to.integer = from.as_integer()->get();
        break;
      case toml::node_type::floating_point:
        to.kind = Node::Kind::Float;
        to.real = from.as_floating_point()->get();
        break;
      case toml::node_type::boolean:
        to.kind = Node::Kind::Bool;
        to.boolean = from.as_boolean()->get();
        break;
      default:
        throw ParseAbort{parse_detail::parse_error("toml.unsupported-type", file_, to.mark, path,
                                                   "dates and times are not supported here")};
    }
    to.text = spelling(from.source());
  }

  std::string spelling(const toml::source_region& region) const {
    std::size_t begin = lines_.offset_of(static_cast<int>(region.begin.line), static_cast<int>(region.begin.column));
    std::size_t end = lines_.offset_of(static_cast<int>(region.end.line), static_cast<int>(region.end.column));
    return end > begin ? std::string(body_.substr(begin, end - begin)) : std::string();
  }

  std::string_view body_;
  parse_detail::LineIndex lines_;
  const std::string& file_;
  parse_detail::NodeBudget budget_;
};

}  // namespace

ParseResult parse_toml(std::string_view text, const std::string& file, const ParseLimits& limits) {
  ParseResult result;
  parse_detail::PreparedSource source = parse_detail::prepare_source(text, file, limits);
  if (source.problem) {
    result.diagnostics.push_back(std::move(*source.problem));
    return result;
  }
  if (auto at = parse_detail::find_overlong_dotted_key(source.body, limits.max_depth)) {
    result.diagnostics.push_back(parse_detail::parse_error(
        "doc.too-deep", file, *at, {},
        "a dotted key has more than " + std::to_string(limits.max_depth) + " parts"));
    return result;
  }
  if (auto at = parse_detail::find_non_ascii_outside_strings(source.body)) {
    result.diagnostics.push_back(parse_detail::parse_error(
        "toml.syntax", file, *at, {}, "a non-ASCII character outside a string or comment (TOML allows them only there)"));
    return result;
  }
  try {
    toml::table table = toml::parse(source.body, std::string_view(file));
    TomlConverter converter(source.body, file, limits);
    Node root = converter.convert(table, {}, 0);
    root.mark = {1, 1};
    result.document = Document{file, SourceFormat::Toml, std::move(root)};
  } catch (const ParseAbort& abort) {
    result.diagnostics.push_back(abort.diagnostic);
  } catch (const toml::parse_error& e) {
    result.diagnostics.push_back(
        parse_detail::parse_error("toml.syntax", file, mark_of(e.source()), {}, without_context(e.description())));
  } catch (const std::exception& e) {
    result.diagnostics.push_back(parse_detail::parse_error("toml.syntax", file, {}, {}, e.what()));
  }
  return result;
}

}  // namespace sandlock
