// The SARIF output validates against the OASIS SARIF 2.1.0 schema (draft-04, via valijson).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "engine/diag/render.h"
#include "tests/support/test_paths.h"

namespace sandlock {
namespace {

using nlohmann::json;

std::string sarif_schema_path() { return testing::source_dir() + "/../shared/schemas/sarif/sarif-schema-2.1.0.json"; }

// Returns the validator's complaints, one per line; empty when the document is valid.
std::string schema_errors(const json& schema_doc, const json& doc) {
  valijson::Schema schema;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
  parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(schema_doc), schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  validator.validate(schema, valijson::adapters::NlohmannJsonAdapter(doc), &results);
  std::string out;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    for (const std::string& part : error.context) out += part;
    out += ": " + error.description + "\n";
  }
  return out;
}

TEST(SarifSchema, RenderedLogValidates) {
  std::ifstream in(sarif_schema_path());
  if (!in) GTEST_SKIP() << "SARIF schema not found at " << sarif_schema_path();
  json schema_doc = json::parse(in);
  Diagnostics diags{
      error_at("schema.unknown-key", {"dir/web profile.yaml", 3, 5}, "filesystem.wirte", "unknown key", "did you mean?"),
      warning_at("net.wide", {"web.yaml", 7, 0}, "", "wide"),
      Diagnostic{Severity::Info, "abi.clamped", {"", 0, 0}, "", "clamped", ""},
      error_at("doc.too-large", {"big.yaml", 0, 0}, "", "too big"),
  };
  json log = json::parse(render(diags, DiagFormat::Sarif));
  EXPECT_EQ(schema_errors(schema_doc, log), "");
  // Positive control: the validator does reject a broken log.
  log["runs"][0]["results"][0]["level"] = "fatal";
  EXPECT_NE(schema_errors(schema_doc, log), "");
}

}  // namespace
}  // namespace sandlock
