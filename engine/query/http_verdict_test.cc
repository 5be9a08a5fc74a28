// A query with an HTTP request (docs/semantics.md#http-rules): an allow whose
// port carries rules.http is decided by them, on each side, with the rule
// that matched or the nearest one named.
#include <catch2/catch.hpp>

#include <string>

#include "netreach.h"
#include "test_support.h"

using namespace netreach;
using netreach::testing::model_from_yaml;

namespace {

// Cilium's L7 example (docs "Layer 7 Examples", the Star Wars demo): the
// deathstar lets tiefighters POST /v1/request-landing only.
const std::string kCluster = R"(
apiVersion: v1
kind: Namespace
metadata: {name: sw}
---
apiVersion: v1
kind: Pod
metadata: {name: deathstar, namespace: sw, labels: {org: empire, class: deathstar}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: tiefighter, namespace: sw, labels: {org: empire, class: tiefighter}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: xwing, namespace: sw, labels: {org: alliance, class: xwing}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: rule1, namespace: sw}
spec:
  endpointSelector: {matchLabels: {org: empire, class: deathstar}}
  ingress:
  - fromEndpoints:
    - matchLabels: {org: empire}
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules:
        http:
        - {method: POST, path: /v1/request-landing}
        - {method: GET, path: /public, headers: ["X-Trace"]}
)";

QueryResult ask(const Model& m, const std::string& from, std::optional<HttpRequest> http, const std::string& port = "80") {
  auto r = query(m, FlowQuery{from, "sw/deathstar", port, std::nullopt, std::move(http)});
  REQUIRE(r);
  return *r;
}

HttpRequest req(std::string method, std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
  return HttpRequest{std::move(method), std::move(path), std::nullopt, std::move(headers)};
}

}  // namespace

TEST_CASE("HTTP query: the rules of the port decide; several rules are ORed", "[http]") {
  auto m = model_from_yaml(kCluster);
  auto landing = ask(*m, "sw/tiefighter", req("POST", "/v1/request-landing"));
  CHECK(landing.verdict == Verdict::Allow);
  const SideVerdict& in = landing.flows.at(0).ingress;
  CHECK(in.reason.find("CNP sw/rule1 spec.ingress[0].fromEndpoints[0]") != std::string::npos);
  CHECK(in.reason.find("rules.http[0]") != std::string::npos);
  REQUIRE(in.decisive);
  CHECK(in.decisive->path == "spec.ingress[0].toPorts[0].rules.http[0]");
  CHECK(in.decisive->pos.known());
  CHECK(in.caveats.empty());  // decided: no "not evaluated" caveat
  CHECK(landing.headline.find("POST /v1/request-landing") != std::string::npos);

  // The second rule, with its header.
  CHECK(ask(*m, "sw/tiefighter", req("GET", "/public", {{"x-trace", "1"}})).verdict == Verdict::Allow);

  auto exhaust = ask(*m, "sw/tiefighter", req("PUT", "/v1/exhaust-port"));
  CHECK(exhaust.verdict == Verdict::Deny);
  const SideVerdict& d = exhaust.flows.at(0).ingress;
  CHECK(d.verdict == Verdict::Deny);
  CHECK(d.reason.find("no HTTP rule on 80/TCP matches PUT /v1/exhaust-port") != std::string::npos);
  CHECK(d.reason.find("nearest") != std::string::npos);
  REQUIRE(d.near_misses.size() == 2);
  CHECK(d.near_misses[0].request_checked);
  // The nearest: the one with the most parts matching (the path of neither
  // matches; rule 0 and 1 both miss the method, rule 1 also its header).
  CHECK(d.near_misses[0].element.find("rules.http[0]") != std::string::npos);

  // GET /public without the header: rule 1 is nearest, the header differs.
  auto no_header = ask(*m, "sw/tiefighter", req("GET", "/public"));
  CHECK(no_header.verdict == Verdict::Deny);
  CHECK(no_header.flows.at(0).ingress.reason.find("header X-Trace is required") != std::string::npos);

  // Not allowed at L3: the request is never looked at.
  auto xwing = ask(*m, "sw/xwing", req("POST", "/v1/request-landing"));
  CHECK(xwing.verdict == Verdict::Deny);
  CHECK(xwing.flows.at(0).ingress.reason.find("default deny") != std::string::npos);
}

TEST_CASE("HTTP query: without a request the allow stands, with the L7 rules as a caveat", "[http]") {
  auto m = model_from_yaml(kCluster);
  auto r = ask(*m, "sw/tiefighter", std::nullopt);
  CHECK(r.verdict == Verdict::Allow);
  const auto& caveats = r.flows.at(0).ingress.caveats;
  REQUIRE(caveats.size() == 1);
  CHECK(caveats[0].find("has L7 rules") != std::string::npos);
}

// An allow of the same peer and port without L7 rules wildcards the HTTP
// rules: pkg/policy/rule.go :: wildcardL3L4Rule ("Wildcard at L7 all the
// endpoints allowed at L3 or L4"), and pkg/envoy/server.go ::
// getPortNetworkPolicyRule (a selector without L7 rules gets a rule with no
// HTTP matchers: every request passes).
TEST_CASE("HTTP query: an L4-only or L3-only allow of the same peer lets every request through", "[http]") {
  auto l4 = model_from_yaml(kCluster + R"(
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: plain-80, namespace: sw}
spec:
  endpointSelector: {matchLabels: {class: deathstar}}
  ingress:
  - fromEndpoints: [{matchLabels: {class: tiefighter}}]
    toPorts: [{ports: [{port: "80", protocol: TCP}]}]
)");
  auto r = ask(*l4, "sw/tiefighter", req("PUT", "/v1/exhaust-port"));
  CHECK(r.verdict == Verdict::Allow);
  CHECK(r.flows.at(0).ingress.reason.find("plain-80") != std::string::npos);
  CHECK(r.flows.at(0).ingress.reason.find("every request passes") != std::string::npos);

  auto l3 = model_from_yaml(kCluster + R"(
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l3-only, namespace: sw}
spec:
  endpointSelector: {matchLabels: {class: deathstar}}
  ingress:
  - fromEndpoints: [{matchLabels: {class: tiefighter}}]
)");
  CHECK(ask(*l3, "sw/tiefighter", req("PUT", "/v1/exhaust-port")).verdict == Verdict::Allow);

  // Another port without L7 rules changes nothing on 80.
  auto other_port = model_from_yaml(kCluster + R"(
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: plain-81, namespace: sw}
spec:
  endpointSelector: {matchLabels: {class: deathstar}}
  ingress:
  - fromEndpoints: [{matchLabels: {class: tiefighter}}]
    toPorts: [{ports: [{port: "81", protocol: TCP}]}]
)");
  CHECK(ask(*other_port, "sw/tiefighter", req("PUT", "/v1/exhaust-port")).verdict == Verdict::Deny);

  // HTTP rules of two policies for the same peer and port are ORed.
  auto two = model_from_yaml(kCluster + R"(
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: exhaust, namespace: sw}
spec:
  endpointSelector: {matchLabels: {class: deathstar}}
  ingress:
  - fromEndpoints: [{matchLabels: {class: tiefighter}}]
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules: {http: [{method: PUT}]}
)");
  auto put = ask(*two, "sw/tiefighter", req("PUT", "/v1/exhaust-port"));
  CHECK(put.verdict == Verdict::Allow);
  CHECK(put.flows.at(0).ingress.reason.find("exhaust") != std::string::npos);
}

// pkg/envoy/server.go :: getHTTPRule / getSecretString: the value of a
// headerMatches Secret is read by the agent at run time.
TEST_CASE("HTTP query: a Secret-valued header match is unknown, naming the Secret", "[http]") {
  auto m = model_from_yaml(R"(
apiVersion: v1
kind: Namespace
metadata: {name: sw}
---
apiVersion: v1
kind: Pod
metadata: {name: deathstar, namespace: sw, labels: {class: deathstar}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: tiefighter, namespace: sw, labels: {class: tiefighter}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: token, namespace: sw}
spec:
  endpointSelector: {matchLabels: {class: deathstar}}
  ingress:
  - toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules:
        http:
        - headerMatches:
          - {name: X-Token, secret: {namespace: sw, name: api-token}}
          - {name: X-Audit, value: "yes", mismatch: ADD}
)");
  auto r = ask(*m, "sw/tiefighter", req("GET", "/", {{"X-Token", "abc"}}));
  CHECK(r.verdict == Verdict::Unknown);
  CHECK(r.flows.at(0).ingress.reason.find("Secret sw/api-token") != std::string::npos);
  CHECK(ask(*m, "sw/tiefighter", req("GET", "/")).verdict == Verdict::Deny);
}

TEST_CASE("HTTP query: a request on a non-TCP port is refused", "[http]") {
  auto m = model_from_yaml(kCluster);
  auto r = query(*m, FlowQuery{"sw/tiefighter", "sw/deathstar", "80/UDP", std::nullopt, req("GET", "/")});
  REQUIRE_FALSE(r);
  CHECK(r.errors().at(0).field_path == "http");
}

// A refusal by the HTTP rules is not certain while another allow, which may
// carry no L7 rules, depends on a fact the input lacks (here: world's address
// against a CIDR rule).
TEST_CASE("HTTP query: a refused request is unknown when an undecided allow may let it through", "[http]") {
  auto m = model_from_yaml(kCluster + R"(
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: from-world, namespace: sw}
spec:
  endpointSelector: {matchLabels: {class: deathstar}}
  ingress:
  - fromEntities: [world]
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules: {http: [{method: GET, path: /public}]}
  - fromCIDR: [203.0.113.0/24]
    toPorts: [{ports: [{port: "80", protocol: TCP}]}]
)");
  auto unknown = query(*m, FlowQuery{"world", "sw/deathstar", "80", std::nullopt, req("PUT", "/x")});
  REQUIRE(unknown);
  CHECK(unknown->verdict == Verdict::Unknown);
  CHECK(unknown->flows.at(0).ingress.reason.find("fromCIDR") != std::string::npos);
  auto known = query(*m, FlowQuery{"198.51.100.7", "sw/deathstar", "80", std::nullopt, req("PUT", "/x")});
  REQUIRE(known);
  CHECK(known->verdict == Verdict::Deny);
  auto allowed = query(*m, FlowQuery{"world", "sw/deathstar", "80", std::nullopt, req("GET", "/public")});
  REQUIRE(allowed);
  CHECK(allowed->verdict == Verdict::Allow);
}
