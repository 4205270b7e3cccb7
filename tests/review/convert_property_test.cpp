// YAML -> TOML -> YAML through the Document tree compiles to the identical graph.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <nlohmann/json.hpp>

#include "engine/review/convert.h"
#include "tests/review/review_fixture.h"

namespace sandlock {
namespace {

using testing::MemoryReader;

// The graph without positions: a converted file names the same rules on other lines.
nlohmann::json meaning(const PolicyGraph& g) {
  nlohmann::json j = nlohmann::json::parse(graph_to_json(g, false));
  std::function<void(nlohmann::json&)> strip = [&](nlohmann::json& v) {
    if (v.is_object()) {
      v.erase("line");
      v.erase("column");
      for (auto& [k, child] : v.items()) strip(child);
    } else if (v.is_array()) {
      for (auto& child : v) strip(child);
    }
  };
  strip(j);
  return j;
}

std::optional<PolicyGraph> compile(const std::string& text, const std::string& path) {
  MemoryReader reader;
  reader.files[path] = text;
  return compile_file(path, CompileOptions{}, reader).graph;
}

rc::Gen<std::string> profile_text() {
  using rc::gen::element;
  using rc::gen::container;
  auto paths = container<std::vector<std::string>>(element<std::string>("/etc", "/usr/lib", "/srv/a b", "/var/lib/x", "/opt/1", "/home/u/true"));
  auto nets = container<std::vector<std::string>>(element<std::string>("127.0.0.1:8080", "10.0.0.0/8:443", "udp://[::1]:53", "example.com:80,443", "icmp://192.168.0.0/16"));
  auto ports = container<std::vector<int>>(rc::gen::inRange(1, 65536));
  auto state = element<std::string>("strict", "degradable", "disabled");
  auto env_value = element<std::string>("1", "true", "null", "x: y", "# not a comment", "");
  return rc::gen::apply(
      [](std::vector<std::string> read, std::vector<std::string> write, std::vector<std::string> allow, std::vector<int> bind,
         std::string signal, std::string env, int procs) {
        auto list = [](const auto& items) {
          std::string s = "[";
          for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + nlohmann::json(items[i]).dump();
          return s + "]";
        };
        return "version: 1\nname: gen\nfilesystem:\n  read: " + list(read) + "\n  write: " + list(write) +
               "\n  rules:\n    - {path: /dev/null, access: [read_file, write_file]}\nnetwork:\n  allow: " + list(allow) +
               "\n  bind: " + list(bind) + "\nprotections: {signal-scope: " + signal + "}\nlimits: {processes: " +
               std::to_string(procs) + "}\nprogram:\n  exec: /bin/true\n  env: {A: " + nlohmann::json(env).dump() +
               "}\ntests:\n  deny: [\"write /etc/passwd\"]\n";
      },
      paths, paths, nets, ports, state, env_value, rc::gen::inRange(1, 1000));
}

TEST(Convert, YamlTomlYamlCompilesToTheIdenticalGraph) {
  const bool ok = rc::check("convert keeps the meaning", [] {
    const std::string yaml = *profile_text();
    auto original = compile(yaml, "/repo/p.yaml");
    RC_PRE(original.has_value());
    ParseResult parsed = parse_yaml(yaml, "/repo/p.yaml");
    RC_ASSERT(parsed.document.has_value());
    std::string error;
    auto toml = document_to_toml(*parsed.document, error);
    RC_ASSERT(toml.has_value());
    auto from_toml = compile(*toml, "/repo/p.toml");
    RC_ASSERT(from_toml.has_value());
    RC_ASSERT(meaning(*from_toml) == meaning(*original));
    ParseResult reparsed = parse_toml(*toml, "/repo/p.toml");
    RC_ASSERT(reparsed.document.has_value());
    auto back = compile(document_to_yaml(*reparsed.document), "/repo/q.yaml");
    RC_ASSERT(back.has_value());
    RC_ASSERT(meaning(*back) == meaning(*original));
  });
  EXPECT_TRUE(ok);
}

TEST(Convert, QuotesStringsThatWouldChangeType) {
  ParseResult parsed = parse_toml("version = 1\n[program]\nexec = \"/bin/true\"\nenv = { A = \"1\", B = \"true\", C = \"plain\" }\n", "p.toml");
  ASSERT_TRUE(parsed.document);
  EXPECT_EQ(document_to_yaml(*parsed.document), "version: 1\nprogram:\n  exec: /bin/true\n  env:\n    A: \"1\"\n    B: \"true\"\n    C: plain\n");
}

TEST(Convert, NullHasNoTomlSpelling) {
  ParseResult parsed = parse_yaml("version: 1\ndescription: ~\n", "p.yaml");
  ASSERT_TRUE(parsed.document);
  std::string error;
  EXPECT_FALSE(document_to_toml(*parsed.document, error));
  EXPECT_EQ(error, "null at line 2 has no TOML spelling");
}

TEST(Convert, CommentsAreDetected) {
  EXPECT_TRUE(has_comments("version: 1 # one\n", SourceFormat::Yaml));
  EXPECT_FALSE(has_comments("version = 1\n", SourceFormat::Toml));
}

}  // namespace
}  // namespace sandlock
