#include "engine/compile/compose.h"

#include <algorithm>
#include <set>

#include "engine/parse/document.h"
#include "engine/util/text.h"

namespace sandlock {
namespace {

constexpr std::string_view kExtensions[] = {".yaml", ".yml", ".toml"};

bool has_profile_extension(const std::string& name) {
  return std::any_of(std::begin(kExtensions), std::end(kExtensions), [&](std::string_view ext) {
    return name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
  });
}

// A relative file reference ("./x.yaml", "../base.toml", "dir/x.yaml") as opposed to a
// name looked up on the search path ("base/minimal").
bool is_file_reference(const std::string& ref) {
  return ref.starts_with("./") || ref.starts_with("../") || ref.starts_with("/") || has_profile_extension(ref);
}

struct Loader {
  const CompileOptions& options;
  SourceReader& reader;
  LoadResult result;
  std::set<std::string> loaded;             // canonical paths already in `levels`
  std::vector<std::string> stack;           // the chain being loaded, for cycle detection

  std::vector<std::string> search_dirs(const std::string& profile_file) const {
    std::vector<std::string> dirs = options.policy_path;
    dirs.push_back(absolute_path(parent_dir(profile_file), options.env.pwd));  // a relative file's dir is relative to PWD
    if (!options.shipped_policies.empty()) dirs.push_back(options.shipped_policies);
    return dirs;
  }

  // Finds the base profile `ref` named in `from_file`; returns its path and text.
  std::optional<std::pair<std::string, std::string>> locate(const std::string& ref, const std::string& from_file,
                                                            std::vector<std::string>& tried) {
    std::vector<std::string> candidates;
    if (is_file_reference(ref)) {
      candidates.push_back(absolute_path(ref, absolute_path(parent_dir(from_file), options.env.pwd)));
    } else {
      for (const auto& dir : search_dirs(from_file))
        for (auto ext : kExtensions) candidates.push_back(absolute_path(ref + std::string(ext), dir));
    }
    for (const auto& c : candidates) {
      tried.push_back(c);
      if (auto text = reader.read(c)) return std::make_pair(c, *text);
    }
    return std::nullopt;
  }

  void load(const std::string& text, const std::string& file, std::vector<std::string> chain) {
    ParseResult parsed = parse_text(text, file, format_for_path(file));
    append(parsed.diagnostics);
    if (!parsed.document) return;
    ValidateResult validated = validate(*parsed.document, options.env);
    append(validated.diagnostics);
    if (!validated.profile) return;

    const std::string canonical = absolute_path(file, options.env.pwd);
    stack.push_back(canonical);
    // Every entry is a string here (the schema checked), so its index is the one written.
    const auto& extends = validated.profile->extends;
    for (std::size_t i = 0; i < extends.size(); ++i) load_base(extends[i], "extends[" + std::to_string(i) + "]", file, chain);
    stack.pop_back();
    loaded.insert(canonical);
    result.levels.push_back(LoadedProfile{std::move(*validated.profile), std::move(chain)});
  }

  void load_base(const Located<std::string>& ext, const std::string& key_path, const std::string& from_file,
                 const std::vector<std::string>& chain) {
    if (static_cast<int>(chain.size()) >= options.max_extends_depth) {
      result.diagnostics.push_back(error_at("extends.depth", ext.where, key_path,
                                            "extends nesting is deeper than " +
                                                std::to_string(options.max_extends_depth) + " levels",
                                            "flatten the chain of base profiles"));
      return;
    }
    std::vector<std::string> tried;
    auto found = locate(ext.value, from_file, tried);
    if (!found) {
      result.diagnostics.push_back(error_at("extends.missing", ext.where, key_path,
                                            "base profile '" + ext.value + "' not found",
                                            "looked in: " + join(tried, ", ")));
      return;
    }
    const std::string canonical = absolute_path(found->first, options.env.pwd);
    if (std::find(stack.begin(), stack.end(), canonical) != stack.end()) {
      std::vector<std::string> cycle(std::find(stack.begin(), stack.end(), canonical), stack.end());
      cycle.push_back(canonical);
      result.diagnostics.push_back(error_at("extends.cycle", ext.where, key_path,
                                            "extends cycle: " + join(cycle, " -> "),
                                            "remove one of the extends entries in the cycle"));
      return;
    }
    if (loaded.count(canonical)) return;  // diamond: already merged once
    std::vector<std::string> sub = chain;
    sub.push_back(found->first);
    load(found->second, found->first, std::move(sub));
  }

  void append(const Diagnostics& d) { result.diagnostics.insert(result.diagnostics.end(), d.begin(), d.end()); }
};

}  // namespace

std::string parent_dir(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string absolute_path(const std::string& path, const std::string& base_dir) {
  // No base: the working directory could not be read. The path stays relative, for the
  // kernel to resolve in the directory it names (never "/" + path: another file).
  if (base_dir.empty() && (path.empty() || path[0] != '/')) return path;
  std::string joined = (!path.empty() && path[0] == '/') ? path : base_dir + "/" + path;
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i <= joined.size()) {
    const std::size_t j = std::min(joined.find('/', i), joined.size());
    const std::string part = joined.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

LoadResult load_profile_tree(const std::string& text, const std::string& file, const CompileOptions& options,
                             SourceReader& reader) {
  Loader loader{options, reader, {}, {}, {}};
  loader.load(text, file, {file});
  return std::move(loader.result);
}

}  // namespace sandlock
