// `sandlock lint`: warnings about risky or useless rules, and an exposure score.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/compile/compose.h"
#include "engine/lower/plan.h"

namespace sandlock {

struct LintRule {
  std::string_view code;  // "SL001", the Diagnostic code
  std::string_view name;  // "write-to-system-dir", the start of each message
  std::string_view summary;
};
std::span<const LintRule> lint_rules();

// One line of the exposure score's breakdown.
struct ExposureItem {
  std::string_view id;
  double weight = 0;
  std::string detail;  // what in this profile triggered it
};

struct ExposureScore {
  double score = 0;  // 0 (tight) .. 10 (open), one decimal
  std::vector<ExposureItem> breakdown;
};

// The documented weights (README "Reviewing policy changes").
struct ExposureWeight {
  std::string_view id;
  double weight;
  std::string_view description;
};
std::span<const ExposureWeight> exposure_weights();

ExposureScore exposure_score(const PolicyGraph& graph);

// Warnings and notes for one loaded profile tree (every level, bases included), with the
// file:line:column of the rule at fault. `fs` answers whether paths exist on this host.
Diagnostics lint_levels(const std::vector<LoadedProfile>& levels, const PolicyGraph& graph, FsView& fs);

// Home-directory secrets: a path at or below ~/.ssh, ~/.gnupg or ~/.aws of any user.
bool is_secret_path(const std::string& path);
// Grant paths that cover every user's secrets: /, /home, /home/USER, /root.
bool covers_home_secrets(const std::string& path);
// "/", "/etc", "/usr" and the other directories the system itself lives in, and below.
bool is_system_path(const std::string& path);

}  // namespace sandlock
