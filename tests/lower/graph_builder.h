// Builds PolicyGraph values by hand, so lowering tests do not depend on the compile stage.
#pragma once

#include <sstream>
#include <string>

#include "engine/compile/graph.h"
#include "engine/kernel/landlock_uapi.h"

namespace sandlock::testing {

inline constexpr std::uint64_t kRead = uapi::kFsReadFile | uapi::kFsReadDir;  // 0xc

// The trie node for an absolute path, created on the way.
inline FsNode& fs_node(PolicyGraph& g, const std::string& path) {
  FsNode* node = &g.fs;
  std::istringstream parts(path);
  for (std::string part; std::getline(parts, part, '/');)
    if (!part.empty()) node = &node->children[part];
  return *node;
}

inline void grant(PolicyGraph& g, const std::string& path, std::uint64_t access, int line = 1) {
  FsNode& n = fs_node(g, path);
  n.access |= access;
  n.grant_from.push_back(Provenance{Location{"test.yaml", line, 3}, {"test.yaml"}});
}

inline void deny(PolicyGraph& g, const std::string& path) {
  fs_node(g, path).deny = Provenance{Location{"test.yaml", 9, 3}, {"test.yaml"}};
}

inline void set_all_protections(PolicyGraph& g, ProtectionState s) {
  for (ResolvedProtection& p : g.protections) {
    p.state = s;
    p.from = Provenance{Location{"test.yaml", 1, 1}, {"test.yaml"}};
  }
}

inline void set_protection(PolicyGraph& g, Protection p, ProtectionState s, int line = 5) {
  ResolvedProtection& r = g.protections[static_cast<std::size_t>(p)];
  r.state = s;
  r.defaulted = false;
  r.from = Provenance{Location{"test.yaml", line, 5}, {"test.yaml"}};
}

inline NetDest dest(unsigned protos, std::vector<PortRange> ports, std::string host = {}) {
  NetDest d;
  d.protos = protos;
  d.ports = std::move(ports);
  if (!host.empty()) {
    d.target.kind = NetTarget::Kind::Host;
    d.target.host = std::move(host);
  }
  return d;
}

}  // namespace sandlock::testing
