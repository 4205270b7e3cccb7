// Variable expansion, lexical path normalization and limit quantities.
#include <gtest/gtest.h>

#include "engine/validate/expand.h"
#include "engine/validate/quantity.h"
#include "tests/validate/validate_support.h"

namespace sandlock {
namespace {

std::string expand_ok(const std::string& text, const ExpandEnv& env = testing::test_env()) {
  TextError e;
  auto out = expand_variables(text, env, e);
  EXPECT_TRUE(out) << text << ": " << e.message;
  return out.value_or("<error>");
}

TextError expand_error(const std::string& text, const ExpandEnv& env = testing::test_env()) {
  TextError e;
  EXPECT_FALSE(expand_variables(text, env, e)) << text;
  return e;
}

TEST(Expand, Variables) {
  EXPECT_EQ(expand_ok("${HOME}/.cache"), "/home/ada/.cache");
  EXPECT_EQ(expand_ok("${PWD}/public"), "/work/site/public");
  EXPECT_EQ(expand_ok("${TMPDIR}/x"), "/tmp/x");  // unset TMPDIR means /tmp
  EXPECT_EQ(expand_ok("${TMPDIR}/x", ExpandEnv{{{"TMPDIR", "/var/tmp"}}, "/"}), "/var/tmp/x");
  EXPECT_EQ(expand_ok("${env:DATA}/in"), "/srv/data/in");
  EXPECT_EQ(expand_ok("${env:MISSING:-/opt/default}/in"), "/opt/default/in");
  EXPECT_EQ(expand_ok("${env:DATA:-/ignored}"), "/srv/data");
  EXPECT_EQ(expand_ok("/a/$$HOME/$${HOME}"), "/a/$HOME/${HOME}");
  EXPECT_EQ(expand_ok("/cost/$5"), "/cost/$5");
  EXPECT_EQ(expand_ok("/trailing$"), "/trailing$");
}

TEST(Expand, Errors) {
  const TextError unset = expand_error("/x/${env:NOPE}/y");
  EXPECT_EQ(unset.code, "var.unset");
  EXPECT_EQ(unset.message, "environment variable 'NOPE' is not set");
  EXPECT_EQ(unset.hint, "set it, or give a default: ${env:NOPE:-value}");
  EXPECT_EQ(unset.offset, 3u);

  const TextError home = expand_error("${HOME}", ExpandEnv{{}, "/"});
  EXPECT_EQ(home.code, "var.unset");
  EXPECT_EQ(home.message, "variable 'HOME' is not set");

  const TextError pwd = expand_error("${PWD}", ExpandEnv{});
  EXPECT_EQ(pwd.code, "var.unset");

  const TextError unknown = expand_error("${HOEM}/x");
  EXPECT_EQ(unknown.code, "var.unknown");
  EXPECT_EQ(unknown.message, "unknown variable '${HOEM}'");
  EXPECT_EQ(unknown.hint, "did you mean '${HOME}'?");

  const TextError other = expand_error("${USER}");
  EXPECT_EQ(other.hint, "environment variables are written ${env:USER}");

  const TextError open = expand_error("/a/${HOME");
  EXPECT_EQ(open.code, "var.syntax");
  EXPECT_EQ(open.message, "unterminated '${'");
  EXPECT_EQ(open.offset, 3u);

  // The shell idiom ${X:-${HOME}/.config}: the first '}' would end the default and leave a
  // stray '}' in the path ("/home/ada/.config/.config}" when X is set): refused instead.
  const TextError nested = expand_error("${env:DATA:-${HOME}/.config}/app");
  EXPECT_EQ(nested.code, "var.syntax");
  EXPECT_EQ(nested.message, "a variable cannot be nested in '${env:DATA:-${HOME}'");
  EXPECT_EQ(nested.offset, 12u);
  EXPECT_EQ(expand_error("${env:MISSING:-${HOME}}").code, "var.syntax");
}

TEST(NormalizePath, Lexical) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"/", "/"},         {"//", "/"},           {"/usr//lib/", "/usr/lib"}, {"/a/./b/.", "/a/b"},
      {"/a/b/../c", "/a/c"}, {"/a/..", "/"},     {"/a/../..x", "/..x"},   {"/.hidden/", "/.hidden"},
  };
  for (const auto& [in, out] : table) {
    TextError e;
    EXPECT_EQ(normalize_absolute_path(in, e).value_or("<error>"), out) << in;
  }
}

TEST(NormalizePath, Errors) {
  TextError e;
  EXPECT_FALSE(normalize_absolute_path("etc/ssl/./certs", e));
  EXPECT_EQ(e.code, "path.relative");
  EXPECT_EQ(e.message, "path 'etc/ssl/./certs' is relative");
  EXPECT_EQ(e.hint, "paths must be absolute; did you mean '/etc/ssl/certs'?");

  EXPECT_FALSE(normalize_absolute_path("/a/../..", e));
  EXPECT_EQ(e.code, "path.above-root");
  EXPECT_EQ(e.message, "path '/a/../..' goes above /");

  EXPECT_FALSE(normalize_absolute_path("", e));
  EXPECT_EQ(e.code, "path.relative");
  EXPECT_EQ(e.message, "empty path");
}

TEST(Quantity, ByteSizes) {
  const std::vector<std::pair<std::string, std::uint64_t>> table = {
      {"1", 1},           {"512", 512},        {"10B", 10},           {"4k", 4096},
      {"512M", 512ULL << 20}, {"1G", 1ULL << 30}, {"2GiB", 2ULL << 30}, {"3 MB", 3ULL << 20},
      {"1T", 1ULL << 40}, {"1tib", 1ULL << 40},
  };
  for (const auto& [text, bytes] : table) {
    std::string error;
    EXPECT_EQ(parse_byte_size(text, error).value_or(0), bytes) << text << ": " << error;
  }
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"0", "limit must be greater than zero"},
      {"0G", "limit must be greater than zero"},
      {"lots", "'lots' is not a size such as 512M or 1G"},
      {"12X", "'12X' is not a size such as 512M or 1G"},
      {"-1M", "'-1M' is not a size such as 512M or 1G"},
      {"99999999999T", "'99999999999T' is too large"},
      {"99999999999999999999", "'99999999999999999999' is too large"},
  };
  for (const auto& [text, message] : bad) {
    std::string error;
    EXPECT_FALSE(parse_byte_size(text, error)) << text;
    EXPECT_EQ(error, message);
  }
}

TEST(Quantity, Durations) {
  std::string error;
  EXPECT_EQ(parse_duration_seconds("60", error).value_or(0), 60u);
  EXPECT_EQ(parse_duration_seconds("60s", error).value_or(0), 60u);
  EXPECT_EQ(parse_duration_seconds("5m", error).value_or(0), 300u);
  EXPECT_EQ(parse_duration_seconds("2h", error).value_or(0), 7200u);
  EXPECT_FALSE(parse_duration_seconds("0s", error));
  EXPECT_EQ(error, "limit must be greater than zero");
  EXPECT_FALSE(parse_duration_seconds("5d", error));
  EXPECT_EQ(error, "'5d' is not a duration such as 60, 60s or 5m");
}

}  // namespace
}  // namespace sandlock
