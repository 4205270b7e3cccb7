// Composition through `extends`, the merge rules, and graph determinism, on an
// in-memory file tree.
#include <gtest/gtest.h>

#include <map>

#include "engine/compile/compose.h"
#include "engine/compile/graph.h"
#include "engine/kernel/landlock_uapi.h"

namespace sandlock {
namespace {

class ComposeTest : public ::testing::Test {
 protected:
  CompileResult compile(const std::string& path) {
    options_.env.pwd = "/work";
    options_.shipped_policies = "/shipped";
    return compile_file(path, options_, reader_);
  }
  std::string messages(const CompileResult& r) {
    std::string s;
    for (const auto& d : r.diagnostics) s += d.where.file + ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " + d.message + "\n";
    return s;
  }
  MemorySourceReader reader_;
  CompileOptions options_;
};

TEST_F(ComposeTest, BaseFoundOnSearchPathInOrder) {
  reader_.files["/p/app.yaml"] = "version: 1\nextends: [base/x]\n";
  reader_.files["/flag/base/x.yaml"] = "version: 1\nfilesystem: {read: [/from-flag]}\n";
  reader_.files["/shipped/base/x.yaml"] = "version: 1\nfilesystem: {read: [/from-shipped]}\n";
  options_.policy_path = {"/flag"};
  auto r = compile("/p/app.yaml");
  ASSERT_TRUE(r.graph) << messages(r);
  EXPECT_NE(fs_access(*r.graph, "/from-flag"), 0u);
  EXPECT_EQ(fs_access(*r.graph, "/from-shipped"), 0u);

  options_.policy_path.clear();
  r = compile("/p/app.yaml");
  ASSERT_TRUE(r.graph) << messages(r);
  EXPECT_NE(fs_access(*r.graph, "/from-shipped"), 0u);
}

TEST_F(ComposeTest, OwnDirectoryBeforeShippedAndRelativeFiles) {
  reader_.files["/p/app.yaml"] = "version: 1\nextends: [base/x, ./local.toml]\n";
  reader_.files["/p/base/x.yml"] = "version: 1\nfilesystem: {read: [/own-dir]}\n";
  reader_.files["/shipped/base/x.yaml"] = "version: 1\nfilesystem: {read: [/from-shipped]}\n";
  reader_.files["/p/local.toml"] = "version = 1\n[filesystem]\nexec = [\"/local\"]\n";
  auto r = compile("/p/app.yaml");
  ASSERT_TRUE(r.graph) << messages(r);
  EXPECT_NE(fs_access(*r.graph, "/own-dir"), 0u);
  EXPECT_EQ(fs_access(*r.graph, "/from-shipped"), 0u);
  EXPECT_EQ(fs_access(*r.graph, "/local/bin"), fs_exec_access());
}

TEST_F(ComposeTest, MissingBaseNamesWhereItLooked) {
  reader_.files["/p/app.yaml"] = "version: 1\nextends:\n  - nothere\n";
  auto r = compile("/p/app.yaml");
  EXPECT_FALSE(r.graph);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].where.line, 3);
  EXPECT_EQ(r.diagnostics[0].where.column, 5);
  EXPECT_EQ(r.diagnostics[0].message, "base profile 'nothere' not found");
  EXPECT_NE(r.diagnostics[0].hint.find("/p/nothere.yaml"), std::string::npos);
  EXPECT_NE(r.diagnostics[0].hint.find("/shipped/nothere.toml"), std::string::npos);
}

TEST_F(ComposeTest, ExtendsErrorsNameTheEntry) {
  reader_.files["/p/app.yaml"] = "version: 1\nextends: [./ok.yaml, nothere, ./app.yaml]\n";
  reader_.files["/p/ok.yaml"] = "version: 1\n";
  auto r = compile("/p/app.yaml");
  EXPECT_FALSE(r.graph);
  ASSERT_EQ(r.diagnostics.size(), 2u) << messages(r);
  EXPECT_EQ(r.diagnostics[0].code, "extends.missing");
  EXPECT_EQ(r.diagnostics[0].key_path, "extends[1]");
  EXPECT_EQ(r.diagnostics[1].code, "extends.cycle");
  EXPECT_EQ(r.diagnostics[1].key_path, "extends[2]");
}

TEST_F(ComposeTest, CyclePrintsTheChain) {
  reader_.files["/p/a.yaml"] = "version: 1\nextends: [./b.yaml]\n";
  reader_.files["/p/b.yaml"] = "version: 1\nextends: [./c.yaml]\n";
  reader_.files["/p/c.yaml"] = "version: 1\nextends: [./a.yaml]\n";
  auto r = compile("/p/a.yaml");
  EXPECT_FALSE(r.graph);
  ASSERT_EQ(r.diagnostics.size(), 1u) << messages(r);
  EXPECT_EQ(r.diagnostics[0].message, "extends cycle: /p/a.yaml -> /p/b.yaml -> /p/c.yaml -> /p/a.yaml");
  EXPECT_EQ(r.diagnostics[0].where.file, "/p/c.yaml");
}

TEST_F(ComposeTest, DepthLimit) {
  for (int i = 0; i < 30; ++i)
    reader_.files["/p/l" + std::to_string(i) + ".yaml"] = "version: 1\nextends: [./l" + std::to_string(i + 1) + ".yaml]\n";
  reader_.files["/p/l30.yaml"] = "version: 1\n";
  auto r = compile("/p/l0.yaml");
  EXPECT_FALSE(r.graph);
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics[0].code, "extends.depth");
}

TEST_F(ComposeTest, MergeRules) {
  reader_.files["/p/base.yaml"] =
      "version: 1\n"
      "filesystem: {write: [/data], deny: [/data/secret]}\n"
      "network: {allow: [\"tcp://*:80\"], bind: [8080]}\n"
      "protections: {signal-scope: disabled, fs-truncate: degradable}\n"
      "syscalls: {allow: [\"@keyring\"], deny: [\"@cpu-emulation\"]}\n"
      "limits: {memory: 1G, open_files: 100}\n"
      "program: {exec: /bin/base, env: {A: base, B: base}, cwd: /}\n";
  reader_.files["/p/app.yaml"] =
      "version: 1\nextends: [./base.yaml]\n"
      "filesystem: {read: [/data/secret/x, /etc]}\n"
      "network: {allow: [\"tcp://*:443\"], bind: [9000]}\n"
      "protections: {signal-scope: strict}\n"
      "syscalls: {deny: [\"keyctl\"]}\n"
      "limits: {memory: 2G}\n"
      "program: {env: {B: app}}\n";
  auto r = compile("/p/app.yaml");
  ASSERT_TRUE(r.graph) << messages(r);
  const PolicyGraph& g = *r.graph;
  // Grants union; a base's deny wins over the child's grant under it.
  EXPECT_EQ(fs_access(g, "/data/x"), fs_write_access());
  EXPECT_EQ(fs_access(g, "/data/secret/x"), 0u);
  EXPECT_EQ(fs_access(g, "/etc/passwd"), fs_read_access());
  // Network rules and bind ports union.
  ASSERT_EQ(g.net_allow.size(), 1u);
  EXPECT_EQ(g.net_allow[0].ports, (std::vector<PortRange>{{80, 80}, {443, 443}}));
  EXPECT_EQ(g.bind, (std::vector<PortRange>{{8080, 8080}, {9000, 9000}}));
  // The child's protection state wins; others keep the base's or the default.
  EXPECT_EQ(g.protections[static_cast<std::size_t>(Protection::SignalScope)].state, ProtectionState::Strict);
  EXPECT_EQ(g.protections[static_cast<std::size_t>(Protection::FsTruncate)].state, ProtectionState::Degradable);
  EXPECT_TRUE(g.protections[static_cast<std::size_t>(Protection::NetTcp)].defaulted);
  // Syscalls: the child's deny of keyctl wins over the base's re-allow of @keyring.
  EXPECT_TRUE(g.syscall_deny.count("keyctl"));
  EXPECT_FALSE(g.syscall_deny.count("add_key"));
  EXPECT_TRUE(g.syscall_deny.count("modify_ldt"));
  // Scalars: the child wins per key.
  EXPECT_EQ(g.limits.at("memory").value, 2ULL << 30);
  EXPECT_EQ(g.limits.at("open_files").value, 100u);
  ASSERT_TRUE(g.program && g.program->exec);
  EXPECT_EQ(g.program->exec->value, "/bin/base");
  EXPECT_EQ(g.program->env, (std::vector<std::pair<std::string, std::string>>{{"A", "base"}, {"B", "app"}}));
  // Provenance names the chain a grant came through.
  const auto& data = g.fs.children.at("data");
  ASSERT_EQ(data.grant_from.size(), 1u);
  EXPECT_EQ(data.grant_from[0].chain, (std::vector<std::string>{"/p/app.yaml", "/p/base.yaml"}));
  EXPECT_EQ(data.grant_from[0].where.line, 2);
}

TEST_F(ComposeTest, AllowAndDenyAcrossLevelsIsAnError) {
  reader_.files["/p/base.yaml"] = "version: 1\nnetwork: {allow: [\"tcp://*:80\"]}\n";
  reader_.files["/p/app.yaml"] = "version: 1\nextends: [./base.yaml]\nnetwork: {deny: [10.0.0.0/8]}\n";
  auto r = compile("/p/app.yaml");
  EXPECT_FALSE(r.graph);
  ASSERT_EQ(r.diagnostics.size(), 1u) << messages(r);
  EXPECT_EQ(r.diagnostics[0].code, "net.allow-and-deny");
}

TEST_F(ComposeTest, DiamondIsMergedOnce) {
  reader_.files["/p/root.yaml"] = "version: 1\nfilesystem: {read: [/r]}\n";
  reader_.files["/p/a.yaml"] = "version: 1\nextends: [./root.yaml]\n";
  reader_.files["/p/b.yaml"] = "version: 1\nextends: [./root.yaml]\n";
  reader_.files["/p/app.yaml"] = "version: 1\nextends: [./a.yaml, ./b.yaml]\n";
  auto r = compile("/p/app.yaml");
  ASSERT_TRUE(r.graph) << messages(r);
  EXPECT_EQ(r.graph->fs.children.at("r").grant_from.size(), 1u);
}

TEST_F(ComposeTest, YamlAndTomlSpellingsCompileToTheSameGraph) {
  reader_.files["/p/web.yaml"] =
      "version: 1\nname: web\nfilesystem:\n  read: [/usr/share/nginx]\n  exec: [/usr/sbin, /usr/lib]\n"
      "  write: [/var/log/nginx]\n  deny: [/etc/shadow]\n"
      "  rules:\n    - {path: /var/lib/app, access: [read_file, write_file, make_reg, truncate]}\n"
      "network:\n  allow: [\"tcp://127.0.0.1:8080\", \"udp://[::1]:53\"]\n  bind: [8080, \"9000-9005\"]\n"
      "protections: {signal-scope: degradable}\nsyscalls: {deny: [\"@debug\", chroot], allow: [\"@sysv-ipc\"]}\n"
      "limits: {memory: 512M, processes: 64}\n"
      "program: {exec: /usr/sbin/nginx, args: [\"-g\", \"daemon off;\"], env: {LANG: C.UTF-8}, clean_env: true, cwd: /}\n";
  reader_.files["/p/web.toml"] =
      "version = 1\nname = \"web\"\n[filesystem]\nread = [\"/usr/share/nginx\"]\nexec = [\"/usr/sbin\", \"/usr/lib\"]\n"
      "write = [\"/var/log/nginx\"]\ndeny = [\"/etc/shadow\"]\n"
      "rules = [{path = \"/var/lib/app\", access = [\"read_file\", \"write_file\", \"make_reg\", \"truncate\"]}]\n"
      "[network]\nallow = [\"tcp://127.0.0.1:8080\", \"udp://[::1]:53\"]\nbind = [8080, \"9000-9005\"]\n"
      "[protections]\nsignal-scope = \"degradable\"\n[syscalls]\ndeny = [\"@debug\", \"chroot\"]\nallow = [\"@sysv-ipc\"]\n"
      "[limits]\nmemory = \"512M\"\nprocesses = 64\n"
      "[program]\nexec = \"/usr/sbin/nginx\"\nargs = [\"-g\", \"daemon off;\"]\nenv = {LANG = \"C.UTF-8\"}\nclean_env = true\ncwd = \"/\"\n";
  auto y = compile("/p/web.yaml");
  auto t = compile("/p/web.toml");
  ASSERT_TRUE(y.graph) << messages(y);
  ASSERT_TRUE(t.graph) << messages(t);
  // Provenance differs in file names and columns; the meaning must not.
  auto strip = [](std::string json) {
    std::string out;
    for (std::size_t i = 0; i < json.size();) {
      const auto pos = json.find("\"column\": ", i);
      const auto pos2 = json.find("\"line\": ", i);
      const auto next = std::min(pos, pos2);
      if (next == std::string::npos) {
        out += json.substr(i);
        break;
      }
      out += json.substr(i, next - i);
      i = json.find_first_of(",\n}", next);
    }
    return out;
  };
  EXPECT_EQ(strip(graph_to_json(*y.graph, false)), strip(graph_to_json(*t.graph, false)));
}

TEST_F(ComposeTest, CompileIsDeterministic) {
  reader_.files["/p/app.yaml"] = "version: 1\nfilesystem: {read: [/b, /a, /c/d], write: [/c]}\nnetwork: {allow: [\"tcp://*:9\", \"tcp://*:3\"]}\n";
  auto first = compile("/p/app.yaml");
  auto second = compile("/p/app.yaml");
  ASSERT_TRUE(first.graph);
  EXPECT_EQ(graph_to_json(*first.graph), graph_to_json(*second.graph));
}

}  // namespace
}  // namespace sandlock
