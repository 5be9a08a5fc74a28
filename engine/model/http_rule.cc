#include "model/http_rule.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include "model/protocol.h"

namespace netreach {
namespace {

// A header's value in the request: HTTP names are case-insensitive; a header
// sent twice is seen as its values joined by ",", as Envoy's header matchers
// see it.
std::optional<std::string> header_value(const HttpRequest& request, std::string_view name) {
  std::optional<std::string> out;
  for (const auto& [k, v] : request.headers) {
    if (!equal_ignoring_case(k, name)) continue;
    out = out ? *out + "," + v : v;
  }
  if (!out && equal_ignoring_case(name, "host") && request.host) out = *request.host;
  return out;
}

// Envoy's safe_regex matcher with the google_re2 engine: the whole value.
bool full_match(const std::string& pattern, const std::string& value) {
  RE2 re(pattern, RE2::Quiet);
  return re.ok() && RE2::FullMatch(value, re);
}

void regex_part(HttpRuleMatch& out, std::string_view field, const std::string& pattern,
                const std::optional<std::string>& value) {
  if (pattern.empty()) return;
  if (!value) {
    out.differences.push_back(fmt::format("the rule wants {} matching \"{}\" and the request has none{}", field, pattern,
                                          field == "host" ? " (give it with --host)" : ""));
  } else if (full_match(pattern, *value)) {
    out.matched.push_back(fmt::format("{} {} matches \"{}\"", field, *value, pattern));
  } else {
    out.differences.push_back(fmt::format("{} {} does not match \"{}\" (the whole {} must match)", field, *value, pattern, field));
  }
}

void exact_or_present(HttpRuleMatch& out, const std::string& name, const std::string* value,
                      const HttpRequest& request) {
  auto got = header_value(request, name);
  if (!got) {
    out.differences.push_back(fmt::format("header {} is required and the request has none", name));
  } else if (!value) {
    out.matched.push_back(fmt::format("header {} is present", name));
  } else if (*got == *value) {
    out.matched.push_back(fmt::format("header {} is \"{}\"", name, *value));
  } else {
    out.differences.push_back(fmt::format("header {} is \"{}\", the rule wants \"{}\" exactly", name, *got, *value));
  }
}

}  // namespace

std::string http_regex_problem(std::string_view pattern) {
  RE2 re(pattern, RE2::Quiet);
  return re.ok() ? std::string() : re.error();
}

std::string HttpRule::to_string() const {
  std::vector<std::string> parts;
  if (!method.empty()) parts.push_back(fmt::format("method: {}", method));
  if (!path.empty()) parts.push_back(fmt::format("path: {}", path));
  if (!host.empty()) parts.push_back(fmt::format("host: {}", host));
  if (!headers.empty()) parts.push_back(fmt::format("headers: [{}]", fmt::join(headers, ", ")));
  for (const auto& m : header_matches)
    parts.push_back(fmt::format("headerMatch {}{}{}", m.name, m.secret.empty() ? (m.value.empty() ? "" : "=" + m.value) : " from Secret " + m.secret,
                                m.mismatch.empty() ? "" : " (mismatch " + m.mismatch + ")"));
  if (parts.empty()) return "{} (every request)";
  return fmt::format("{{{}}}", fmt::join(parts, ", "));
}

std::string HttpRequest::to_string() const {
  std::string out = fmt::format("{} {}", method, path);
  if (host) out += fmt::format(" (host {})", *host);
  return out;
}

HttpRuleMatch match_http_rule(const HttpRule& rule, const HttpRequest& request) {
  HttpRuleMatch out;
  regex_part(out, "method", rule.method, request.method);
  regex_part(out, "path", rule.path, request.path);
  regex_part(out, "host", rule.host, request.host);
  // "Name value" splits at the first space and drops the colons ending the
  // name; a single word is a presence test (pkg/envoy/server.go :: getHTTPRule).
  for (const auto& h : rule.headers) {
    auto space = h.find(' ');
    if (space == std::string::npos) {
      exact_or_present(out, h, nullptr, request);
      continue;
    }
    std::string name = h.substr(0, space);
    while (!name.empty() && name.back() == ':') name.pop_back();
    std::string value = h.substr(space + 1);
    exact_or_present(out, name, &value, request);
  }
  std::vector<std::string> secrets;
  for (const auto& m : rule.header_matches) {
    // A mismatch action adds, replaces, deletes or logs the header: the
    // request goes on either way.
    if (!m.mismatch.empty()) continue;
    if (!m.secret.empty()) {
      // Without the Secret's value only a missing header decides (the match
      // needs the header in any case).
      if (!header_value(request, m.name))
        out.differences.push_back(fmt::format("header {} is required (its value is in Secret {}) and the request has none", m.name, m.secret));
      else
        secrets.push_back(fmt::format("the value of Secret {} (headerMatches {} of {})", m.secret, m.name, rule.ref.path));
      continue;
    }
    exact_or_present(out, m.name, m.value.empty() ? nullptr : &m.value, request);
  }
  if (!out.differences.empty()) out.outcome = HttpRuleMatch::Outcome::Differs;
  else if (!secrets.empty()) {
    out.outcome = HttpRuleMatch::Outcome::Unknown;
    out.unknown_fact = fmt::format("{}", fmt::join(secrets, ", "));
  }
  return out;
}

}  // namespace netreach
