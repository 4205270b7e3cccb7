// parse_yaml: yaml-cpp's event API, so every node keeps its mark and anchors, aliases,
// duplicate keys and runaway nesting are caught while the stream is read.
#include <sstream>
#include <unordered_map>
#include <variant>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

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

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const std::string& file, const parse_detail::LineIndex& lines, const ParseLimits& limits)
      : file_(file), lines_(lines), budget_(limits, file) {}

  std::optional<Node> take_root() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ > 0) {
      fail("yaml.multi-document", to_mark(mark), "",
           "a profile holds one YAML document; found a second one here");
    }
  }
  void OnDocumentEnd() override {}

  void OnAnchor(const YAML::Mark& mark, const std::string&) override { reject_anchor(to_mark(mark)); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { reject_anchor(to_mark(mark)); }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node n;
    n.mark = to_mark(mark);
    if (anchor != YAML::NullAnchor) reject_anchor(n.mark);
    take_budget(n.mark, depth());
    if (expecting_key()) fail("yaml.bad-key", n.mark, path_here(), "a mapping key must not be null or empty");
    add(std::move(n), /*plain_key=*/false);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Mark at = to_mark(mark);
    if (anchor != YAML::NullAnchor) reject_anchor(at);
    take_budget(at, depth());
    // Keys are names, not values: keep their spelling whatever it would resolve to.
    parse_detail::ScalarResult typed = expecting_key() ? parse_detail::resolve_tagged_scalar("!", value)
                                                       : parse_detail::resolve_tagged_scalar(tag, value);
    if (auto* problem = std::get_if<parse_detail::ScalarProblem>(&typed)) {
      fail(problem->code, at, path_here(), problem->message);
    }
    Node n = std::get<Node>(std::move(typed));
    n.mark = at;
    add(std::move(n), tag == "?");
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Node::Kind::Seq, to_mark(mark), tag, kCoreSeqTag, anchor);
  }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Node::Kind::Map, to_mark(mark), tag, kCoreMapTag, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapEnd() override { close(); }

 private:
  Mark to_mark(const YAML::Mark& mark) const { return lines_.mark_from_bytes(mark.line, mark.column); }
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

  void open(Node::Kind kind, Mark at, const std::string& tag, std::string_view core_tag, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) reject_anchor(at);
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

  // A collection used as a key is reported once it is complete: yaml-cpp also emits such
  // events while guessing at unterminated flow collections, and its syntax error is clearer.
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
  const parse_detail::LineIndex& lines_;
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
  try {
    std::istringstream stream{std::string(source.body)};
    YAML::Parser parser(stream);
    TreeBuilder builder(file, lines, limits);
    // The first call reads the document; a second one finds any further document.
    while (parser.HandleNextDocument(builder)) {
    }
    result.document = Document{file, SourceFormat::Yaml, builder.take_root().value_or(Node{})};
  } catch (const ParseAbort& abort) {
    result.diagnostics.push_back(abort.diagnostic);
  } catch (const YAML::Exception& e) {
    Mark at = e.mark.is_null() ? Mark{} : lines.mark_from_bytes(e.mark.line, e.mark.column);
    result.diagnostics.push_back(parse_detail::parse_error("yaml.syntax", file, at, {}, e.msg));
  } catch (const std::exception& e) {
    result.diagnostics.push_back(parse_detail::parse_error("yaml.syntax", file, {}, {}, e.what()));
  }
  return result;
}

}  // namespace sandlock
