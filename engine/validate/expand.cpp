#include "engine/validate/expand.h"

#include <cstdio>
#include <vector>

#include "engine/util/text.h"

namespace sandlock {
namespace {


std::nullopt_t fail(TextError& error, std::string code, std::string message, std::string hint, std::size_t offset) {
  error = TextError{std::move(code), std::move(message), std::move(hint), offset};
  return std::nullopt;
}

std::optional<std::string> lookup(const ExpandEnv& env, std::string_view name) {
  if (env.looked_up) env.looked_up->emplace_back(name);
  if (name == "PWD") return env.pwd.empty() ? std::nullopt : std::optional<std::string>(env.pwd);
  const auto it = env.vars.find(std::string(name));
  if (it != env.vars.end()) return it->second;
  if (name == "TMPDIR") return "/tmp";
  return std::nullopt;
}

// The value of one "${...}" body, or an error pointing at its '$'.
std::optional<std::string> resolve(std::string_view body, const ExpandEnv& env, std::size_t at, TextError& error) {
  if (starts_with(body, "env:")) {
    const auto spec = body.substr(4);
    const auto dflt = spec.find(":-");
    const auto name = spec.substr(0, dflt);
    if (name.empty()) return fail(error, "var.syntax", "missing variable name in '${" + std::string(body) + "}'",
                                  "write ${env:NAME}", at);
    if (auto v = lookup(env, name)) return v;
    if (dflt != std::string_view::npos) return std::string(spec.substr(dflt + 2));
    return fail(error, "var.unset", "environment variable '" + std::string(name) + "' is not set",
                "set it, or give a default: ${env:" + std::string(name) + ":-value}", at);
  }
  if (body == "HOME" || body == "PWD" || body == "TMPDIR") {
    if (auto v = lookup(env, body)) return v;
    std::string hint;
    if (body == "PWD") hint = "the working directory cannot be read (removed, or a path longer than 4096 bytes): run from another";
    return fail(error, "var.unset", "variable '" + std::string(body) + "' is not set", hint, at);
  }
  const std::vector<std::string> known = {"${HOME}", "${PWD}", "${TMPDIR}"};
  std::string hint = did_you_mean("${" + std::string(body) + "}", known);
  if (hint.empty()) hint = "environment variables are written ${env:" + std::string(body) + "}";
  return fail(error, "var.unknown", "unknown variable '${" + std::string(body) + "}'", hint, at);
}

}  // namespace

std::optional<std::string> expand_variables(std::string_view text, const ExpandEnv& env, TextError& error) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c != '$' || (next != '$' && next != '{')) {
      out += c;
      continue;
    }
    if (next == '$') {
      out += '$';
      ++i;
      continue;
    }
    const auto close = text.find('}', i + 2);
    if (close == std::string_view::npos)
      return fail(error, "var.syntax", "unterminated '${'", "close it with '}', or write '$$' for a literal '$'", i);
    // Defaults are literal and end at the first '}': "${env:X:-${HOME}/a}" would otherwise
    // become a path with a stray '}' (or a literal "${HOME}") that no one wrote.
    if (const auto inner = text.find("${", i + 2); inner < close)
      return fail(error, "var.syntax",
                  "a variable cannot be nested in '" + std::string(text.substr(i, close - i + 1)) + "'",
                  "defaults are literal text: write ${env:NAME:-/the/path}", inner);
    const auto value = resolve(text.substr(i + 2, close - i - 2), env, i, error);
    if (!value) return std::nullopt;
    out += *value;
    i = close;
  }
  return out;
}

std::optional<std::string> normalize_absolute_path(std::string_view path, TextError& error) {
  if (path.empty()) return fail(error, "path.relative", "empty path", "paths must be absolute", 0);
  // A newline in a path would let a profile write lines of its own into every review's
  // output (a diff, a GitHub annotation, a pull request comment): no control characters.
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (c < 0x20 || c == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02x", c);
      return fail(error, "path.control-character",
                  "a path holds the control character " + std::string(code) + " at byte " + std::to_string(i),
                  "name files without newlines, tabs or other control characters", i);
    }
  }
  if (path.front() != '/') {
    TextError ignored;
    const auto guess = normalize_absolute_path("/" + std::string(path), ignored);
    return fail(error, "path.relative", "path '" + std::string(path) + "' is relative",
                "paths must be absolute; did you mean '" + guess.value_or("/") + "'?", 0);
  }
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const auto part = path.substr(start, end - start);
    if (part == "..") {
      if (parts.empty())
        return fail(error, "path.above-root", "path '" + std::string(path) + "' goes above /",
                    "remove the extra '..'", 0);
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto p : parts) {
    out += '/';
    out += p;
  }
  return out.empty() ? "/" : out;
}

}  // namespace sandlock
