// HTTP rules (toPorts[].rules.http) and the request they judge.
//
// Cilium hands each rule to Envoy as header matchers (pkg/envoy/server.go ::
// getHTTPRule): method, path and host are RE2 regular expressions matched
// against the whole :method, :path and :authority values; `headers` entries
// are "Name: value" (exact value) or "Name" (present); a headerMatches entry
// without a mismatch action must match (a Secret may hold its value), one
// with LOG/ADD/DELETE/REPLACE only acts on the request and never fails it.
// A rule matches when all its parts do; the rules of one port are ORed
// (docs/semantics.md#http-rules).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/rule_ref.h"

namespace netreach {

// One headerMatches[] entry (pkg/policy/api/http.go :: HeaderMatch).
struct HttpHeaderMatch {
  std::string name;
  std::string value;     // empty: presence only (unless a Secret gives the value)
  std::string secret;    // "namespace/name" (or "name") of the Secret holding the value; empty: none
  std::string mismatch;  // "" (the request fails), LOG, ADD, DELETE or REPLACE
  RuleRef ref;
};

// One rules.http[] entry (pkg/policy/api/http.go :: PortRuleHTTP); empty
// fields match anything, a rule with no field matches every request.
struct HttpRule {
  std::string method, path, host;    // RE2, anchored to the whole value
  std::vector<std::string> headers;  // "Name: value" or "Name"
  std::vector<HttpHeaderMatch> header_matches;
  RuleRef ref;                       // "spec.ingress[0].toPorts[0].rules.http[1]"

  // "{method: GET, path: /public}", "{} (every request)".
  std::string to_string() const;
};

// The request a query asks about (`--http METHOD PATH --host H --header K=V`).
struct HttpRequest {
  std::string method;
  std::string path;                 // as on the wire: with the query string, if any
  std::optional<std::string> host;  // the Host header (:authority); absent: none sent
  std::vector<std::pair<std::string, std::string>> headers;

  std::string to_string() const;    // "GET /public (host example.com)"
};

// Why the RE2 pattern does not compile; empty when it does.
std::string http_regex_problem(std::string_view pattern);

struct HttpRuleMatch {
  enum class Outcome : uint8_t { Match, Differs, Unknown } outcome = Outcome::Match;
  std::vector<std::string> matched;      // "method GET matches \"GET\""
  std::vector<std::string> differences;  // "path /private does not match \"/public\""
  std::string unknown_fact;              // Unknown: the fact the input lacks
};

HttpRuleMatch match_http_rule(const HttpRule& rule, const HttpRequest& request);

}  // namespace netreach
