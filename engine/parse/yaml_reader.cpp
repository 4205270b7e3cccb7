// parse_yaml: libyaml's event API, so every node keeps its mark and anchors, aliases,
// duplicate keys and runaway nesting are caught while the stream is read. (libyaml rather
// than yaml-cpp: on a 10,000-rule profile its scanner is ~30x faster, which is what keeps
// validate+compile inside its budget; its parser keeps an explicit stack, not recursion.)
#include <yaml.h>

#include <unordered_map>
#include <variant>

#include "engine/parse/document.h"
#include "engine/parse/source_text.h"
#include "engine/parse/yaml_scalar.h"

namespace sandlock {

namespace {

using parse_detail::ParseAbort;

constexpr std::string_view kCoreMapTag = "tag:yaml.org,2002:map";
constexpr std::string_view kCoreSeqTag = "tag:yaml.org,2002:seq";

// A mapping or sequence still being read.
struct OpenCollection {
  Node node;
  std::string key_path;
  std::optional<MapEntry> pending_key;               // maps: key read, value not yet
  std::unordered_map<std::string, Mark> key_marks;  // maps: keys so far, for duplicates
};

// Tags in the spelling resolve_tagged_scalar expects: "?" plain, "!" quoted, or the full tag.
std::string tag_of(const yaml_char_t* tag, bool plain) {
  if (tag) return reinterpret_cast<const char*>(tag);
  return plain ? "?" : "!";
}

class TreeBuilder {
 public:
  TreeBuilder(const std::string& file, const ParseLimits& limits) : file_(file), budget_(limits, file) {}

  std::optional<Node> take_root() { return std::move(root_); }

  void on_event(const yaml_event_t& e) {
    const Mark at = to_mark(e.start_mark);
    switch (e.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (documents_++ > 0)
          fail("yaml.multi-document", at, "", "a profile holds one YAML document; found a second one here");
        break;
      case YAML_ALIAS_EVENT: reject_anchor(at);
      case YAML_SCALAR_EVENT: {
        const auto& d = e.data.scalar;
        if (d.anchor) reject_anchor(at);
        on_scalar(at, tag_of(d.tag, d.style == YAML_PLAIN_SCALAR_STYLE),
                  std::string_view(reinterpret_cast<const char*>(d.value), d.length));
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
        open(Node::Kind::Seq, at, tag_of(e.data.sequence_start.tag, true), kCoreSeqTag, e.data.sequence_start.anchor);
        break;
      case YAML_MAPPING_START_EVENT:
        open(Node::Kind::Map, at, tag_of(e.data.mapping_start.tag, true), kCoreMapTag, e.data.mapping_start.anchor);
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: close(); break;
      default: break;  // stream start/end, document end
    }
  }

  void on_scalar(Mark at, const std::string& tag, std::string_view value) {
    take_budget(at, depth());
    // Keys are names, not values: keep their spelling whatever it would resolve to.
    const bool key = expecting_key();
    // A key is a name: a tag saying it is anything but a string cannot be honoured.
    if (key && tag != "?" && tag != "!" && tag != "tag:yaml.org,2002:str")
      fail("yaml.tag", at, path_here(), "YAML tag '" + tag + "' is not supported on a key");
    parse_detail::ScalarResult typed = key ? parse_detail::resolve_tagged_scalar("!", value)
                                           : parse_detail::resolve_tagged_scalar(tag, value);
    if (key && tag == "?") {
      const parse_detail::ScalarResult plain = parse_detail::resolve_plain_scalar(value);
      if (const Node* n = std::get_if<Node>(&plain); n && n->kind == Node::Kind::Null)
        fail("yaml.bad-key", at, path_here(), "a mapping key must not be null or empty");
    }
    if (auto* problem = std::get_if<parse_detail::ScalarProblem>(&typed)) {
      fail(problem->code, at, path_here(), problem->message);
    }
    Node n = std::get<Node>(std::move(typed));
    n.mark = at;
    add(std::move(n), tag == "?");
  }

 private:
  // libyaml counts lines and characters from 0; Mark counts both from 1.
 public:
  static Mark to_mark(const yaml_mark_t& m) { return Mark{static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1}; }

 private:
  int depth() const { return static_cast<int>(open_.size()); }
  bool expecting_key() const {
    return !open_.empty() && open_.back().node.kind == Node::Kind::Map && !open_.back().pending_key;
  }

  // Key path of the value about to be read.
  std::string path_here() const {
    if (open_.empty()) return {};
    const OpenCollection& top = open_.back();
    if (top.node.kind == Node::Kind::Seq) return parse_detail::key_path_index(top.key_path, top.node.items.size());
    if (top.pending_key) return parse_detail::key_path_child(top.key_path, top.pending_key->key);
    return top.key_path;
  }

  [[noreturn]] void fail(std::string code, Mark at, std::string key_path, std::string message) const {
    throw ParseAbort{parse_detail::parse_error(std::move(code), file_, at, std::move(key_path), std::move(message))};
  }

  [[noreturn]] void reject_anchor(Mark at) const {
    fail("yaml.alias", at, path_here(), "YAML anchors and aliases are not supported");
  }

  // `depth` counts the collections around a value, the collection itself included.
  void take_budget(Mark at, int depth) { budget_.take(at, depth, path_here()); }

  void open(Node::Kind kind, Mark at, const std::string& tag, std::string_view core_tag, const yaml_char_t* anchor) {
    if (anchor) reject_anchor(at);
    if (tag != "?" && tag != "!" && tag != core_tag) {
      fail("yaml.tag", at, path_here(), "YAML tag '" + tag + "' is not supported");
    }
    take_budget(at, depth() + 1);
    OpenCollection c;
    c.node.kind = kind;
    c.node.mark = at;
    c.key_path = path_here();
    open_.push_back(std::move(c));
  }

  void close() {
    Node done = std::move(open_.back().node);
    open_.pop_back();
    add(std::move(done), false);
  }

  // Places a finished node: as the root, a list item, a key, or the value of the pending key.
  void add(Node n, bool plain_key) {
    if (open_.empty()) {
      root_ = std::move(n);
      return;
    }
    OpenCollection& top = open_.back();
    if (top.node.kind == Node::Kind::Seq) {
      top.node.items.push_back(std::move(n));
    } else if (top.pending_key) {
      top.pending_key->value = std::move(n);
      top.node.entries.push_back(std::move(*top.pending_key));
      top.pending_key.reset();
    } else {
      add_key(top, std::move(n), plain_key);
    }
  }

  // A collection used as a key is reported once it is complete.
  void add_key(OpenCollection& map, Node key, bool plain) {
    if (!key.is_scalar()) {
      fail("yaml.bad-key", key.mark, map.key_path, "a mapping key must be a plain value, not " + kind_name(key.kind));
    }
    std::string path = parse_detail::key_path_child(map.key_path, key.text);
    if (plain && key.text == "<<") fail("yaml.merge-key", key.mark, path, "YAML merge keys ('<<') are not supported");
    auto [it, inserted] = map.key_marks.try_emplace(key.text, key.mark);
    if (!inserted) {
      fail("yaml.duplicate-key", key.mark, path,
           "duplicate key '" + key.text + "' (first at line " + std::to_string(it->second.line) + ")");
    }
    map.pending_key = MapEntry{std::move(key.text), key.mark, Node{}};
  }

  const std::string& file_;
  parse_detail::NodeBudget budget_;
  std::vector<OpenCollection> open_;
  std::optional<Node> root_;
  int documents_ = 0;
};

}  // namespace

ParseResult parse_yaml(std::string_view text, const std::string& file, const ParseLimits& limits) {
  ParseResult result;
  parse_detail::PreparedSource source = parse_detail::prepare_source(text, file, limits);
  if (source.problem) {
    result.diagnostics.push_back(std::move(*source.problem));
    return result;
  }
  parse_detail::LineIndex lines(source.body);
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    result.diagnostics.push_back(parse_detail::parse_error("yaml.syntax", file, {}, {}, "out of memory"));
    return result;
  }
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(source.body.data()),
                               source.body.size());
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
  try {
    TreeBuilder builder(file, limits);
    for (;;) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) {
        std::string message = parser.problem ? parser.problem : "invalid YAML";
        if (parser.context) {  // "while parsing a flow sequence": say where that began
          const Mark from = TreeBuilder::to_mark(parser.context_mark);
          message += " (" + std::string(parser.context) + " that starts at line " + std::to_string(from.line) +
                     ", column " + std::to_string(from.column) + ")";
        }
        // libyaml ends the stream with a virtual line break: keep the mark inside the text.
        const Mark end = lines.mark_at(source.body.size());
        Mark at = TreeBuilder::to_mark(parser.problem_mark);
        if (at.line > end.line) at = end;
        result.diagnostics.push_back(parse_detail::parse_error("yaml.syntax", file, at, {}, message));
        break;
      }
      const bool end = event.type == YAML_STREAM_END_EVENT;
      try {
        builder.on_event(event);
      } catch (...) {
        yaml_event_delete(&event);
        throw;
      }
      yaml_event_delete(&event);
      if (end) {
        // No document at all (an empty or comment-only file) is an empty table at 1:1, as in
        // TOML: the same profile in either spelling gets the same error, with a position.
        Node empty;
        empty.kind = Node::Kind::Map;
        empty.mark = {1, 1};
        result.document = Document{file, SourceFormat::Yaml, builder.take_root().value_or(std::move(empty))};
        break;
      }
    }
  } catch (const ParseAbort& abort) {
    result.diagnostics.push_back(abort.diagnostic);
  } catch (const std::exception& e) {
    result.diagnostics.push_back(parse_detail::parse_error("yaml.syntax", file, {}, {}, e.what()));
  }
  yaml_parser_delete(&parser);
  return result;
}

}  // namespace sandlock
