#include "load/yaml_node.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace netreach {
namespace {

// The plain-scalar resolution below follows go-yaml v2 resolve.go (vendored by
// sigs.k8s.io/yaml, which the API server and kubectl use): a first-character
// hint, then a fixed table, then strconv.ParseInt(s, 0, 64) /
// ParseUint / the yamlStyleFloat pattern on the text with `_` removed.

bool is_null_text(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

bool is_true_text(std::string_view s) {
  return s == "y" || s == "Y" || s == "yes" || s == "Yes" || s == "YES" || s == "true" ||
         s == "True" || s == "TRUE" || s == "on" || s == "On" || s == "ON";
}

bool is_false_text(std::string_view s) {
  return s == "n" || s == "N" || s == "no" || s == "No" || s == "NO" || s == "false" ||
         s == "False" || s == "FALSE" || s == "off" || s == "Off" || s == "OFF";
}

bool is_special_float_text(std::string_view s) {
  static constexpr std::string_view kForms[] = {
      ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf",
      "+.INF", "-.inf", "-.Inf", "-.INF"};
  for (auto f : kForms)
    if (s == f) return true;
  return false;
}

// An integer as Go's strconv.ParseInt/ParseUint with base 0 reads it: optional
// sign, then 0x / 0o / 0b prefixes or a leading 0 for octal. `neg` and `mag`
// describe the value; false when the text is not such an integer or the
// magnitude overflows uint64.
bool parse_go_int(std::string_view s, bool& neg, uint64_t& mag) {
  neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  unsigned base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    char p = s[1];
    if (p == 'x' || p == 'X') base = 16, s.remove_prefix(2);
    else if (p == 'o' || p == 'O') base = 8, s.remove_prefix(2);
    else if (p == 'b' || p == 'B') base = 2, s.remove_prefix(2);
    else base = 8, s.remove_prefix(1);
    if (s.empty()) return false;
  }
  mag = 0;
  for (char c : s) {
    unsigned d;
    if (c >= '0' && c <= '9') d = unsigned(c - '0');
    else if (c >= 'a' && c <= 'f') d = unsigned(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = unsigned(c - 'A' + 10);
    else return false;
    if (d >= base) return false;
    if (mag > (std::numeric_limits<uint64_t>::max() - d) / base) return false;
    mag = mag * base + d;
  }
  return true;
}

// go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool matches_float_pattern(std::string_view s) {
  size_t i = 0, n = s.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < n && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  } else {
    if (!digits()) return false;
    if (i < n && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

std::string without_underscores(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != '_') out.push_back(c);
  return out;
}

struct Resolved {
  YamlNode::ScalarType type = YamlNode::ScalarType::String;
  bool fits_int64 = false;
  int64_t int_value = 0;
};

Resolved resolve_plain(std::string_view s) {
  using T = YamlNode::ScalarType;
  if (s.empty()) return {T::Null};
  char c = s[0];
  bool numeric_hint = c == '+' || c == '-' || (c >= '0' && c <= '9');
  bool table_hint = numeric_hint || c == '.' || c == '~' || c == 'y' || c == 'Y' || c == 'n' ||
                    c == 'N' || c == 't' || c == 'T' || c == 'f' || c == 'F' || c == 'o' ||
                    c == 'O';
  if (!table_hint) return {T::String};
  if (is_null_text(s)) return {T::Null};
  if (is_true_text(s) || is_false_text(s)) return {T::Bool};
  if (is_special_float_text(s)) return {T::Float};
  if (c == '.') return {matches_float_pattern(s) ? T::Float : T::String};
  if (!numeric_hint) return {T::String};

  std::string plain = without_underscores(s);
  bool neg;
  uint64_t mag;
  if (parse_go_int(plain, neg, mag)) {
    constexpr uint64_t kMax = uint64_t(std::numeric_limits<int64_t>::max());
    if (!neg) return {T::Int, mag <= kMax, mag <= kMax ? int64_t(mag) : 0};
    if (mag <= kMax + 1) return {T::Int, true, mag == kMax + 1 ? std::numeric_limits<int64_t>::min()
                                                              : -int64_t(mag)};
    // A negative number beyond int64 fails ParseInt and ParseUint: try float.
  }
  if (matches_float_pattern(plain)) {
    // strconv.ParseFloat fails on overflow (1e999), and go-yaml then keeps the string.
    errno = 0;
    double v = std::strtod(plain.c_str(), nullptr);
    if (errno == ERANGE && std::isinf(v)) return {T::String};
    return {T::Float};
  }
  return {T::String};
}

}  // namespace

YamlNode::ScalarType YamlNode::scalar_type() const {
  if (kind_ == Kind::Null) return ScalarType::Null;
  if (kind_ != Kind::Scalar || style_ != Style::Plain) return ScalarType::String;
  return resolve_plain(text_).type;
}

std::optional<int64_t> YamlNode::as_int() const {
  if (kind_ != Kind::Scalar || style_ != Style::Plain) return std::nullopt;
  Resolved r = resolve_plain(text_);
  if (r.type != ScalarType::Int || !r.fits_int64) return std::nullopt;
  return r.int_value;
}

std::optional<bool> YamlNode::as_bool() const {
  if (kind_ != Kind::Scalar || style_ != Style::Plain) return std::nullopt;
  if (is_true_text(text_)) return true;
  if (is_false_text(text_)) return false;
  return std::nullopt;
}

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const Entry& e : entries_)
    if (e.key == key) return &e.value;
  return nullptr;
}

std::string_view YamlNode::type_name() const {
  switch (kind_) {
    case Kind::Null: return "null";
    case Kind::Sequence: return "sequence";
    case Kind::Mapping: return "mapping";
    case Kind::Scalar: break;
  }
  switch (scalar_type()) {
    case ScalarType::String: return "string";
    case ScalarType::Int: return "integer";
    case ScalarType::Float: return "number";
    case ScalarType::Bool: return "boolean";
    case ScalarType::Null: return "null";
  }
  return "string";
}

YamlNode YamlNode::null(SourcePos pos) {
  YamlNode n;
  n.pos_ = pos;
  return n;
}

YamlNode YamlNode::scalar(std::string text, Style style, SourcePos pos) {
  YamlNode n;
  n.kind_ = Kind::Scalar;
  n.style_ = style;
  n.text_ = std::move(text);
  n.pos_ = pos;
  return n;
}

YamlNode YamlNode::sequence(SourcePos pos) {
  YamlNode n;
  n.kind_ = Kind::Sequence;
  n.pos_ = pos;
  return n;
}

YamlNode YamlNode::mapping(SourcePos pos) {
  YamlNode n;
  n.kind_ = Kind::Mapping;
  n.pos_ = pos;
  return n;
}

}  // namespace netreach
