// Properties over generated profiles: the YAML and TOML spellings compile to the same
// graph, and compiling is deterministic.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <map>
#include <regex>

#include "engine/compile/graph.h"

namespace sandlock {
namespace {

struct GenProfile {
  std::map<std::string, std::vector<std::string>> filesystem;  // read/exec/write/deny → paths
  std::vector<std::string> allow;
  std::vector<std::string> bind;
  std::map<std::string, std::string> protections;
  std::vector<std::string> syscalls_deny;
  std::map<std::string, std::string> limits;
};

std::string quoted_list(const std::vector<std::string>& items) {
  std::string s = "[";
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + ("\"" + items[i] + "\"");
  return s + "]";
}

std::string to_yaml(const GenProfile& p) {
  std::string s = "version: 1\nname: gen\n";
  if (!p.filesystem.empty()) {
    s += "filesystem:\n";
    for (const auto& [k, v] : p.filesystem) s += "  " + k + ": " + quoted_list(v) + "\n";
  }
  s += "network:\n  allow: " + quoted_list(p.allow) + "\n  bind: " + quoted_list(p.bind) + "\n";
  if (!p.protections.empty()) {
    s += "protections:\n";
    for (const auto& [k, v] : p.protections) s += "  " + k + ": " + v + "\n";
  }
  s += "syscalls:\n  deny: " + quoted_list(p.syscalls_deny) + "\n";
  if (!p.limits.empty()) {
    s += "limits:\n";
    for (const auto& [k, v] : p.limits) s += "  " + k + ": " + v + "\n";
  }
  return s;
}

std::string to_toml(const GenProfile& p) {
  std::string s = "version = 1\nname = \"gen\"\n";
  if (!p.filesystem.empty()) {
    s += "[filesystem]\n";
    for (const auto& [k, v] : p.filesystem) s += k + " = " + quoted_list(v) + "\n";
  }
  s += "[network]\nallow = " + quoted_list(p.allow) + "\nbind = " + quoted_list(p.bind) + "\n";
  if (!p.protections.empty()) {
    s += "[protections]\n";
    for (const auto& [k, v] : p.protections) s += k + " = \"" + v + "\"\n";
  }
  s += "[syscalls]\ndeny = " + quoted_list(p.syscalls_deny) + "\n";
  if (!p.limits.empty()) {
    s += "[limits]\n";
    for (const auto& [k, v] : p.limits) {
      const bool number = v.find_first_not_of("0123456789") == std::string::npos;
      s += k + " = " + (number ? v : "\"" + v + "\"") + "\n";
    }
  }
  return s;
}

// Maps with few possible keys: draw a short list of pairs (later keys win).
template <class K, class V>
rc::Gen<std::map<K, V>> small_map(rc::Gen<K> key, rc::Gen<V> value) {
  return rc::gen::map(rc::gen::container<std::vector<std::pair<K, V>>>(*rc::gen::inRange(0, 4), rc::gen::pair(key, value)),
                      [](const std::vector<std::pair<K, V>>& v) {
                        std::map<K, V> m;
                        for (const auto& [k, val] : v) m[k] = val;
                        return m;
                      });
}

rc::Gen<GenProfile> gen_profile() {
  const auto path = rc::gen::element<std::string>("/usr", "/usr/lib", "/etc", "/etc/ssl", "/var/log", "/opt/app/data",
                                                  "/home/u/.cache", "/srv//www/", "/tmp/./x");
  const auto paths = rc::gen::container<std::vector<std::string>>(*rc::gen::inRange(0, 4), path);
  const auto rule = rc::gen::element<std::string>("tcp://*:80", "tcp://*:443", "tcp://*:8000-8010", "udp://127.0.0.1:53",
                                                  "10.0.0.0/8:22", "[::1]:8080", "icmp://192.168.1.1", "tcp://[::ffff:10.1.2.3]:80",
                                                  "example.com:443", "tcp://*:80,443");
  const auto port = rc::gen::element<std::string>("8080", "9000-9005", "22", "*");
  const auto state = rc::gen::element<std::string>("strict", "degradable", "disabled", "Degradable", "STRICT");
  const auto prot = rc::gen::element<std::string>("fs-truncate", "net-tcp", "fs-ioctl-dev", "signal-scope", "abstract-unix-socket-scope");
  const auto group = rc::gen::element<std::string>("@debug", "@clock", "chroot", "@cpu-emulation", "uselib");
  using KV = std::pair<std::string, std::string>;
  const auto limit = rc::gen::element(KV{"memory", "512M"}, KV{"memory", "1G"}, KV{"file_size", "64K"},
                                      KV{"processes", "64"}, KV{"open_files", "1024"});
  return rc::gen::build<GenProfile>(
      rc::gen::set(&GenProfile::filesystem, small_map(rc::gen::element<std::string>("read", "exec", "write", "deny"), paths)),
      rc::gen::set(&GenProfile::allow, rc::gen::container<std::vector<std::string>>(*rc::gen::inRange(0, 5), rule)),
      rc::gen::set(&GenProfile::bind, rc::gen::container<std::vector<std::string>>(*rc::gen::inRange(0, 3), port)),
      rc::gen::set(&GenProfile::protections, small_map(prot, state)),
      rc::gen::set(&GenProfile::syscalls_deny, rc::gen::container<std::vector<std::string>>(*rc::gen::inRange(0, 3), group)),
      rc::gen::set(&GenProfile::limits, rc::gen::map(rc::gen::container<std::vector<std::pair<std::string, std::string>>>(*rc::gen::inRange(0, 3), limit),
                                                     [](const std::vector<std::pair<std::string, std::string>>& v) {
                                                       return std::map<std::string, std::string>(v.begin(), v.end());
                                                     })));
}

// Line and column numbers differ between the spellings; everything else must not.
std::string without_positions(const std::string& json) {
  static const std::regex kPos("\"(line|column)\": [0-9]+");
  return std::regex_replace(json, kPos, "");
}

TEST(SpellingProperty, YamlAndTomlCompileToIdenticalGraphs) {
  const bool ok = rc::check("yaml graph == toml graph", [] {
    const GenProfile p = *gen_profile();
    MemorySourceReader reader;
    reader.files["/p/gen.yaml"] = to_yaml(p);
    reader.files["/p/gen.toml"] = to_toml(p);
    CompileOptions options;
    options.env.pwd = "/p";
    const auto y = compile_file("/p/gen.yaml", options, reader);
    const auto t = compile_file("/p/gen.toml", options, reader);
    RC_LOG() << reader.files["/p/gen.yaml"] << "\n---\n" << reader.files["/p/gen.toml"] << "\n";
    for (const auto& d : y.diagnostics) RC_LOG() << "yaml: " << d.where.line << ":" << d.where.column << " " << d.message << "\n";
    for (const auto& d : t.diagnostics) RC_LOG() << "toml: " << d.where.line << ":" << d.where.column << " " << d.message << "\n";
    RC_ASSERT(y.graph.has_value() == t.graph.has_value());
    RC_ASSERT(y.diagnostics.size() == t.diagnostics.size());
    if (!y.graph) return;
    RC_ASSERT(without_positions(graph_to_json(*y.graph, false)) == without_positions(graph_to_json(*t.graph, false)));
    // Deterministic: compiling again gives byte-identical output.
    RC_ASSERT(graph_to_json(*y.graph) == graph_to_json(*compile_file("/p/gen.yaml", options, reader).graph));
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace sandlock

namespace sandlock {
namespace {

// program.env came out in document order from YAML and sorted from TOML (toml++ keeps its
// tables sorted), so `compile --emit graph` and `explain --json` of one profile differed by
// spelling. The graph keeps env sorted by name. Control: the values and every key survive.
TEST(SpellingProperty, ProgramEnvIsInOneOrderWhateverTheSpelling) {
  MemorySourceReader reader;
  reader.files["/p/e.yaml"] =
      "version: 1\nname: e\nprogram:\n  exec: /bin/true\n  env: {PATH: /usr/bin, LANG: C.UTF-8, B: \"2\", A: \"1\"}\n";
  reader.files["/p/e.toml"] =
      "version = 1\nname = \"e\"\n[program]\nexec = \"/bin/true\"\n"
      "env = {PATH = \"/usr/bin\", LANG = \"C.UTF-8\", B = \"2\", A = \"1\"}\n";
  reader.files["/p/base.yaml"] = "version: 1\nprogram:\n  env: {Z: z, M: m}\n";
  reader.files["/p/child.yaml"] = "version: 1\nextends: [base.yaml]\nprogram:\n  env: {C: c, M: m2}\n";
  CompileOptions options;
  options.env.pwd = "/p";
  const auto y = compile_file("/p/e.yaml", options, reader);
  const auto t = compile_file("/p/e.toml", options, reader);
  ASSERT_TRUE(y.graph && t.graph);
  EXPECT_EQ(without_positions(graph_to_json(*y.graph, false)), without_positions(graph_to_json(*t.graph, false)));
  using Env = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(y.graph->program->env, (Env{{"A", "1"}, {"B", "2"}, {"LANG", "C.UTF-8"}, {"PATH", "/usr/bin"}}));
  // Merged from a base: one entry per name (the child's value wins), still sorted.
  const auto c = compile_file("/p/child.yaml", options, reader);
  ASSERT_TRUE(c.graph);
  EXPECT_EQ(c.graph->program->env, (Env{{"C", "c"}, {"M", "m2"}, {"Z", "z"}}));
}

}  // namespace
}  // namespace sandlock
