#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "load/yaml_stream.h"
#include "policy/policy_parser.h"
#include "policy/policy_test_support.h"


namespace netreach::policy_test {

namespace {
const SourceFile kPolicySource{"policy.yaml", "", nullptr, false};
}  // namespace

static PolicyKind kind_of(const YamlNode& root) {
  const YamlNode* kind = root.find("kind");
  if (kind && kind->text() == "CiliumClusterwideNetworkPolicy") return PolicyKind::CiliumClusterwideNetworkPolicy;
  if (kind && kind->text() == "NetworkPolicy") return PolicyKind::NetworkPolicy;
  return PolicyKind::CiliumNetworkPolicy;
}

PolicyParseResult parse(const std::string& text, PolicyParseOptions options) {
  auto stream = YamlStream::from_text(std::make_shared<const std::string>(text), &kPolicySource);
  auto doc = stream.next();
  REQUIRE(doc.ok());
  REQUIRE(doc->has_value());
  const YamlNode& root = (*doc)->root;
  return parse_policy(root, kind_of(root), options);
}

PolicyParseOptions lenient() {
  PolicyParseOptions o;
  o.lenient = true;
  return o;
}

std::string cnp(const std::string& body, const std::string& kind) {
  return "apiVersion: cilium.io/v2\nkind: " + kind +
         "\nmetadata:\n  name: p\n  namespace: a\nspec:\n  endpointSelector: {}" + body;
}
std::string ccnp(const std::string& body) { return cnp(body, "CiliumClusterwideNetworkPolicy"); }

std::string knp(const std::string& body) {
  return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: k\n  namespace: a\n"
         "spec:" + body;
}

bool has_diag(const PolicyParseResult& r, Severity severity, const std::string& path,
              const std::string& fragment, uint32_t line) {
  for (const auto& d : r.diagnostics) {
    if (d.severity == severity && d.field_path == path && d.message.find(fragment) != std::string::npos &&
        (line == 0 || d.pos.line == line))
      return true;
  }
  std::string all;
  for (const auto& d : r.diagnostics)
    all += "  " + std::to_string(d.pos.line) + " " + d.field_path + ": " + d.message + "\n";
  UNSCOPED_INFO("diagnostics:\n" << all);
  return false;
}


}  // namespace netreach::policy_test

using namespace netreach;
using namespace netreach::policy_test;

// ---------------------------------------------------------------- object level

TEST_CASE("CNP object: metadata, refs and namespace default", "[policy_parser]") {
  auto r = parse(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: web
  labels: {a: b}
  annotations: {x: y}
  resourceVersion: "12"
  uid: abc
spec:
  endpointSelector: {}
  egress:
  - toEndpoints:
    - {}
    - matchLabels: {app: db}
status: {anything: goes}
)");
  REQUIRE(r.policy);
  const Policy& p = *r.policy;
  CHECK(p.name == "web");
  CHECK(p.namespace_ == "default");
  CHECK(has_diag(r, Severity::Warning, "metadata.namespace", "absent"));
  REQUIRE(p.rules.size() == 1);
  const Rule& rule = p.rules[0];
  CHECK(rule.ref.path == "spec");
  CHECK(rule.ref.policy_name == "web");
  REQUIRE(rule.egress.size() == 1);
  CHECK(rule.egress[0].ref.path == "spec.egress[0]");
  CHECK(rule.egress[0].ref.pos.line == 12);
  REQUIRE(rule.egress[0].endpoints.size() == 2);
  CHECK(rule.egress[0].endpoints[1].ref.path == "spec.egress[0].toEndpoints[1]");
  CHECK(rule.egress[0].endpoints[1].ref.pos.line == 14);
  CHECK(rule.egress[0].endpoints[1].ref.policy_namespace == "default");
}

// pkg/k8s/apis/cilium.io/v2/cnp_types.go :: Parse decides ErrEmptyCNP
// (docs/semantics.md#whole-object-rejected).
TEST_CASE("CNP object: neither spec nor specs is rejected", "[policy_parser]") {
  auto r = parse(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: x, namespace: a}
)");
  CHECK_FALSE(r.policy);
  CHECK(has_diag(r, Severity::Error, "spec", "needs spec or specs"));
}

TEST_CASE("CNP object: unknown top-level field is an error; name required", "[policy_parser]") {
  auto r = parse(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {namespace: a}
spec: {endpointSelector: {}}
ingress: []
)");
  CHECK_FALSE(r.policy);
  CHECK(has_diag(r, Severity::Error, "ingress", "belongs under spec", 5));
  CHECK(has_diag(r, Severity::Error, "metadata.name", "required"));
}

// Older Cilium examples (examples/policies/host/lock-down-*.yaml) put
// `description` at the top level; the CRD has it only in Rule (docs/semantics.md#schema).
TEST_CASE("CNP object: a top-level description is unknown, with a hint", "[policy_parser]") {
  auto r = parse(R"(apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
description: "lock down"
metadata: {name: x}
spec: {endpointSelector: {}, ingress: [{}]}
)");
  CHECK_FALSE(r.policy);
  CHECK(has_diag(r, Severity::Error, "description", "belongs under spec", 3));
}

TEST_CASE("CCNP object: a namespace is ignored with a warning", "[policy_parser]") {
  auto r = parse(R"(apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: x, namespace: a}
spec: {endpointSelector: {}, egress: []}
)");
  REQUIRE(r.policy);
  CHECK(r.policy->namespace_.empty());
  CHECK(has_diag(r, Severity::Warning, "metadata.namespace", "ignored"));
}

TEST_CASE("CNP specs: every item is a Rule with its own path", "[policy_parser]") {
  auto r = parse(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: x, namespace: a}
specs:
- endpointSelector: {}
  ingress: []
- endpointSelector: {}
  ingressDeny:
  - fromEntities: [world]
)");
  REQUIRE(r.policy);
  REQUIRE(r.policy->rules.size() == 2);
  CHECK(r.policy->rules[1].ref.path == "specs[1]");
  REQUIRE(r.policy->rules[1].ingress_deny.size() == 1);
  CHECK(r.policy->rules[1].ingress_deny[0].ref.path == "specs[1].ingressDeny[0]");
  CHECK(r.policy->rules[1].ingress_deny[0].deny);
  CHECK(r.policy->rules[1].ingress_deny[0].entities[0].ref.path == "specs[1].ingressDeny[0].fromEntities[0]");
}

// ------------------------------------------------------------- the seed example

constexpr const char* kSeedExample = R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: example-policy
  namespace: default
spec:
  endpointSelector:
    matchLabels:
      io.cilium.k8s.policy.serviceaccount: example-application-serviceaccount
  egress:
    - toEntities:
        - remote-node
        - kube-apiserver
      toPorts:
        - ports:
            - port: "6443"
              protocol: TCP
    - toEndpoints:
        - { }
  ingress:
    - fromEntities:
        - world
      fromPorts:
        - ports:
            - port: "80"
              protocol: TCP
    - fromEndpoints:
        - { }
)";

// The CRD schema is structural: the API server prunes unknown fields
// (pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml,
// docs/semantics.md#api-server-validation, #pruned-fields).
TEST_CASE("Seed example: strict mode refuses fromPorts with its path and line", "[policy_parser]") {
  auto r = parse(kSeedExample);
  CHECK_FALSE(r.policy);
  REQUIRE(has_diag(r, Severity::Error, "spec.ingress[0].fromPorts", "unknown field \"fromPorts\"", 23));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].fromPorts", "did you mean toPorts?"));
}

TEST_CASE("Seed example: lenient mode prunes fromPorts and keeps fromEntities world on every port",
          "[policy_parser]") {
  auto r = parse(kSeedExample, lenient());
  REQUIRE(r.policy);
  CHECK_FALSE(has_errors(r.diagnostics));
  CHECK(has_diag(r, Severity::Warning, "spec.ingress[0].fromPorts", "pruned", 23));
  CHECK(has_diag(r, Severity::Warning, "spec.ingress[0].fromPorts", "allows every port"));
  const PeerRule& in0 = r.policy->rules[0].ingress[0];
  CHECK(in0.peer_kind == PeerKind::Entities);
  REQUIRE(in0.entities.size() == 1);
  CHECK(in0.entities[0].entity == Entity::World);
  CHECK_FALSE(in0.has_to_ports);
  CHECK(in0.ports.empty());
  // The egress toPorts rule is kept as written.
  const PeerRule& eg0 = r.policy->rules[0].egress[0];
  REQUIRE(eg0.ports.size() == 1);
  CHECK(eg0.ports[0].port == 6443);
  CHECK(eg0.ports[0].protocol == Protocol::TCP);
  CHECK(eg0.ports[0].ref.path == "spec.egress[0].toPorts[0].ports[0]");
  CHECK(eg0.ports[0].ref.pos.line == 16);
}

// ------------------------------------------------------------------ lenient

// docs/semantics.md#whole-object-rejected (cnp_types.go :: Parse): one invalid rule rejects the whole object.
TEST_CASE("Lenient: an invalid rule drops the whole object with a warning", "[policy_parser]") {
  auto r = parse(cnp(R"(
  ingress:
  - fromEntities: [world]
  - fromEntities: [moon]
)"),
                 lenient());
  CHECK_FALSE(r.policy);
  CHECK_FALSE(has_errors(r.diagnostics));
  CHECK(has_diag(r, Severity::Warning, "spec.ingress[1].fromEntities[0]", "policy ignored"));
  CHECK(has_diag(r, Severity::Warning, "spec.ingress[1].fromEntities[0]", "API server"));
}

TEST_CASE("Lenient: an agent-side failure says the agent ignores it", "[policy_parser]") {
  auto r = parse(cnp(R"(
  egress:
  - toEndpoints: [{}]
    toCIDR: [10.0.0.0/8]
)"),
                 lenient());
  CHECK_FALSE(r.policy);
  CHECK(has_diag(r, Severity::Warning, "spec.egress[0].toCIDR", "Cilium agent rejects"));
}

// ---------------------------------------------------------------- enableDefaultDeny

// pkg/policy/api/rule_validation.go :: Rule.Sanitize defaults enableDefaultDeny
// (docs/semantics.md#enabledefaultdeny).
TEST_CASE("enableDefaultDeny: defaults per direction to having rules, explicit values win", "[policy_parser]") {
  auto r = parse(cnp(R"(
  ingressDeny: [{fromEntities: [world]}]
)"));
  REQUIRE(r.policy);
  CHECK(r.policy->rules[0].default_deny.ingress);
  CHECK_FALSE(r.policy->rules[0].default_deny.egress);

  r = parse(cnp(R"(
  ingress: [{fromEntities: [world]}]
  egress: []
  enableDefaultDeny: {ingress: false}
)"));
  REQUIRE(r.policy);
  CHECK_FALSE(r.policy->rules[0].default_deny.ingress);
  CHECK_FALSE(r.policy->rules[0].default_deny.egress);

  r = parse(cnp(R"(
  egress: [{}]
  enableDefaultDeny: {ingress: "no"}
)"));
  CHECK(has_diag(r, Severity::Error, "spec.enableDefaultDeny.ingress", "boolean"));
}

// docs/semantics.md#default-deny, #rule-shapes: `[{}]` is one rule that allows nothing; `[]` is nothing.
TEST_CASE("Empty lists: ingress [] is nothing, ingress [{}] is one wildcard rule without ports",
          "[policy_parser]") {
  auto r = parse(cnp(R"(
  ingress: [{}]
  egress: []
)"));
  REQUIRE(r.policy);
  const Rule& rule = r.policy->rules[0];
  REQUIRE(rule.ingress.size() == 1);
  CHECK(rule.ingress[0].peer_kind == PeerKind::Wildcard);
  CHECK_FALSE(rule.ingress[0].has_to_ports);
  CHECK_FALSE(rule.ingress[0].has_icmps);
  CHECK(rule.egress.empty());
  CHECK(rule.has_rules(Direction::Ingress));
  CHECK_FALSE(rule.has_rules(Direction::Egress));
}

// Null values are pruned before validation, so a null required field is missing.
TEST_CASE("Object: null metadata or name counts as missing", "[policy_parser]") {
  auto r = parse(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
spec: {endpointSelector: {}}
)");
  CHECK(has_diag(r, Severity::Error, "metadata", "required"));
  r = parse(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: null, namespace: a}
spec: {endpointSelector: {}}
)");
  CHECK(has_diag(r, Severity::Error, "metadata.name", "required"));
}
