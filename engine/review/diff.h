// `sandlock diff`: what one compiled policy graph grants that another does not, by meaning.
// Reordering, respelling, moving a rule into a base, or adding a grant that an existing
// grant covers changes nothing here, because both graphs are compared by effective access.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/compile/graph.h"

namespace sandlock {

enum class ChangeKind { Widening, Narrowing, Neutral };  // Neutral: e.g. the program changed

struct PolicyChange {
  ChangeKind kind = ChangeKind::Neutral;
  std::string area;     // "filesystem", "network", "bind", "protection", "syscall", "limit", "program"
  std::string subject;  // the path, destination, protection, syscall or limit name
  std::string detail;   // e.g. "write_file,remove_file granted", "strict -> disabled"
  std::optional<Provenance> old_from;
  std::optional<Provenance> new_from;
};

struct PolicyDiff {
  std::string old_name, new_name;  // how OLD and NEW were named on the command line
  std::vector<PolicyChange> changes;  // widenings first, then narrowings, then neutral; each by area
  bool widens() const;
};

// `fs_rights`: the filesystem rights compared (a target ABI's, to ignore rights it cannot enforce).
PolicyDiff diff_graphs(const PolicyGraph& old_graph, const PolicyGraph& new_graph, std::uint64_t fs_rights = ~0ULL);

enum class DiffFormat { Text, Markdown, Json };
bool parse_diff_format(const std::string& name, DiffFormat& out);
// Several diffs (one per profile) in one report; markdown starts with a summary line.
std::string render_diffs(const std::vector<PolicyDiff>& diffs, DiffFormat format);

}  // namespace sandlock
