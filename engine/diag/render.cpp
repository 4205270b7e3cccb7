#include "engine/util/text.h"
#include "engine/diag/render.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

namespace sandlock {

namespace {

using nlohmann::json;

// Messages may quote input bytes (yaml-cpp does); never let them make the output fail.
std::string dump(const json& doc) { return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

std::string text_location(const Location& where) {
  std::string out = where.file;
  if (where.line > 0) {
    out += ":" + std::to_string(where.line);
    if (where.column > 0) out += ":" + std::to_string(where.column);
  }
  return out;
}

std::string render_text(const Diagnostics& diags) {
  std::string out;
  for (const Diagnostic& d : diags) {
    std::string where = printable(text_location(d.where));
    if (!where.empty()) out += where + ": ";
    out += severity_name(d.severity) + ": " + printable(d.message);
    if (!d.code.empty()) out += " [" + d.code + "]";
    out += "\n";
    if (!d.key_path.empty()) out += "    at " + printable(d.key_path) + "\n";
    if (!d.hint.empty()) out += "    hint: " + printable(d.hint) + "\n";
  }
  return out;
}

std::string render_json(const Diagnostics& diags) {
  json list = json::array();
  for (const Diagnostic& d : diags) {
    list.push_back({{"severity", severity_name(d.severity)},
                    {"code", d.code},
                    {"file", d.where.file},
                    {"line", d.where.line},
                    {"column", d.where.column},
                    {"key_path", d.key_path},
                    {"message", d.message},
                    {"hint", d.hint}});
  }
  auto count = [&](Severity s) {
    return std::count_if(diags.begin(), diags.end(), [s](const Diagnostic& d) { return d.severity == s; });
  };
  json doc = {{"diagnostics", list}, {"errors", count(Severity::Error)}, {"warnings", count(Severity::Warning)}};
  return dump(doc);
}

// GitHub workflow commands: data escapes %, CR, LF; property values also ':' and ','.
std::string github_escape(std::string_view s, bool property) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

std::string github_command(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "notice";
  }
  return "error";
}

std::string render_github(const Diagnostics& diags) {
  std::string out;
  for (const Diagnostic& d : diags) {
    std::vector<std::string> props;
    if (!d.where.file.empty()) props.push_back("file=" + github_escape(d.where.file, true));
    if (d.where.line > 0) props.push_back("line=" + std::to_string(d.where.line));
    if (d.where.line > 0 && d.where.column > 0) props.push_back("col=" + std::to_string(d.where.column));
    props.push_back("title=" + github_escape("sandlock " + d.code, true));
    std::string message = d.hint.empty() ? d.message : d.message + " (" + d.hint + ")";
    out += "::" + github_command(d.severity) + " ";
    for (std::size_t i = 0; i < props.size(); ++i) out += (i ? "," : "") + props[i];
    out += "::" + github_escape(message, false) + "\n";
  }
  return out;
}

std::string sarif_level(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "note";
  }
  return "error";
}

// artifactLocation.uri must be a URI reference: percent-encode what a path may hold but a URI may not.
std::string uri_reference(std::string_view path) {
  static constexpr std::string_view kAllowed = "-._~/!$&'()*+,;=:@";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || kAllowed.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned>(c));
      out += buf;
    }
  }
  // An absolute path is a file: URI (SARIF1004 rejects a bare "/..." reference).
  return !path.empty() && path[0] == '/' ? "file://" + out : out;
}

json sarif_location(const Location& where) {
  json physical = {{"artifactLocation", {{"uri", uri_reference(where.file)}}}};
  if (where.line > 0) {
    json region = {{"startLine", where.line}};
    if (where.column > 0) region["startColumn"] = where.column;
    physical["region"] = region;
  }
  return json::array({{{"physicalLocation", physical}}});
}

std::string render_sarif(const Diagnostics& diags) {
  std::map<std::string, int> rule_index;  // sorted by code
  for (const Diagnostic& d : diags) {
    if (!d.code.empty()) rule_index.emplace(d.code, 0);
  }
  json rules = json::array();
  for (auto& [code, index] : rule_index) {
    index = static_cast<int>(rules.size());
    rules.push_back({{"id", code}});
  }
  json results = json::array();
  for (const Diagnostic& d : diags) {
    std::string text = d.hint.empty() ? d.message : d.message + " (" + d.hint + ")";
    json result = {{"level", sarif_level(d.severity)}, {"message", {{"text", text}}}};
    if (!d.code.empty()) {
      result["ruleId"] = d.code;
      result["ruleIndex"] = rule_index.at(d.code);
    }
    if (!d.where.file.empty()) result["locations"] = sarif_location(d.where);
    if (!d.key_path.empty()) result["properties"] = {{"keyPath", d.key_path}};
    results.push_back(std::move(result));
  }
  json driver = {{"name", "sandlock"}, {"informationUri", "https://example.invalid/sandlock"}, {"rules", rules}};
  json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({{{"tool", {{"driver", driver}}}, {"results", results}}})}};
  return dump(log);
}

}  // namespace

bool parse_diag_format(const std::string& name, DiagFormat& out) {
  static constexpr std::pair<std::string_view, DiagFormat> kFormats[] = {
      {"text", DiagFormat::Text}, {"json", DiagFormat::Json}, {"github", DiagFormat::Github}, {"sarif", DiagFormat::Sarif}};
  for (auto [spelling, format] : kFormats) {
    if (name == spelling) {
      out = format;
      return true;
    }
  }
  return false;
}

std::string severity_name(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
  }
  return "error";
}

std::string render(const Diagnostics& diags, DiagFormat format) {
  switch (format) {
    case DiagFormat::Text: return render_text(diags);
    case DiagFormat::Json: return render_json(diags);
    case DiagFormat::Github: return render_github(diags);
    case DiagFormat::Sarif: return render_sarif(diags);
  }
  return render_text(diags);
}

}  // namespace sandlock
