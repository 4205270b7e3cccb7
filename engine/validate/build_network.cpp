// network: allow / deny rule lists and bind ports.
#include "engine/validate/key_path.h"
#include "engine/validate/profile_builder.h"

namespace sandlock {
namespace {

// A bind entry: an integer port, "lo-hi", a numeric string, or "*" (every port, 0 included:
// binding port 0 lets the kernel pick one).
std::optional<std::vector<PortRange>> bind_ports(const Node& n, NetRuleError& error) {
  if (n.kind == Node::Kind::Int) {
    if (n.integer < 1 || n.integer > 65535) {
      error = {"net.port", "port " + std::to_string(n.integer) + " is out of range", "ports are 1-65535"};
      return std::nullopt;
    }
    const auto port = static_cast<std::uint16_t>(n.integer);
    return std::vector<PortRange>{{port, port}};
  }
  if (n.text == "*") return std::vector<PortRange>{{0, 65535}};
  return parse_port_list(n.text, error);
}

}  // namespace

void ProfileBuilder::network(const Node& net, Profile& p) {
  p.network_section = true;
  const MapEntry* allow = net.find_entry("allow");
  const MapEntry* deny = net.find_entry("deny");
  if (allow) p.net_allow_where = where(allow->key_mark);
  if (deny) p.net_deny_where = where(deny->key_mark);
  if (allow && deny) {
    const MapEntry* later = allow->key_mark.line > deny->key_mark.line ? allow : deny;
    error("net.allow-and-deny", later->key_mark, key_path_child("network", later->key),
          "network has both 'allow' and 'deny'",
          "use 'allow' (default-deny) or 'deny' (default-allow), not both");
  }
  for (const auto* list : {allow, deny}) {
    if (!list) continue;
    const bool deny_list = list == deny;
    each_string(&list->value, key_path_child("network", list->key), [&](const Node& item, const std::string& path) {
      NetRuleError e;
      auto rule = parse_net_rule(item.text, deny_list, e);
      if (!rule) return error(e.code, item.mark, path, e.message, e.hint);
      rule->where = where(item.mark);
      (deny_list ? p.net_deny : p.net_allow).push_back(std::move(*rule));
    });
  }
  const Node* bind = net.find("bind");
  if (!bind || bind->kind != Node::Kind::Seq) return;
  for (std::size_t i = 0; i < bind->items.size(); ++i) {
    const Node& item = bind->items[i];
    if (item.kind != Node::Kind::Int && item.kind != Node::Kind::String) continue;
    NetRuleError e;
    const auto ports = bind_ports(item, e);
    if (!ports) {
      error(e.code, item.mark, key_path_index("network.bind", i), e.message, e.hint);
      continue;
    }
    for (const auto& r : *ports) p.net_bind.push_back({r, where(item.mark)});
  }
}

}  // namespace sandlock
