// The per-area halves of diff_graphs (internal to engine/review).
#pragma once

#include "engine/review/diff.h"

namespace sandlock {

void diff_filesystem(const PolicyGraph& o, const PolicyGraph& n, std::uint64_t rights, std::vector<PolicyChange>& out);
void diff_network(const PolicyGraph& o, const PolicyGraph& n, std::vector<PolicyChange>& out);

// "read", "write", "exec", "write+exec" or the Landlock right names.
std::string access_words(std::uint64_t access);

}  // namespace sandlock
