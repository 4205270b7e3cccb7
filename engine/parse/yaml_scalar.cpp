#include "engine/parse/yaml_scalar.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace sandlock::parse_detail {

namespace {

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

bool one_of(std::string_view s, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), s) != options.end();
}

bool all_digits(std::string_view s, int base) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [base](unsigned char c) {
    if (base == 16) return std::isxdigit(c) != 0;
    if (base == 8) return c >= '0' && c <= '7';
    return std::isdigit(c) != 0;
  });
}

std::string_view skip_sign(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  return s;
}

// [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool is_core_float_spelling(std::string_view s) {
  s = skip_sign(s);
  std::size_t exp = s.find_first_of("eE");
  std::string_view mantissa = s.substr(0, exp);
  if (exp != std::string_view::npos && !all_digits(skip_sign(s.substr(exp + 1)), 10)) return false;
  std::size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) return all_digits(mantissa, 10);
  std::string_view whole = mantissa.substr(0, dot), fraction = mantissa.substr(dot + 1);
  if (whole.empty()) return all_digits(fraction, 10);
  return all_digits(whole, 10) && (fraction.empty() || all_digits(fraction, 10));
}

Node scalar(Node::Kind kind, std::string_view text) {
  Node n;
  n.kind = kind;
  n.text = std::string(text);
  return n;
}

ScalarResult make_int(std::string_view text, std::string_view digits, int base, bool negative) {
  // Parse as unsigned magnitude so INT64_MIN fits and every overflow is caught the same way.
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : std::numeric_limits<std::int64_t>::max();
  if (ec != std::errc{} || end != digits.data() + digits.size() || magnitude > limit) {
    return ScalarProblem{"yaml.int-range",
                         "integer " + std::string(text) + " does not fit in 64 bits"};
  }
  Node n = scalar(Node::Kind::Int, text);
  n.integer = negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
  return n;
}

std::optional<ScalarResult> try_int(std::string_view text) {
  if (text.starts_with("0x") && all_digits(text.substr(2), 16)) return make_int(text, text.substr(2), 16, false);
  if (text.starts_with("0o") && all_digits(text.substr(2), 8)) return make_int(text, text.substr(2), 8, false);
  std::string_view digits = skip_sign(text);
  if (!all_digits(digits, 10)) return std::nullopt;
  // YAML 1.1 reads 010 as octal 8, the 1.2 core schema as 10: a silent difference either way.
  if (digits.size() > 1 && digits[0] == '0') {
    const std::string sign(text.substr(0, text.size() - digits.size()));
    const std::string bare(digits.substr(std::min(digits.find_first_not_of('0'), digits.size() - 1)));
    std::string message = "integer " + std::string(text) +
                          " has a leading zero: YAML 1.1 reads it as octal, YAML 1.2 as decimal; write " +
                          (sign == "-" ? sign : "") + bare;
    if (sign != "-" && all_digits(bare, 8)) message += ", or 0o" + bare + " for octal";
    message += ", or '" + std::string(text) + "' for text";  // the parser does not know which the key wants
    return ScalarProblem{"yaml.leading-zero", message};
  }
  return make_int(text, digits, 10, text[0] == '-');
}

std::optional<ScalarResult> try_float(std::string_view text) {
  Node n = scalar(Node::Kind::Float, text);
  std::string_view unsigned_part = skip_sign(text);
  if (one_of(unsigned_part, {".inf", ".Inf", ".INF"})) {
    n.real = text[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return n;
  }
  if (one_of(text, {".nan", ".NaN", ".NAN"})) {
    n.real = std::numeric_limits<double>::quiet_NaN();
    return n;
  }
  if (!is_core_float_spelling(text)) return std::nullopt;
  std::string_view number = text[0] == '+' ? text.substr(1) : text;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), n.real);
  if (ec != std::errc{} || end != number.data() + number.size()) {
    return ScalarProblem{"yaml.number-range", "number " + std::string(text) + " is out of range"};
  }
  return n;
}

}  // namespace

ScalarResult resolve_plain_scalar(std::string_view text) {
  if (one_of(text, {"", "~", "null", "Null", "NULL"})) return scalar(Node::Kind::Null, text);
  if (one_of(text, {"true", "True", "TRUE", "false", "False", "FALSE"})) {
    Node n = scalar(Node::Kind::Bool, text);
    n.boolean = text[0] == 't' || text[0] == 'T';
    return n;
  }
  if (auto n = try_int(text)) return *n;
  if (auto n = try_float(text)) return *n;
  return scalar(Node::Kind::String, text);
}

ScalarResult resolve_tagged_scalar(std::string_view tag, std::string_view text) {
  if (tag == "?") return resolve_plain_scalar(text);
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return scalar(Node::Kind::String, text);
  constexpr std::array<std::pair<std::string_view, Node::Kind>, 4> typed{{
      {"null", Node::Kind::Null},
      {"bool", Node::Kind::Bool},
      {"int", Node::Kind::Int},
      {"float", Node::Kind::Float},
  }};
  if (tag.starts_with(kCoreTagPrefix)) {
    std::string_view name = tag.substr(kCoreTagPrefix.size());
    for (auto [tag_name, kind] : typed) {
      if (name != tag_name) continue;
      ScalarResult result = resolve_plain_scalar(text);
      if (auto* n = std::get_if<Node>(&result); n && n->kind != kind) {
        // !!float 1 is still a number; anything else must already be spelled as the tag says.
        if (kind == Node::Kind::Float && n->kind == Node::Kind::Int) {
          n->kind = Node::Kind::Float;
          n->real = static_cast<double>(n->integer);
          return result;
        }
        return ScalarProblem{"yaml.tag", "'" + std::string(text) + "' is not a valid !!" + std::string(name)};
      }
      return result;
    }
  }
  return ScalarProblem{"yaml.tag", "YAML tag '" + std::string(tag) + "' is not supported"};
}

}  // namespace sandlock::parse_detail
