#include "engine/compile/compose.h"
#include "engine/compile/merge.h"
#include "engine/parse/document.h"
#include "engine/util/disk.h"

namespace sandlock {

std::optional<std::string> DiskSourceReader::read(const std::string& path) { return disk::read_file(path); }

std::optional<std::string> MemorySourceReader::read(const std::string& path) {
  auto it = files.find(path);
  if (it == files.end()) return std::nullopt;
  return it->second;
}

CompileResult compile_text(const std::string& text, const std::string& file, const CompileOptions& options,
                           SourceReader& reader) {
  CompileResult result;
  LoadResult loaded = load_profile_tree(text, file, options, reader);
  result.diagnostics = std::move(loaded.diagnostics);
  if (!has_errors(result.diagnostics) && !loaded.levels.empty()) {
    PolicyGraph graph = merge_levels(loaded.levels, result.diagnostics);
    if (!has_errors(result.diagnostics)) result.graph = std::move(graph);
  }
  sort_diagnostics(result.diagnostics);
  return result;
}

CompileResult compile_file(const std::string& path, const CompileOptions& options, SourceReader& reader) {
  auto text = reader.read(path);
  if (!text) {
    CompileResult result;
    result.diagnostics.push_back(error_at("file.unreadable", Location{path, 0, 0}, "", "cannot read profile file"));
    return result;
  }
  return compile_text(*text, path, options, reader);
}

}  // namespace sandlock
