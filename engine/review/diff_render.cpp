// Diff reports for people (text), pull-request comments (markdown) and machines (JSON).
#include <nlohmann/json.hpp>

#include "engine/review/diff.h"
#include "engine/review/fs_decide.h"
#include "engine/util/text.h"

namespace sandlock {
namespace {

using Json = nlohmann::ordered_json;

std::string kind_name(ChangeKind k) {
  return k == ChangeKind::Widening ? "widening" : k == ChangeKind::Narrowing ? "narrowing" : "neutral";
}

std::size_t count(const PolicyDiff& d, ChangeKind k) {
  std::size_t n = 0;
  for (const auto& c : d.changes) n += c.kind == k;
  return n;
}

std::string where_text(const std::optional<Provenance>& p) { return p ? printable(provenance_text(*p)) : "-"; }

std::string summary(const std::vector<PolicyDiff>& diffs) {
  std::size_t w = 0, n = 0, profiles = 0;
  for (const auto& d : diffs) {
    w += count(d, ChangeKind::Widening);
    n += count(d, ChangeKind::Narrowing);
    profiles += !d.changes.empty();
  }
  return std::to_string(w) + " widening, " + std::to_string(n) + " narrowing change(s) in " + std::to_string(profiles) +
         " of " + std::to_string(diffs.size()) + " profile(s)";
}

std::string text(const std::vector<PolicyDiff>& diffs) {
  std::string s;
  for (const auto& d : diffs) {
    s += "--- " + printable(d.old_name) + "\n+++ " + printable(d.new_name) + "\n";
    if (d.changes.empty()) s += "  no change in meaning\n";
    for (const auto& c : d.changes) {
      s += "  " + kind_name(c.kind) + " " + c.area + " " + printable(c.subject) + ": " + printable(c.detail) + "\n";
      s += "      old: " + where_text(c.old_from) + "\n      new: " + where_text(c.new_from) + "\n";
    }
  }
  return s + summary(diffs) + "\n";
}

// Text a profile supplied, as one markdown table cell that is only text: no line break, no
// cell border, no HTML, and no markdown of its own (links, emphasis, code spans).
std::string cell(std::string_view v) {
  std::string out;
  for (const char c : printable(v)) {
    switch (c) {
      case '|': out += "&#124;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\\': case '`': case '*': case '_': case '[': case ']': case '(': case ')': case '!': case '#': case '~':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown(const std::vector<PolicyDiff>& diffs) {
  bool any_widen = false;
  for (const auto& d : diffs) any_widen = any_widen || d.widens();
  std::string s = std::string("**sandlock diff:** ") + (any_widen ? "⚠️ " : "") + summary(diffs) + "\n";
  for (const auto& d : diffs) {
    if (d.changes.empty()) continue;
    s += "\n### <code>" + cell(d.new_name) + "</code>\n\n| change | area | subject | detail | old | new |\n|---|---|---|---|---|---|\n";
    for (const auto& c : d.changes)
      s += "| " + std::string(c.kind == ChangeKind::Widening ? "**widening**" : kind_name(c.kind)) + " | " + c.area + " | <code>" +
           cell(c.subject) + "</code> | " + cell(c.detail) + " | " + cell(where_text(c.old_from)) + " | " +
           cell(where_text(c.new_from)) + " |\n";
  }
  return s;
}

Json provenance_json(const std::optional<Provenance>& p) {
  if (!p) return nullptr;
  return Json{{"file", p->where.file}, {"line", p->where.line}, {"column", p->where.column}, {"via", p->chain}};
}

std::string json(const std::vector<PolicyDiff>& diffs) {
  Json out = Json::array();
  for (const auto& d : diffs) {
    Json changes = Json::array();
    for (const auto& c : d.changes)
      changes.push_back({{"kind", kind_name(c.kind)}, {"area", c.area}, {"subject", c.subject}, {"detail", c.detail},
                         {"old", provenance_json(c.old_from)}, {"new", provenance_json(c.new_from)}});
    out.push_back({{"old", d.old_name}, {"new", d.new_name}, {"widens", d.widens()}, {"changes", changes}});
  }
  return Json{{"diffs", out}}.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string render_diffs(const std::vector<PolicyDiff>& diffs, DiffFormat format) {
  switch (format) {
    case DiffFormat::Text: return text(diffs);
    case DiffFormat::Markdown: return markdown(diffs);
    case DiffFormat::Json: return json(diffs);
  }
  return {};
}

}  // namespace sandlock
