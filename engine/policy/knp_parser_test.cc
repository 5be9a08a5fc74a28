#include <catch2/catch.hpp>

#include <string>

#include "policy/policy_parser.h"
#include "policy/policy_test_support.h"


using namespace netreach;
using namespace netreach::policy_test;

namespace {
Rule knp_rule(const PolicyParseResult& r) {
  REQUIRE(r.policy);
  REQUIRE(r.policy->rules.size() == 1);
  return r.policy->rules[0];
}
}  // namespace

// pkg/k8s/network_policy.go :: ParseNetworkPolicy, parsePodSelector (docs/semantics.md#knp-subject).
TEST_CASE("KNP subject: podSelector keys get k8s: and the policy namespace", "[knp_parser]") {
  Rule rule = knp_rule(parse(knp(R"(
  podSelector:
    matchLabels: {app: api, io.kubernetes.pod.namespace: other}
    matchExpressions: [{key: tier, operator: In, values: [b, a]}]
)")));
  CHECK(rule.subject.to_string() ==
        "{k8s:app=api, k8s:io.kubernetes.pod.namespace=a, k8s:tier in (a,b)}");
  CHECK(rule.ref.path == "spec");
  CHECK(rule.default_deny.ingress);
  CHECK(rule.default_deny.egress);
}

// network_policy.go :: ParseNetworkPolicy (docs/semantics.md#knp-empty-peers).
TEST_CASE("KNP: empty from is the true wildcard", "[knp_parser]") {
  Rule rule = knp_rule(parse(knp(R"(
  podSelector: {}
  ingress:
  - {}
  - from: []
    ports: [{port: 80}]
)")));
  REQUIRE(rule.ingress.size() == 2);
  for (const auto& p : rule.ingress) {
    CHECK(p.peer_kind == PeerKind::Endpoints);
    REQUIRE(p.endpoints.size() == 1);
    CHECK(p.endpoints[0].selector.is_wildcard());
  }
  CHECK(rule.ingress[0].ref.path == "spec.ingress[0]");
  CHECK_FALSE(rule.ingress[0].has_to_ports);
  CHECK(rule.ingress[1].has_to_ports);
  CHECK(rule.ingress[1].ports[0].to_string() == "80/TCP");
}

// network_policy.go :: parseNetworkPolicyPeer (docs/semantics.md#knp-peers).
TEST_CASE("KNP peers: each from[] item is its own PeerRule with the same ports", "[knp_parser]") {
  Rule rule = knp_rule(parse(knp(R"(
  podSelector: {}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
    - namespaceSelector: {matchLabels: {team: ops}}
    - namespaceSelector: {}
    - podSelector: {matchLabels: {app: web}}
      namespaceSelector: {matchExpressions: [{key: env, operator: Exists}]}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports:
    - port: 8080
    - {protocol: UDP, port: dns}
    - {port: 9000, endPort: 9100}
    - {protocol: SCTP}
)")));
  REQUIRE(rule.ingress.size() == 5);
  const auto& in = rule.ingress;
  CHECK(in[0].ref.path == "spec.ingress[0].from[0]");
  CHECK(in[0].endpoints[0].ref.path == "spec.ingress[0].from[0]");
  CHECK(in[0].endpoints[0].selector.to_string() == "{k8s:app=web, k8s:io.kubernetes.pod.namespace=a}");
  CHECK(in[1].endpoints[0].selector.to_string() == "{k8s:io.cilium.k8s.namespace.labels.team=ops}");
  CHECK(in[1].endpoints[0].selector.requirements[0].origin == RequirementOrigin::Translated);
  CHECK(in[2].endpoints[0].selector.to_string() == "{k8s:io.kubernetes.pod.namespace}");
  CHECK(in[3].endpoints[0].selector.to_string() == "{k8s:app=web, k8s:io.cilium.k8s.namespace.labels.env}");
  CHECK(in[4].peer_kind == PeerKind::Cidr);
  CHECK(in[4].cidrs[0].rule.to_string() == "10.0.0.0/8 except 10.1.0.0/16");
  for (const auto& p : in) {
    REQUIRE(p.ports.size() == 4);
    CHECK(p.has_to_ports);
  }
  CHECK(in[0].ports[0].to_string() == "8080/TCP");
  CHECK(in[0].ports[0].ref.path == "spec.ingress[0].ports[0]");
  CHECK(in[0].ports[1].to_string() == "dns/UDP");
  CHECK(in[0].ports[2].to_string() == "9000-9100/TCP");
  CHECK(in[0].ports[3].to_string() == "*/SCTP");
}

// network_policy.go :: ParseNetworkPolicy policyTypes handling (docs/semantics.md#knp-policytypes).
TEST_CASE("KNP policyTypes: Egress-only with no egress rules adds deny-all egress", "[knp_parser]") {
  Rule rule = knp_rule(parse(knp(R"(
  podSelector: {}
  policyTypes: [Egress]
)")));
  CHECK(rule.ingress.empty());
  REQUIRE(rule.egress.size() == 1);
  CHECK(rule.egress[0].peer_kind == PeerKind::Wildcard);
  CHECK_FALSE(rule.egress[0].has_to_ports);
  CHECK(rule.egress[0].endpoints.empty());
}

TEST_CASE("KNP policyTypes: absent or Ingress adds deny-all ingress; rules are kept whatever the types",
          "[knp_parser]") {
  Rule none = knp_rule(parse(knp(R"(
  podSelector: {}
)")));
  REQUIRE(none.ingress.size() == 1);
  CHECK(none.ingress[0].peer_kind == PeerKind::Wildcard);
  CHECK(none.egress.empty());

  auto r = parse(knp(R"(
  podSelector: {}
  policyTypes: [Ingress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
)"));
  Rule typed = knp_rule(r);
  REQUIRE(typed.ingress.size() == 1);
  CHECK(typed.ingress[0].peer_kind == PeerKind::Wildcard);
  REQUIRE(typed.egress.size() == 1);  // enforced although policyTypes omits Egress
  CHECK(typed.egress[0].peer_kind == PeerKind::Cidr);
  CHECK(has_diag(r, Severity::Warning, "spec.policyTypes", "enforces the egress rules anyway"));

  Rule both = knp_rule(parse(knp(R"(
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress: [{}]
)")));
  REQUIRE(both.ingress.size() == 1);
  CHECK(both.ingress[0].peer_kind == PeerKind::Endpoints);
  REQUIRE(both.egress.size() == 1);
  CHECK(both.egress[0].peer_kind == PeerKind::Wildcard);
}

// networking.k8s.io/v1 validation (ValidateNetworkPolicySpec) (docs/semantics.md#schema).
TEST_CASE("KNP validation: peers, ports, ipBlock, policyTypes, unknown fields", "[knp_parser]") {
  auto r = parse(knp(R"(
  podSelector: {}
  policyTypes: [ingress]
  ingress:
  - from:
    - {}
    - podSelector: {}
      ipBlock: {cidr: 10.0.0.0/8}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}
    - ipBlock: {cidr: 10.0.0.1}
    ports:
    - {port: 0}
    - {port: "80"}
    - {port: http, endPort: 90}
    - {port: 100, endPort: 90}
    - {port: 80, protocol: ANY}
    fromPorts: []
)"));
  CHECK_FALSE(r.policy);
  CHECK(has_diag(r, Severity::Error, "spec.policyTypes[0]", "unknown policy type", 8));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].from[0]", "needs podSelector, namespaceSelector or ipBlock"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].from[1].ipBlock", "not both"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].from[2].ipBlock.except[0]", "strict subset"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].from[3].ipBlock.cidr", "invalid CIDR"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].ports[0].port", "outside 1-65535"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].ports[1].port", "without quotes"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].ports[2].endPort", "numeric port"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].ports[3].endPort", "between port 100"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].ports[4].protocol", "TCP, UDP or SCTP"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].fromPorts", "unknown field"));

  auto no_selector = parse(knp(R"(
  ingress: [{}]
)"));
  CHECK(has_diag(no_selector, Severity::Error, "spec.podSelector", "required"));
}

TEST_CASE("KNP lenient: an unknown peer field is pruned, an invalid port ignores the policy", "[knp_parser]") {
  auto pruned = parse(knp(R"(
  podSelector: {}
  ingress:
  - from:
    - podSelector: {matchLabel: {app: x}}
)"),
                      lenient());
  Rule rule = knp_rule(pruned);
  CHECK(rule.ingress[0].endpoints[0].selector.to_string() == "{k8s:io.kubernetes.pod.namespace=a}");
  CHECK(has_diag(pruned, Severity::Warning, "spec.ingress[0].from[0].podSelector.matchLabel", "pruned"));

  auto rejected = parse(knp(R"(
  podSelector: {}
  ingress:
  - ports: [{port: 0}]
)"),
                        lenient());
  CHECK_FALSE(rejected.policy);
  CHECK(has_diag(rejected, Severity::Warning, "spec.ingress[0].ports[0].port", "policy ignored"));
}
