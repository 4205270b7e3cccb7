// Composition: loads a profile and, through `extends`, every base it names.
#pragma once

#include <string>
#include <vector>

#include "engine/compile/graph.h"

namespace sandlock {

struct LoadedProfile {
  Profile profile;
  std::vector<std::string> chain;  // files from the compiled profile down to this one
};

struct LoadResult {
  // Merge order: each profile's bases (in `extends` order, depth first) before it;
  // the compiled profile is last. A base reached twice is loaded once.
  std::vector<LoadedProfile> levels;
  Diagnostics diagnostics;
};

LoadResult load_profile_tree(const std::string& text, const std::string& file, const CompileOptions& options,
                             SourceReader& reader);

// Lexically normalized absolute form of `path` relative to `base_dir`.
std::string absolute_path(const std::string& path, const std::string& base_dir);
std::string parent_dir(const std::string& path);

}  // namespace sandlock
