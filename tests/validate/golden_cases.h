// One small profile per error kind, written in YAML and in TOML, with the exact diagnostic each gives.
#pragma once

#include <string>
#include <vector>

namespace sandlock::testing {

struct GoldenCase {
  std::string name;
  std::string yaml;
  std::string toml;
  std::string yaml_error;  // render_one() of the single diagnostic, file "p.yaml"
  std::string toml_error;  // same, file "p.toml"
};

const std::vector<GoldenCase>& golden_cases();

}  // namespace sandlock::testing
