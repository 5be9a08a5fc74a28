// CLI tests of `query --http METHOD PATH` (docs/semantics.md#http-rules): the
// real binary on the conformance case of Cilium's documented L7 examples
// (pkg/envoy/server.go :: getHTTPRule decides: RE2 matchers on the whole
// method and path, exact header values).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"

using netreach::testing::run_netreach;

namespace {
const std::string kManifests = "tests/conformance/http-l7-rules-decide-requests/manifests.yaml";
}  // namespace

TEST_CASE("CLI query --http: GET /public allowed by the HTTP rule, exit 0", "[cli][http]") {
  auto r = run_netreach({"query", "-f", kManifests, "shop/prod-client", "shop/service", "--port", "80", "--http", "GET", "/public"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("ALLOW shop/prod-client -> shop/service 80/TCP GET /public\n"));
  CHECK_THAT(r.out, Catch::Contains("allowed by CNP shop/l7-get-public spec.ingress[0].fromEndpoints[0]"));
  CHECK_THAT(r.out, Catch::Contains("matches its HTTP rule spec.ingress[0].toPorts[0].rules.http[0] (") &&
                        Catch::Contains("manifests.yaml:"));
  CHECK_THAT(r.out, !Catch::Contains("caveat"));
}

TEST_CASE("CLI query --http: another path is denied, exit 1, naming the nearest rule and what differs", "[cli][http]") {
  auto r = run_netreach({"query", "-f", kManifests, "shop/prod-client", "shop/service", "--port", "80", "--http", "GET", "/private"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::StartsWith("DENY shop/prod-client -> shop/service 80/TCP GET /private\n"));
  CHECK_THAT(r.out, Catch::Contains("ingress of shop/service: DENY"));
  CHECK_THAT(r.out, Catch::Contains("nearest spec.ingress[0].toPorts[0].rules.http[0]"));
  CHECK_THAT(r.out, Catch::Contains("path /private does not match \"/public\""));
  CHECK_THAT(r.out, Catch::Contains("the peer and port match, the HTTP request does not"));
}

TEST_CASE("CLI query --http --header, -o json names the request and the decisive rule", "[cli][http][query-json]") {
  auto r = run_netreach({"query", "-o", "json", "-f", kManifests, "shop/prod-client", "shop/my-service", "--port", "80",
                         "--http", "PUT", "/path2", "--header", "X-My-Header=true", "--host", "my-service"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["verdict"] == "allow");
  CHECK(doc["http"]["method"] == "PUT");
  CHECK(doc["http"]["host"] == "my-service");
  CHECK(doc["http"]["headers"]["X-My-Header"] == "true");
  CHECK(doc["flows"][0]["ingress"]["decisive"]["path"] == "spec.ingress[0].toPorts[0].rules.http[1]");

  auto no = run_netreach({"query", "-o", "json", "-f", kManifests, "shop/prod-client", "shop/my-service", "--port", "80",
                          "--http", "PUT", "/path2", "--header", "X-My-Header=false"});
  INFO(no.out << no.err);
  REQUIRE(no.exit_code == 1);
  auto nd = nlohmann::json::parse(no.out);
  CHECK(nd["flows"][0]["ingress"]["near_misses"][0]["code"] == "http-request-does-not-match");
}

TEST_CASE("CLI query without --http keeps the allow with the L7 caveat", "[cli][http]") {
  auto r = run_netreach({"query", "-f", kManifests, "shop/prod-client", "shop/service", "--port", "80"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("caveat:") && Catch::Contains("has L7 rules") && Catch::Contains("ask with --http METHOD PATH"));
}

TEST_CASE("CLI check -o json: a result carries the HTTP request judged", "[cli][http][check]") {
  auto r = run_netreach({"check", "-o", "json", "-f", kManifests, "-e", "tests/conformance/http-l7-rules-decide-requests/expectations.yaml"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["results"][0]["http"]["method"] == "GET");
  CHECK(doc["results"][0]["http"]["path"] == "/public");
  CHECK(doc["results"][4].contains("http") == false);  // "prod connects (no request)"
  CHECK(doc["results"][7]["http"]["headers"]["X-My-Header"] == "true");
}

TEST_CASE("CLI query --http: bad input is exit 2 with the field named", "[cli][http]") {
  auto udp = run_netreach({"query", "-f", kManifests, "shop/prod-client", "shop/service", "--port", "80/UDP", "--http", "GET", "/"});
  INFO(udp.out << udp.err);
  CHECK(udp.exit_code == 2);
  CHECK_THAT(udp.err, Catch::Contains("http") && Catch::Contains("TCP"));
  auto header = run_netreach({"query", "-f", kManifests, "shop/prod-client", "shop/service", "--port", "80", "--http", "GET", "/",
                              "--header", "novalue"});
  CHECK(header.exit_code == 2);
  CHECK_THAT(header.err, Catch::Contains("--header novalue must be NAME=VALUE"));
  auto host_alone = run_netreach({"query", "-f", kManifests, "shop/prod-client", "shop/service", "--port", "80", "--host", "x"});
  CHECK(host_alone.exit_code == 2);
  CHECK_THAT(host_alone.err, Catch::Contains("give --http too"));
}

TEST_CASE("CLI check: expectations with an http request; a bad http field is exit 2 naming it", "[cli][http][check]") {
  auto r = run_netreach({"check", "-f", kManifests, "-e", "tests/conformance/http-l7-rules-decide-requests/expectations.yaml"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("PASS prod GET /private: expected deny, got deny"));

  auto bad = netreach::testing::run_shell(
      "d=$(mktemp -d) && printf '%s\\n' 'apiVersion: netreach/v1' 'kind: Expectations' 'expectations:' "
      "'  - {from: shop/prod-client, to: shop/service, port: \"80\", http: {method: GET, pth: /x}, expect: allow}' > $d/e.yaml && "
      "$NETREACH check -f " + kManifests + " -e $d/e.yaml; echo \"exit=$?\"; rm -r $d");
  INFO(bad.out << bad.err);
  CHECK_THAT(bad.out + bad.err, Catch::Contains("e.yaml:4") && Catch::Contains("expectations[0].http.pth") &&
                                    Catch::Contains("unknown field \"pth\"") && Catch::Contains("expectations[0].http.path") &&
                                    Catch::Contains("exit=2"));
}
