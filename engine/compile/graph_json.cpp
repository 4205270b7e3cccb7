// The graph as JSON: deterministic (ordered keys, sorted containers), for
// `compile --emit graph`, golden tests and diffing.
#include <arpa/inet.h>

#include <nlohmann/json.hpp>

#include "engine/compile/graph.h"

namespace sandlock {
namespace {

using Json = nlohmann::ordered_json;

struct JsonWriter {
  bool with_files;

  Json provenance(const Provenance& p) const {
    Json j;
    j["file"] = with_files ? p.where.file : "";
    j["line"] = p.where.line;
    j["column"] = p.where.column;
    if (with_files && p.chain.size() > 1) j["via"] = p.chain;
    return j;
  }

  Json provenances(const std::vector<Provenance>& ps) const {
    Json arr = Json::array();
    for (const auto& p : ps) arr.push_back(provenance(p));
    return arr;
  }

  Json fs_node(const FsNode& node) const {
    Json j = Json::object();
    if (node.access) {
      j["access"] = fs_rights_to_string(node.access);
      j["from"] = provenances(node.grant_from);
    }
    if (node.deny) j["deny"] = provenance(*node.deny);
    if (!node.children.empty()) {
      Json children = Json::object();
      for (const auto& [name, child] : node.children) children[name] = fs_node(child);
      j["children"] = children;
    }
    return j;
  }

  Json ports(const std::vector<PortRange>& ranges) const {
    if (ranges.empty()) return "*";
    Json arr = Json::array();
    for (const auto& r : ranges) arr.push_back(r.lo == r.hi ? std::to_string(r.lo) : std::to_string(r.lo) + "-" + std::to_string(r.hi));
    return arr;
  }

  Json dests(const std::vector<NetDest>& ds) const {
    Json arr = Json::array();
    for (const auto& d : ds) {
      Json j;
      Json protos = Json::array();
      if (d.protos & kProtoTcp) protos.push_back("tcp");
      if (d.protos & kProtoUdp) protos.push_back("udp");
      if (d.protos & kProtoIcmp) protos.push_back("icmp");
      j["protocols"] = protos;
      j["target"] = format_net_target(d.target);
      j["ports"] = ports(d.ports);
      j["from"] = provenances(d.from);
      arr.push_back(j);
    }
    return arr;
  }

  Json graph(const PolicyGraph& g) const {
    Json j;
    j["name"] = g.name;
    j["description"] = g.description;
    j["filesystem"] = fs_node(g.fs);
    Json net;
    net["mode"] = g.net_mode == NetMode::None ? "none" : g.net_mode == NetMode::Allow ? "allow" : "deny";
    net["allow"] = dests(g.net_allow);
    net["deny"] = dests(g.net_deny);
    net["bind"] = g.bind.empty() ? Json::array() : ports(g.bind);
    j["network"] = net;
    Json prots;
    for (const auto& f : all_protections()) {
      const auto& p = g.protections[static_cast<std::size_t>(f.id)];
      Json pj;
      pj["state"] = protection_state_name(p.state);
      pj["defaulted"] = p.defaulted;
      if (!p.defaulted) pj["from"] = provenance(p.from);
      prots[std::string(f.name)] = pj;
    }
    j["protections"] = prots;
    Json sys;
    Json deny = Json::object();
    for (const auto& [name, from] : g.syscall_deny) deny[name] = from.where.line ? provenance(from) : Json("default");
    sys["deny"] = deny;
    Json allow = Json::object();
    for (const auto& [name, from] : g.syscall_allow) allow[name] = provenance(from);
    sys["allow"] = allow;
    j["syscalls"] = sys;
    Json limits = Json::object();
    for (const auto& [k, v] : g.limits) limits[k] = {{"value", v.value}, {"from", provenance(v.from)}};
    j["limits"] = limits;
    if (g.program) {
      Json pj;
      const Program& p = *g.program;
      if (p.exec) pj["exec"] = p.exec->value;
      pj["args"] = p.args;
      Json env = Json::object();
      for (const auto& [k, v] : p.env) env[k] = v;
      pj["env"] = env;
      pj["clean_env"] = p.clean_env ? p.clean_env->value : false;
      if (p.cwd) pj["cwd"] = p.cwd->value;
      j["program"] = pj;
    } else {
      j["program"] = nullptr;
    }
    return j;
  }
};

}  // namespace

std::string graph_to_json(const PolicyGraph& graph, bool with_files, int indent) {
  return JsonWriter{with_files}.graph(graph).dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sandlock
