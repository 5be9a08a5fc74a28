#include <catch2/catch.hpp>

#include <string>

#include "policy/policy_parser.h"
#include "policy/policy_test_support.h"
#include "policy/port_parser.h"


using namespace netreach;
using namespace netreach::policy_test;

namespace {
PeerRule first_ingress(const PolicyParseResult& r) {
  REQUIRE(r.policy);
  REQUIRE(!r.policy->rules[0].ingress.empty());
  return r.policy->rules[0].ingress[0];
}
PeerRule first_egress(const PolicyParseResult& r) {
  REQUIRE(r.policy);
  REQUIRE(!r.policy->rules[0].egress.empty());
  return r.policy->rules[0].egress[0];
}
}  // namespace

// pkg/iana :: IsSvcName; rule_validation.go :: PortProtocol.sanitize (docs/semantics.md#port-syntax).
TEST_CASE("Port text: IANA names and base-auto numbers", "[port_parser]") {
  CHECK(is_iana_service_name("http"));
  CHECK(is_iana_service_name("dns-tcp"));
  CHECK(is_iana_service_name("0x10"));  // a name, not 16
  CHECK_FALSE(is_iana_service_name("80"));
  CHECK_FALSE(is_iana_service_name("-http"));
  CHECK_FALSE(is_iana_service_name("http-"));
  CHECK_FALSE(is_iana_service_name("a--b"));
  CHECK_FALSE(is_iana_service_name("abcdefghijklmnop"));  // 16 characters
  CHECK_FALSE(is_iana_service_name("a_b"));
  CHECK(parse_port_number("80") == 80);
  CHECK(parse_port_number("010") == 8);
  CHECK(parse_port_number("0") == 0);
  CHECK(parse_port_number("65535") == 65535);
  CHECK(parse_port_number("1_000") == 1000);
  CHECK_FALSE(parse_port_number("65536"));
  CHECK_FALSE(parse_port_number("08"));
  CHECK_FALSE(parse_port_number("-1"));
  CHECK_FALSE(parse_port_number(""));
  CHECK_FALSE(parse_port_number("1__0"));
}

// docs/semantics.md#port-syntax, #protocols, #port-ranges: ports flattened with their refs; named
// ports lower-cased.
TEST_CASE("toPorts: every ports[] entry of every item, with paths and defaults", "[port_parser]") {
  PeerRule p = first_egress(parse(cnp(R"(
  egress:
  - toEndpoints: [{}]
    toPorts:
    - ports: [{port: "53", protocol: UDP}, {port: "53", protocol: TCP}]
    - ports:
      - port: "8000"
        endPort: 8080
      - port: HTTP
        protocol: TCP
      - port: "010"
)")));
  CHECK(p.has_to_ports);
  REQUIRE(p.ports.size() == 5);
  CHECK(p.ports[0].to_string() == "53/UDP");
  CHECK(p.ports[2].to_string() == "8000-8080/ANY");
  CHECK(p.ports[2].ref.path == "spec.egress[0].toPorts[1].ports[0]");
  CHECK(p.ports[2].ref.pos.line == 13);
  CHECK(p.ports[3].name == "http");
  CHECK(p.ports[3].is_named());
  CHECK(p.ports[4].port == 8);
}

// rule.go :: mergeIngress: len(ToPorts) == 0 is the L3-only branch.
TEST_CASE("toPorts: an empty list is the same as no toPorts", "[port_parser]") {
  PeerRule p = first_ingress(parse(cnp(R"(
  ingress:
  - fromEntities: [world]
    toPorts: []
)")));
  CHECK_FALSE(p.has_to_ports);
}

// CRD schema: port is a string; endPort an int32 0-65535; protocol enum
// (docs/semantics.md#api-server-validation).
TEST_CASE("toPorts: type and range errors name the field", "[port_parser]") {
  auto r = parse(cnp(R"(
  ingress:
  - toPorts:
    - ports:
      - port: 5555
      - port: "99999"
      - port: "80"
        endPort: "90"
      - port: "80"
        endPort: 70000
      - port: "80"
        protocol: tcp
      - port: "80"
        protocol: ICMP
      - protocol: TCP
      - port: "a_b"
)"));
  CHECK_FALSE(r.policy);
  const std::string base = "spec.ingress[0].toPorts[0].ports";
  CHECK(has_diag(r, Severity::Error, base + "[0].port", "must be a string, not integer (quote it: \"5555\")", 11));
  CHECK(has_diag(r, Severity::Error, base + "[1].port", "invalid port \"99999\""));
  CHECK(has_diag(r, Severity::Error, base + "[2].endPort", "must be an integer"));
  CHECK(has_diag(r, Severity::Error, base + "[3].endPort", "outside 0-65535"));
  CHECK(has_diag(r, Severity::Error, base + "[4].protocol", "write TCP", 18));
  CHECK(has_diag(r, Severity::Error, base + "[5].protocol", "unknown protocol \"ICMP\""));
  CHECK(has_diag(r, Severity::Error, base + "[6].port", "required"));
  CHECK(has_diag(r, Severity::Error, base + "[7].port", "IANA service name"));
}

// rule_validation.go :: maxPorts (docs/semantics.md#port-ranges).
TEST_CASE("toPorts: more than 40 ports are rejected", "[port_parser]") {
  std::string ports;
  for (int i = 0; i < 41; ++i) ports += "{port: \"" + std::to_string(1000 + i) + "\"},";
  auto r = parse(cnp("\n  ingress:\n  - toPorts: [{ports: [" + ports + "]}]\n"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].toPorts[0].ports", "too many ports"));
}

// rule_validation.go :: IngressRule.sanitize errUnsupportedICMPWithToPorts (docs/semantics.md#icmp).
TEST_CASE("icmps: not together with toPorts", "[port_parser]") {
  auto r = parse(cnp(R"(
  ingress:
  - toPorts: [{ports: [{port: "80"}]}]
    icmps: [{fields: [{type: 8}]}]
)"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].icmps", "cannot be combined", 10));
}

// pkg/policy/api/icmp.go (docs/semantics.md#icmp).
TEST_CASE("icmps: family, numeric and named types per family", "[port_parser]") {
  PeerRule p = first_ingress(parse(cnp(R"(
  ingress:
  - icmps:
    - fields:
      - type: 8
      - {family: IPv6, type: EchoRequest}
      - {type: EchoReply}
      - {family: IPv6, type: EchoReply}
      - {type: DestinationUnreachable}
)")));
  CHECK(p.has_icmps);
  CHECK(p.peer_kind == PeerKind::Wildcard);
  REQUIRE(p.icmps.size() == 5);
  CHECK(p.icmps[0].type == 8);
  CHECK_FALSE(p.icmps[0].ipv6);
  CHECK(p.icmps[1].ipv6);
  CHECK(p.icmps[1].type == 128);
  CHECK(p.icmps[2].type == 0);
  CHECK(p.icmps[3].type == 129);
  CHECK(p.icmps[4].type == 3);
  CHECK(p.icmps[1].ref.path == "spec.ingress[0].icmps[0].fields[1]");

  auto bad = parse(cnp(R"(
  ingress:
  - icmps:
    - fields:
      - {family: IPv5, type: 8}
      - {type: 256}
      - {type: PacketTooBig}
      - {family: IPv4}
)"));
  CHECK(has_diag(bad, Severity::Error, "spec.ingress[0].icmps[0].fields[0].family", "IPv4 or IPv6"));
  CHECK(has_diag(bad, Severity::Error, "spec.ingress[0].icmps[0].fields[1].type", "outside 0-255"));
  CHECK(has_diag(bad, Severity::Error, "spec.ingress[0].icmps[0].fields[2].type", "unknown IPv4 ICMP type"));
  CHECK(has_diag(bad, Severity::Error, "spec.ingress[0].icmps[0].fields[3].type", "required"));
}

// rule_validation.go :: PortRule.sanitize, L7Rules.sanitize (docs/semantics.md#l7-validity).
TEST_CASE("L7: http needs TCP, not port 0, one L7 type; recorded as unevaluated", "[port_parser]") {
  PeerRule ok = first_ingress(parse(cnp(R"(
  ingress:
  - toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules:
        http: [{method: GET, path: "/api"}]
)")));
  CHECK(ok.unevaluated == std::vector<Unevaluated>{Unevaluated::L7Rules});

  auto any = parse(cnp(R"(
  ingress:
  - toPorts:
    - ports: [{port: "80"}]
      rules: {http: [{}]}
)"));
  CHECK(has_diag(any, Severity::Error, "spec.ingress[0].toPorts[0].ports[0].protocol", "L7 rules can only apply to TCP"));

  auto zero = parse(cnp(R"(
  ingress:
  - toPorts:
    - ports: [{port: "0", protocol: TCP}]
      rules: {http: [{}]}
)"));
  CHECK(has_diag(zero, Severity::Error, "spec.ingress[0].toPorts[0].rules", "port is 0"));

  auto two = parse(cnp(R"(
  ingress:
  - toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules: {http: [{}], kafka: [{topic: t}]}
)"));
  CHECK(has_diag(two, Severity::Error, "spec.ingress[0].toPorts[0].rules", "only one L7 rule type"));

  auto l7 = parse(cnp(R"(
  ingress:
  - toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules: {l7: [{a: b}]}
)"));
  CHECK(has_diag(l7, Severity::Error, "spec.ingress[0].toPorts[0].rules.l7", "l7proto"));

  auto kafka = parse(cnp(R"(
  ingress:
  - toPorts:
    - ports: [{port: "9092", protocol: TCP}]
      rules: {kafka: [{role: write}]}
)"));
  CHECK(has_diag(kafka, Severity::Error, "spec.ingress[0].toPorts[0].rules.kafka[0].role", "produce or consume"));
}

// PortRule.sanitize: DNS rules (docs/semantics.md#l7-validity).
TEST_CASE("L7 DNS: egress only, TCP/UDP/ANY, explicit non-zero ports, no ranges", "[port_parser]") {
  PeerRule ok = first_egress(parse(cnp(R"(
  egress:
  - toEndpoints: [{matchLabels: {k8s-app: kube-dns}}]
    toPorts:
    - ports: [{port: "53", protocol: ANY}]
      rules: {dns: [{matchPattern: "*"}]}
)")));
  CHECK(ok.unevaluated == std::vector<Unevaluated>{Unevaluated::L7Rules});

  auto ingress = parse(cnp(R"(
  ingress:
  - toPorts:
    - ports: [{port: "53", protocol: UDP}]
      rules: {dns: [{matchPattern: "*"}]}
)"));
  CHECK(has_diag(ingress, Severity::Error, "spec.ingress[0].toPorts[0].rules", "not allowed on ingress"));

  auto range = parse(cnp(R"(
  egress:
  - toPorts:
    - ports: [{port: "53", endPort: 60, protocol: UDP}]
      rules: {dns: [{matchName: a.com}]}
    - rules: {dns: [{matchName: a.com}]}
)"));
  CHECK(has_diag(range, Severity::Error, "spec.egress[0].toPorts[0].ports[0].endPort", "port ranges"));
  CHECK(has_diag(range, Severity::Error, "spec.egress[0].toPorts[1].ports", "explicit ports"));
}

TEST_CASE("L7: listener egress-only without rules; serverNames with L7 need terminatingTLS", "[port_parser]") {
  auto r = parse(cnp(R"(
  ingress:
  - toPorts:
    - ports: [{port: "80", protocol: TCP}]
      listener: {envoyConfig: {kind: CiliumEnvoyConfig, name: e}, name: l}
  egress:
  - toPorts:
    - ports: [{port: "443", protocol: TCP}]
      serverNames: [a.com]
      rules: {http: [{}]}
  - toPorts:
    - ports: [{port: "443", protocol: TCP}]
      listener: {envoyConfig: {kind: Other, name: e}, name: l}
      rules: {http: [{}]}
)"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].toPorts[0].listener", "not allowed on ingress"));
  CHECK(has_diag(r, Severity::Error, "spec.egress[0].toPorts[0].serverNames", "terminatingTLS"));
  CHECK(has_diag(r, Severity::Error, "spec.egress[1].toPorts[0].listener", "cannot have L7 rules"));
  CHECK(has_diag(r, Severity::Error, "spec.egress[1].toPorts[0].listener.envoyConfig.kind", "unknown kind"));

  PeerRule ok = first_egress(parse(cnp(R"(
  egress:
  - toPorts:
    - ports: [{port: "443", protocol: TCP}]
      listener: {envoyConfig: {kind: CiliumEnvoyConfig, name: e}, name: l}
    - ports: [{port: "8443", protocol: TCP}]
      terminatingTLS: {secret: {name: s}}
      serverNames: [a.com]
)")));
  CHECK(ok.unevaluated == std::vector<Unevaluated>{Unevaluated::Listener, Unevaluated::TlsInspection});
}

// IngressRule.sanitize / EgressRule.sanitize with a host policy (docs/semantics.md#l7-validity).
TEST_CASE("L7 in nodeSelector rules: only egress DNS", "[port_parser]") {
  auto r = parse(R"(apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: host}
spec:
  nodeSelector: {}
  ingress:
  - toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{}]}}]
  egress:
  - toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]
  - toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{}]}}]
)");
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].toPorts[0].rules", "host (nodeSelector) policies on ingress"));
  CHECK_FALSE(has_diag(r, Severity::Error, "spec.egress[0].toPorts[0].rules", "host"));
  CHECK(has_diag(r, Severity::Error, "spec.egress[1].toPorts[0].rules", "only DNS"));
}

// rules.http is kept for the query: each toPorts item's rules on each of its
// ports; method/path/host must be RE2 (pkg/policy/api/http.go ::
// PortRuleHTTP.Sanitize compiles path and method with Go's regexp; Envoy runs
// all three with RE2, pkg/envoy/server.go :: getHTTPRule).
TEST_CASE("L7 http: rules kept per port, regexes checked, headerMatches read", "[port_parser]") {
  PeerRule ok = first_ingress(parse(cnp(R"(
  ingress:
  - toPorts:
    - ports: [{port: "80", protocol: TCP}, {port: "8080", protocol: TCP}]
      rules:
        http:
        - {method: GET, path: "/public/.*", host: "a\\.example", headers: ["X-A: 1"]}
        - headerMatches: [{name: X-T, secret: {namespace: s, name: tok}}, {name: X-L, value: v, mismatch: LOG}]
    - ports: [{port: "81", protocol: TCP}]
)")));
  REQUIRE(ok.ports.size() == 3);
  CHECK(ok.ports[0].l7);
  REQUIRE(ok.ports[1].http.size() == 2);
  CHECK(ok.ports[1].http[0].path == "/public/.*");
  CHECK(ok.ports[1].http[0].host == "a\\.example");
  CHECK(ok.ports[1].http[0].headers == std::vector<std::string>{"X-A: 1"});
  CHECK(ok.ports[1].http[1].ref.path == "spec.ingress[0].toPorts[0].rules.http[1]");
  CHECK(ok.ports[1].http[1].ref.pos.known());
  REQUIRE(ok.ports[1].http[1].header_matches.size() == 2);
  CHECK(ok.ports[1].http[1].header_matches[0].secret == "s/tok");
  CHECK(ok.ports[1].http[1].header_matches[1].mismatch == "LOG");
  CHECK_FALSE(ok.ports[2].l7);
  CHECK(ok.ports[2].http.empty());

  auto bad = parse(cnp(R"Y(
  ingress:
  - toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules:
        http:
        - {path: "/[", method: "(?=GET)"}
        - headerMatches: [{name: ""}]
)Y"));
  CHECK(has_diag(bad, Severity::Error, "spec.ingress[0].toPorts[0].rules.http[0].path", "invalid regular expression"));
  CHECK(has_diag(bad, Severity::Error, "spec.ingress[0].toPorts[0].rules.http[0].method", "invalid regular expression"));
  CHECK(has_diag(bad, Severity::Error, "spec.ingress[0].toPorts[0].rules.http[1].headerMatches[0].name", "header name missing"));

  // http and dns in one port rule (L7Rules.sanitize: one rule type per port rule).
  auto mixed = parse(cnp(R"(
  egress:
  - toPorts:
    - ports: [{port: "53", protocol: TCP}]
      rules: {http: [{}], dns: [{matchPattern: "*"}]}
)"));
  CHECK(has_diag(mixed, Severity::Error, "spec.egress[0].toPorts[0].rules", "only one L7 rule type"));
}
