// HTTP rules as Envoy runs them for Cilium (pkg/envoy/server.go :: getHTTPRule):
// RE2 safe_regex matchers on :method, :path and :authority (whole value),
// exact or presence matchers for `headers`, headerMatches as matchers unless
// a mismatch action makes them side effects (docs/semantics.md#http-rules).
#include <catch2/catch.hpp>

#include "model/http_rule.h"

using namespace netreach;

namespace {
using Outcome = HttpRuleMatch::Outcome;

HttpRequest get(std::string path) { return HttpRequest{"GET", std::move(path), std::nullopt, {}}; }
}  // namespace

// getHTTPRule: SafeRegexMatch with the GoogleRe2 engine; Envoy's regex
// matchers match the whole value, so "/public" is not a prefix test.
TEST_CASE("HTTP rule: method and path are RE2, anchored to the whole value", "[http_rule]") {
  HttpRule rule;
  rule.method = "GET";
  rule.path = "/public";
  CHECK(match_http_rule(rule, get("/public")).outcome == Outcome::Match);
  CHECK(match_http_rule(rule, get("/public/x")).outcome == Outcome::Differs);
  CHECK(match_http_rule(rule, get("/x/public")).outcome == Outcome::Differs);
  CHECK(match_http_rule(rule, HttpRequest{"POST", "/public", std::nullopt, {}}).outcome == Outcome::Differs);
  // Method regexes are case-sensitive, like every RE2 pattern without (?i).
  CHECK(match_http_rule(rule, HttpRequest{"get", "/public", std::nullopt, {}}).outcome == Outcome::Differs);

  HttpRule re;
  re.method = "GET|HEAD";
  re.path = "/api/v[0-9]+/.*";
  CHECK(match_http_rule(re, HttpRequest{"HEAD", "/api/v2/users", std::nullopt, {}}).outcome == Outcome::Match);
  CHECK(match_http_rule(re, get("/api/vX/users")).outcome == Outcome::Differs);
  // RE2 syntax, not ECMAScript: \d is fine, lookahead is not.
  CHECK(http_regex_problem("/items/\\d+").empty());
  CHECK_FALSE(http_regex_problem("/(?=a)").empty());
  CHECK_FALSE(http_regex_problem("/[").empty());

  auto m = match_http_rule(rule, get("/private"));
  REQUIRE(m.differences.size() == 1);
  CHECK(m.differences[0].find("path /private does not match \"/public\"") != std::string::npos);
  CHECK(m.matched == std::vector<std::string>{"method GET matches \"GET\""});
}

TEST_CASE("HTTP rule: an empty rule matches every request; host is :authority", "[http_rule]") {
  HttpRule any;
  CHECK(match_http_rule(any, get("/anything")).outcome == Outcome::Match);
  CHECK(any.to_string() == "{} (every request)");

  HttpRule host;
  host.host = "api\\.example\\.com";
  CHECK(match_http_rule(host, HttpRequest{"GET", "/", std::string("api.example.com"), {}}).outcome == Outcome::Match);
  CHECK(match_http_rule(host, HttpRequest{"GET", "/", std::string("apixexample.com"), {}}).outcome == Outcome::Differs);
  auto none = match_http_rule(host, get("/"));
  CHECK(none.outcome == Outcome::Differs);
  CHECK(none.differences[0].find("--host") != std::string::npos);
}

// getHTTPRule: "Name value" splits at the first space, the name loses its
// trailing ':' and the value is an exact match; one word is a presence test.
TEST_CASE("HTTP rule: headers are exact values or presence; names ignore case", "[http_rule]") {
  HttpRule rule;
  rule.headers = {"X-My-Header: true", "X-Present"};
  HttpRequest ok{"GET", "/", std::nullopt, {{"x-my-header", "true"}, {"X-PRESENT", ""}}};
  CHECK(match_http_rule(rule, ok).outcome == Outcome::Match);
  HttpRequest wrong{"GET", "/", std::nullopt, {{"X-My-Header", "True"}, {"X-Present", "1"}}};
  auto m = match_http_rule(rule, wrong);
  CHECK(m.outcome == Outcome::Differs);
  CHECK(m.differences == std::vector<std::string>{"header X-My-Header is \"True\", the rule wants \"true\" exactly"});
  HttpRequest missing{"GET", "/", std::nullopt, {{"X-My-Header", "true"}}};
  CHECK(match_http_rule(rule, missing).differences == std::vector<std::string>{"header X-Present is required and the request has none"});
}

// getHTTPRule: a headerMatches entry with a mismatch action goes to the
// side-effect list (never fails the request); without one it is a matcher;
// its value may come from a Secret (getSecretString), which the input lacks.
TEST_CASE("HTTP rule: headerMatches, mismatch actions and Secrets", "[http_rule]") {
  HttpRule rule;
  rule.ref.path = "spec.ingress[0].toPorts[0].rules.http[0]";
  rule.header_matches = {HttpHeaderMatch{"X-Token", "abc", "", "", {}}};
  CHECK(match_http_rule(rule, HttpRequest{"GET", "/", std::nullopt, {{"X-Token", "abc"}}}).outcome == Outcome::Match);
  CHECK(match_http_rule(rule, HttpRequest{"GET", "/", std::nullopt, {{"X-Token", "xyz"}}}).outcome == Outcome::Differs);

  for (const char* action : {"LOG", "ADD", "DELETE", "REPLACE"}) {
    HttpRule side_effect;
    side_effect.header_matches = {HttpHeaderMatch{"X-Token", "abc", "", action, {}}};
    CHECK(match_http_rule(side_effect, get("/")).outcome == Outcome::Match);
  }

  HttpRule secret;
  secret.ref.path = "spec.ingress[0].toPorts[0].rules.http[0]";
  secret.header_matches = {HttpHeaderMatch{"X-Token", "", "team/token", "", {}}};
  auto m = match_http_rule(secret, HttpRequest{"GET", "/", std::nullopt, {{"X-Token", "abc"}}});
  CHECK(m.outcome == Outcome::Unknown);
  CHECK(m.unknown_fact.find("Secret team/token") != std::string::npos);
  // Without the header it fails whatever the Secret holds.
  CHECK(match_http_rule(secret, get("/")).outcome == Outcome::Differs);
}
