// `sandlock lint`: lint findings through the one diagnostic renderer, plus exposure scores.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "engine/util/text.h"
#include "engine/app/commands.h"
#include "engine/compile/compose.h"
#include "engine/compile/merge.h"
#include "engine/review/lint.h"

namespace sandlock {
namespace {

struct Scored {
  std::string file;
  ExposureScore exposure;
};

std::string one_decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string scores_text(const std::vector<Scored>& scores) {
  std::string s;
  for (const auto& sc : scores) {
    s += "exposure " + printable(sc.file) + ": " + one_decimal(sc.exposure.score) + "/10\n";
    for (const auto& item : sc.exposure.breakdown)
      s += "  +" + one_decimal(item.weight) + " " + std::string(item.id) + " (" + printable(item.detail) + ")\n";
  }
  return s;
}

nlohmann::ordered_json scores_json(const std::vector<Scored>& scores) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& sc : scores) {
    auto items = nlohmann::ordered_json::array();
    for (const auto& item : sc.exposure.breakdown)
      items.push_back({{"id", item.id}, {"weight", item.weight}, {"detail", item.detail}});
    arr.push_back({{"file", sc.file}, {"score", sc.exposure.score}, {"breakdown", items}});
  }
  return arr;
}

// A base shared by several linted profiles is reported once; findings in the shipped
// policies are not the linted repository's to fix.
void append_unique(Diagnostics& all, const Diagnostics& more, const std::string& shipped = {}) {
  for (const auto& d : more) {
    if (!shipped.empty() && d.where.file.starts_with(shipped + "/")) continue;
    const bool seen = std::any_of(all.begin(), all.end(), [&](const Diagnostic& e) {
      return std::tie(e.code, e.where, e.message) == std::tie(d.code, d.where, d.message);
    });
    if (!seen) all.push_back(d);
  }
}

}  // namespace

CommandResult cmd_lint(const LintCmdOptions& options, SourceReader& reader, FsView& fs) {
  CommandResult result;
  Diagnostics all;
  std::vector<Scored> scores;
  for (const auto& file : expand_profile_paths(options.paths, all)) {
    auto text = reader.read(file);
    if (!text) {
      all.push_back(error_at("file.unreadable", Location{file, 0, 0}, "", "cannot read profile file"));
      continue;
    }
    LoadResult loaded = load_profile_tree(*text, file, options.compile, reader);
    append_unique(all, loaded.diagnostics);
    if (has_errors(loaded.diagnostics) || loaded.levels.empty()) continue;
    Diagnostics merge_diags;
    PolicyGraph graph = merge_levels(loaded.levels, merge_diags);
    append_unique(all, merge_diags);
    if (has_errors(merge_diags)) continue;
    append_unique(all, lint_levels(loaded.levels, graph, fs), options.compile.shipped_policies);
    scores.push_back({file, exposure_score(graph)});
  }
  sort_diagnostics(all);
  const bool over = options.threshold && std::any_of(scores.begin(), scores.end(), [&](const Scored& s) {
                      return s.exposure.score > *options.threshold;
                    });
  switch (options.format) {
    case DiagFormat::Text: result.out = render(all, DiagFormat::Text) + scores_text(scores); break;
    case DiagFormat::Json: {
      auto j = nlohmann::ordered_json::parse(render(all, DiagFormat::Json));
      j["exposure"] = scores_json(scores);
      result.out = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
      break;
    }
    // SARIF and GitHub annotations carry only the findings; the scores go to stderr.
    case DiagFormat::Github:
    case DiagFormat::Sarif:
      result.out = render(all, options.format);
      result.err = scores_text(scores);
      break;
  }
  if (over) result.err += "sandlock: exposure above the threshold " + one_decimal(*options.threshold) + "\n";
  result.exit_code = has_errors(all) || over ? 1 : 0;
  return result;
}

}  // namespace sandlock
