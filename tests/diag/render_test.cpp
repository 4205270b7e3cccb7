// render() in all four formats: exact text for people and GitHub, parsed-back JSON and SARIF.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/diag/render.h"

namespace sandlock {
namespace {

using nlohmann::json;

Diagnostics sample() {
  return {
      error_at("schema.unknown-key", {"web.yaml", 3, 5}, "filesystem.wirte", "unknown key 'wirte'",
               "did you mean 'write'?"),
      warning_at("net.wide", {"web.yaml", 7, 0}, "", "port range 1-65535 allows everything"),
      Diagnostic{Severity::Info, "abi.clamped", {"", 0, 0}, "", "clamped to ABI 4", ""},
  };
}

TEST(RenderText, OneLinePlusPathAndHint) {
  EXPECT_EQ(render(sample(), DiagFormat::Text),
            "web.yaml:3:5: error: unknown key 'wirte' [schema.unknown-key]\n"
            "    at filesystem.wirte\n"
            "    hint: did you mean 'write'?\n"
            "web.yaml:7: warning: port range 1-65535 allows everything [net.wide]\n"
            "info: clamped to ABI 4 [abi.clamped]\n");
}

TEST(RenderText, FileWithoutLine) {
  Diagnostics d{error_at("doc.too-large", {"big.yaml", 0, 0}, "", "too big")};
  EXPECT_EQ(render(d, DiagFormat::Text), "big.yaml: error: too big [doc.too-large]\n");
  EXPECT_EQ(render({}, DiagFormat::Text), "");
}

TEST(RenderJson, FieldsAndCounts) {
  json doc = json::parse(render(sample(), DiagFormat::Json));
  EXPECT_EQ(doc["errors"], 1);
  EXPECT_EQ(doc["warnings"], 1);
  ASSERT_EQ(doc["diagnostics"].size(), 3u);
  const json& first = doc["diagnostics"][0];
  EXPECT_EQ(first["severity"], "error");
  EXPECT_EQ(first["code"], "schema.unknown-key");
  EXPECT_EQ(first["file"], "web.yaml");
  EXPECT_EQ(first["line"], 3);
  EXPECT_EQ(first["column"], 5);
  EXPECT_EQ(first["key_path"], "filesystem.wirte");
  EXPECT_EQ(first["message"], "unknown key 'wirte'");
  EXPECT_EQ(first["hint"], "did you mean 'write'?");
  EXPECT_EQ(doc["diagnostics"][1]["severity"], "warning");
  EXPECT_EQ(doc["diagnostics"][2]["severity"], "info");
}

TEST(RenderJson, EmptyListStillHasCounts) {
  json doc = json::parse(render({}, DiagFormat::Json));
  EXPECT_EQ(doc, json({{"diagnostics", json::array()}, {"errors", 0}, {"warnings", 0}}));
}

TEST(RenderGithub, WorkflowCommands) {
  EXPECT_EQ(render(sample(), DiagFormat::Github),
            "::error file=web.yaml,line=3,col=5,title=sandlock schema.unknown-key::unknown key 'wirte' (did you "
            "mean 'write'?)\n"
            "::warning file=web.yaml,line=7,title=sandlock net.wide::port range 1-65535 allows everything\n"
            "::notice title=sandlock abi.clamped::clamped to ABI 4\n");
}

TEST(RenderGithub, EscapesDataAndProperties) {
  Diagnostics d{error_at("x.y", {"dir,a:b%.yaml", 1, 2}, "", "100% wrong\r\nnext: line, here")};
  EXPECT_EQ(render(d, DiagFormat::Github),
            "::error file=dir%2Ca%3Ab%25.yaml,line=1,col=2,title=sandlock x.y::100%25 wrong%0D%0Anext: line, here\n");
}

TEST(RenderJson, InvalidUtf8InAMessageIsReplacedNotThrown) {
  // Found by fuzz_parse: yaml-cpp quotes a single byte of a multi-byte character.
  Diagnostics d{error_at("yaml.syntax", {"p.yaml", 2, 6}, "", "unknown escape character: \xE0")};
  EXPECT_EQ(json::parse(render(d, DiagFormat::Json))["diagnostics"][0]["message"],
            "unknown escape character: \xEF\xBF\xBD");
  EXPECT_EQ(json::parse(render(d, DiagFormat::Sarif))["runs"][0]["results"][0]["message"]["text"],
            "unknown escape character: \xEF\xBF\xBD");
}

TEST(RenderSarif, LogShape) {
  json log = json::parse(render(sample(), DiagFormat::Sarif));
  EXPECT_EQ(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
  EXPECT_EQ(log["version"], "2.1.0");
  ASSERT_EQ(log["runs"].size(), 1u);
  const json& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "sandlock");
  EXPECT_EQ(run["tool"]["driver"]["informationUri"], "https://example.invalid/sandlock");
  // One rule per distinct code, sorted.
  EXPECT_EQ(run["tool"]["driver"]["rules"],
            json::parse(R"([{"id":"abi.clamped"},{"id":"net.wide"},{"id":"schema.unknown-key"}])"));
  const json& results = run["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["ruleId"], "schema.unknown-key");
  EXPECT_EQ(results[0]["ruleIndex"], 2);
  EXPECT_EQ(results[0]["level"], "error");
  EXPECT_EQ(results[0]["message"]["text"], "unknown key 'wirte' (did you mean 'write'?)");
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"],
            json::parse(R"({"artifactLocation":{"uri":"web.yaml"},"region":{"startLine":3,"startColumn":5}})"));
  EXPECT_EQ(results[0]["properties"]["keyPath"], "filesystem.wirte");
  EXPECT_EQ(results[1]["level"], "warning");
  EXPECT_EQ(results[1]["ruleIndex"], 1);
  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["region"], json::parse(R"({"startLine":7})"));
  EXPECT_EQ(results[2]["level"], "note");
  EXPECT_FALSE(results[2].contains("locations"));
}

TEST(RenderSarif, RegionOnlyWithALineAndUriIsEncoded) {
  Diagnostics d{error_at("doc.too-large", {"my dir/big file.yaml", 0, 0}, "", "too big")};
  json physical = json::parse(render(d, DiagFormat::Sarif))["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
  EXPECT_EQ(physical, json::parse(R"({"artifactLocation":{"uri":"my%20dir/big%20file.yaml"}})"));
}

TEST(RenderSarif, EmptyRunIsStillALog) {
  json log = json::parse(render({}, DiagFormat::Sarif));
  EXPECT_EQ(log["runs"][0]["results"], json::array());
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["rules"], json::array());
}

TEST(DiagFormatNames, ParseAndSeverity) {
  DiagFormat f = DiagFormat::Text;
  EXPECT_TRUE(parse_diag_format("sarif", f));
  EXPECT_EQ(f, DiagFormat::Sarif);
  EXPECT_TRUE(parse_diag_format("github", f));
  EXPECT_EQ(f, DiagFormat::Github);
  EXPECT_TRUE(parse_diag_format("json", f));
  EXPECT_EQ(f, DiagFormat::Json);
  EXPECT_TRUE(parse_diag_format("text", f));
  EXPECT_EQ(f, DiagFormat::Text);
  EXPECT_FALSE(parse_diag_format("xml", f));
  EXPECT_EQ(f, DiagFormat::Text);
  EXPECT_EQ(severity_name(Severity::Error), "error");
  EXPECT_EQ(severity_name(Severity::Warning), "warning");
  EXPECT_EQ(severity_name(Severity::Info), "info");
}

}  // namespace
}  // namespace sandlock
