#include "load/var_substitution.h"

#include <algorithm>
#include <cctype>

namespace netreach {
namespace {

bool is_name_start(char c) { return c == '_' || std::isalpha(static_cast<unsigned char>(c)); }
bool is_name_char(char c) { return c == '_' || std::isalnum(static_cast<unsigned char>(c)); }

void add_unique(std::vector<std::string>& list, std::string value) {
  auto it = std::lower_bound(list.begin(), list.end(), value);
  if (it == list.end() || *it != value) list.insert(it, std::move(value));
}

}  // namespace

bool is_valid_variable_name(std::string_view name) {
  if (name.empty() || !is_name_start(name[0])) return false;
  return std::all_of(name.begin() + 1, name.end(), is_name_char);
}

Substituted substitute_variables(std::string_view text, const Variables& vars) {
  Substituted out;
  out.text.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$') {
      out.text += c;
      ++i;
      continue;
    }
    // `$${` is the escape: one `$` is dropped and the rest is kept as written.
    if (text.compare(i, 3, "$${") == 0) {
      size_t close = text.find('}', i + 3);
      size_t end = close == std::string_view::npos ? text.size() : close + 1;
      out.text.append(text.substr(i + 1, end - i - 1));
      i = end;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out.text += c;
      ++i;
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {  // no closing brace: not an expression
      out.text.append(text.substr(i));
      break;
    }
    const std::string_view expr = text.substr(i + 2, close - i - 2);
    const std::string_view written = text.substr(i, close + 1 - i);
    i = close + 1;
    size_t n = 0;
    while (n < expr.size() && is_name_char(expr[n])) ++n;
    const std::string name(expr.substr(0, n));
    if (!is_valid_variable_name(name)) {
      add_unique(out.malformed, std::string(written));
      out.text.append(written);
      continue;
    }
    auto it = vars.find(name);
    const bool set = it != vars.end();
    const std::string_view op = expr.substr(n);
    if (op.empty()) {
      if (set) out.text += it->second;
      else {
        add_unique(out.unresolved, name);
        out.text.append(written);
      }
      continue;
    }
    // Defaults: `:=` and `:-` when unset or empty, `=` and `-` when unset.
    const bool colon = op[0] == ':';
    const std::string_view rest = colon ? op.substr(1) : op;
    if (!rest.empty() && (rest[0] == '=' || rest[0] == '-')) {
      const bool use_default = !set || (colon && it->second.empty());
      if (use_default) out.text.append(rest.substr(1));
      else out.text += it->second;
      continue;
    }
    // Other bash operators (${VAR:0:3}, ${VAR/a/b}, case changes) are rare in
    // manifests; they are reported rather than evaluated approximately.
    add_unique(out.malformed, std::string(written));
    out.text.append(written);
  }
  return out;
}

}  // namespace netreach
