#include <catch2/catch.hpp>

#include <string>

#include "policy/policy_parser.h"
#include "policy/policy_test_support.h"


using namespace netreach;
using namespace netreach::policy_test;

namespace {
Rule only_rule(const PolicyParseResult& r) {
  REQUIRE(r.policy);
  REQUIRE(r.policy->rules.size() == 1);
  return r.policy->rules[0];
}
const Requirement* find_req(const Selector& s, const std::string& key) {
  for (const auto& req : s.requirements)
    if (req.key.to_string() == key) return &req;
  return nullptr;
}
}  // namespace

// ------------------------------------------------------------------- subjects

// pkg/k8s/apis/cilium.io/utils/utils.go :: ParseToCiliumRule (docs/semantics.md#cnp-subjects).
TEST_CASE("CNP subject: k8s namespace matchLabel replaced by the policy namespace, any-form kept",
          "[cnp_parser]") {
  auto r = parse(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: a}
spec:
  endpointSelector:
    matchLabels:
      app: web
      k8s:io.kubernetes.pod.namespace: other
      io.kubernetes.pod.namespace: b
    matchExpressions:
    - {key: k8s:io.kubernetes.pod.namespace, operator: In, values: [z, a]}
  ingress: []
)");
  const Rule& rule = only_rule(r);
  CHECK(rule.subject.to_string() ==
        "{app=web, io.kubernetes.pod.namespace=b, k8s:io.kubernetes.pod.namespace in (a,z), "
        "k8s:io.kubernetes.pod.namespace=a}");
  const Requirement* added = nullptr;
  for (const auto& req : rule.subject.requirements)
    if (req.origin == RequirementOrigin::PolicyNamespace) added = &req;
  REQUIRE(added);
  CHECK(added->values == std::vector<std::string>{"a"});
  CHECK(find_req(rule.subject, "app")->origin == RequirementOrigin::Written);
  CHECK(has_diag(r, Severity::Warning, "spec.endpointSelector.matchLabels.k8s:io.kubernetes.pod.namespace",
                 "overridden"));
}

// utils.go :: ParseToCiliumRule adds no namespace for a CCNP (docs/semantics.md#ccnp-subjects).
TEST_CASE("CCNP subject: as written", "[cnp_parser]") {
  const Rule& rule = only_rule(parse(R"(apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress: []
)"));
  CHECK(rule.subject.to_string() == "{app=web}");
  CHECK_FALSE(rule.node_selector);
}

// pkg/policy/api/rule_validation.go :: Rule.Sanitize; cnp_types.go :: Parse
// (docs/semantics.md#subject-selection, #node-selectors).
TEST_CASE("Subject: exactly one of endpointSelector/nodeSelector; nodeSelector only outside CNP spec",
          "[cnp_parser]") {
  auto both = parse(cnp(R"(
  nodeSelector: {}
)"));
  CHECK(has_diag(both, Severity::Error, "spec.nodeSelector", "not both", 8));
  auto neither = parse(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: a}
spec:
  ingress: [{}]
)");
  CHECK(has_diag(neither, Severity::Error, "spec", "exactly one of endpointSelector or nodeSelector", 5));
  auto in_spec = parse(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: a}
spec:
  nodeSelector: {matchLabels: {role: x}}
)");
  CHECK(has_diag(in_spec, Severity::Error, "spec.nodeSelector", "rule cannot have NodeSelector", 5));
  // The check only looks at `spec` (a quirk, docs/semantics.md#node-selectors): specs[] is accepted.
  auto in_specs = parse(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: a}
specs:
- nodeSelector: {matchLabels: {role: x}}
  ingress: []
)");
  const Rule& rule = only_rule(in_specs);
  CHECK(rule.node_selector);
  CHECK(rule.subject.to_string() == "{role=x}");
  auto ccnp_node = parse(R"(apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: p}
spec:
  nodeSelector: {matchLabels: {role: x}}
  ingress: []
)");
  CHECK(only_rule(ccnp_node).node_selector);
}

// ------------------------------------------------------------- peer scoping

// utils.go :: getEndpointSelector (docs/semantics.md#cnp-peer-scoping).
TEST_CASE("CNP peer selector: namespace term added unless the namespace key is mentioned", "[cnp_parser]") {
  const Rule& rule = only_rule(parse(cnp(R"(
  ingress:
  - fromEndpoints:
    - {}
    - matchLabels: {app: x}
    - matchLabels: {io.kubernetes.pod.namespace: b}
    - matchExpressions: [{key: k8s:io.kubernetes.pod.namespace, operator: NotIn, values: [kube-system]}]
    - matchLabels: {k8s:io.cilium.k8s.namespace.labels.team: blue}
    - matchLabels: {reserved:host: ""}
)")));
  const auto& eps = rule.ingress[0].endpoints;
  REQUIRE(eps.size() == 6);
  CHECK(eps[0].selector.to_string() == "{k8s:io.kubernetes.pod.namespace=a}");
  CHECK(eps[0].selector.requirements[0].origin == RequirementOrigin::PolicyNamespace);
  CHECK(eps[1].selector.to_string() == "{app=x, k8s:io.kubernetes.pod.namespace=a}");
  CHECK(eps[2].selector.to_string() == "{io.kubernetes.pod.namespace=b}");
  CHECK(eps[3].selector.to_string() == "{k8s:io.kubernetes.pod.namespace!=kube-system}");
  CHECK(eps[4].selector.to_string() == "{k8s:io.cilium.k8s.namespace.labels.team=blue}");
  CHECK(eps[5].selector.to_string() == "{reserved:host=}");
  CHECK(rule.ingress[0].peer_kind == PeerKind::Endpoints);
}

// utils.go :: getEndpointSelector, namespace == "" branch (docs/semantics.md#ccnp-peer-scoping).
TEST_CASE("CCNP peer selector: namespace Exists added unless namespace/reserved key or init subject",
          "[cnp_parser]") {
  const Rule& rule = only_rule(parse(ccnp(R"(
  egress:
  - toEndpoints:
    - {}
    - matchLabels: {io.cilium.k8s.namespace.labels.team: blue}
    - matchLabels: {k8s:io.kubernetes.pod.namespace: b}
    - matchLabels: {reserved:host: ""}
)")));
  const auto& eps = rule.egress[0].endpoints;
  REQUIRE(eps.size() == 4);
  CHECK(eps[0].selector.to_string() == "{k8s:io.kubernetes.pod.namespace}");
  CHECK(eps[0].selector.requirements[0].origin == RequirementOrigin::ClusterwideNamespace);
  CHECK(eps[1].selector.to_string() == "{io.cilium.k8s.namespace.labels.team=blue, k8s:io.kubernetes.pod.namespace}");
  CHECK(eps[2].selector.to_string() == "{k8s:io.kubernetes.pod.namespace=b}");
  CHECK(eps[3].selector.to_string() == "{reserved:host=}");

  const Rule& init = only_rule(parse(R"(apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: p}
spec:
  endpointSelector: {matchLabels: {reserved:init: ""}}
  egress:
  - toEndpoints: [{}]
)"));
  CHECK(init.egress[0].endpoints[0].selector.is_wildcard());
}

// utils.go :: getEndpointSelector with addK8sPrefix false for requires
// (docs/semantics.md#cnp-peer-scoping, #fromrequires-and-torequires).
TEST_CASE("Requires: scoped like peers but without the reserved-key exception, not an L3 kind",
          "[cnp_parser]") {
  const Rule& rule = only_rule(parse(cnp(R"(
  ingress:
  - fromRequires: [{matchLabels: {reserved:host: ""}}]
    fromCIDR: [10.0.0.0/8]
)")));
  const PeerRule& p = rule.ingress[0];
  REQUIRE(p.requires_.size() == 1);
  CHECK(p.requires_[0].selector.to_string() == "{k8s:io.kubernetes.pod.namespace=a, reserved:host=}");
  CHECK(p.requires_[0].ref.path == "spec.ingress[0].fromRequires[0]");
  CHECK(p.peer_kind == PeerKind::Cidr);
  CHECK(p.endpoints.empty());
}

// --------------------------------------------------------------- peer kinds

// pkg/policy/api/ingress.go :: SetAggregatedSelectors, rule.go :: mergeIngress
// (docs/semantics.md#rule-shapes).
TEST_CASE("Peer kinds: no L3 field is Wildcard, an explicit empty list selects nothing", "[cnp_parser]") {
  const Rule& rule = only_rule(parse(cnp(R"(
  ingress:
  - toPorts: [{ports: [{port: "80"}]}]
  - fromEndpoints: []
    toPorts: [{ports: [{port: "80"}]}]
  - fromEntities: []
  - fromCIDR: []
    fromEntities: [world]
)")));
  CHECK(rule.ingress[0].peer_kind == PeerKind::Wildcard);
  CHECK_FALSE(rule.ingress[0].explicit_empty_peers);
  CHECK(rule.ingress[1].peer_kind == PeerKind::Endpoints);
  CHECK(rule.ingress[1].explicit_empty_peers);
  CHECK(rule.ingress[2].peer_kind == PeerKind::Entities);
  CHECK(rule.ingress[2].explicit_empty_peers);
  // Only non-empty fields count (IngressCommonRule.sanitize counts len() > 0).
  CHECK(rule.ingress[3].peer_kind == PeerKind::Entities);
  CHECK_FALSE(rule.ingress[3].explicit_empty_peers);
}

// IngressCommonRule.sanitize / EgressCommonRule.sanitize (docs/semantics.md#one-peer-kind-per-rule).
TEST_CASE("Peer kinds: two L3 fields in one rule are rejected", "[cnp_parser]") {
  auto r = parse(cnp(R"(
  egress:
  - toEndpoints: [{}]
    toCIDR: [10.0.0.0/8]
)"));
  CHECK_FALSE(r.policy);
  CHECK(has_diag(r, Severity::Error, "spec.egress[0].toCIDR", "combining toCIDR and toEndpoints is not supported",
                 10));
  auto cidrs = parse(cnp(R"(
  egress:
  - toCIDR: [10.0.0.0/8]
    toCIDRSet: [{cidr: 10.0.0.0/8}]
)"));
  CHECK(has_diag(cidrs, Severity::Error, "spec.egress[0].toCIDRSet", "combining toCIDR and toCIDRSet"));
}

// pkg/policy/api/rule_validation.go :: CIDR.sanitize, CIDRRule.sanitize
// (docs/semantics.md#cidr-except, #cidr-forms).
TEST_CASE("CIDR peers: toCIDR takes a bare IP, toCIDRSet needs a prefix, excepts inside", "[cnp_parser]") {
  const Rule& rule = only_rule(parse(cnp(R"(
  egress:
  - toCIDR: [1.2.3.4, "fd00::/64"]
  - toCIDRSet:
    - {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    - cidrGroupRef: my-group
)")));
  REQUIRE(rule.egress[0].cidrs.size() == 2);
  CHECK(rule.egress[0].cidrs[0].rule.to_string() == "1.2.3.4/32");
  CHECK(rule.egress[0].cidrs[1].ref.path == "spec.egress[0].toCIDR[1]");
  CHECK(rule.egress[0].peer_kind == PeerKind::Cidr);
  REQUIRE(rule.egress[1].cidrs.size() == 1);
  CHECK(rule.egress[1].cidrs[0].rule.to_string() == "10.0.0.0/8 except 10.1.0.0/16");
  REQUIRE(rule.egress[1].cidr_groups.size() == 1);
  CHECK(rule.egress[1].cidr_groups[0].name == "my-group");
  CHECK(rule.egress[1].cidr_groups[0].ref.path == "spec.egress[1].toCIDRSet[1]");
  CHECK(rule.egress[1].unevaluated.empty());

  auto bad = parse(cnp(R"(
  egress:
  - toCIDRSet:
    - {cidr: 1.2.3.4}
    - {cidr: 10.0.0.0/8, except: [11.0.0.0/16, "fd00::/64", 10.0.0.0/8]}
    - {cidr: 10.0.0.0/8, cidrGroupRef: g}
    - {except: [10.0.0.0/8]}
  - toCIDR: [10.0.0.0/33]
)"));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toCIDRSet[0].cidr", "prefix notation: 1.2.3.4/32", 10));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toCIDRSet[1].except[0]", "not inside"));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toCIDRSet[1].except[1]", "another address family"));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toCIDRSet[1].except[2]", "longer prefix"));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toCIDRSet[2]", "only one of cidr"));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toCIDRSet[3]", "one of cidr, cidrGroupRef"));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[1].toCIDR[0]", "invalid CIDR", 14));
}

// pkg/policy/api/cidr.go :: CIDRRule (cidrGroupRef, cidrGroupSelector) and
// CIDRRuleSlice.GetAsEndpointSelectors (each except applies on top of a group too);
// pkg/policy/api/rule_validation.go :: CIDRRule.Validate (a group entry's excepts are not
// checked against a cidr; the CRD's format: cidr still applies).
TEST_CASE("CIDR groups: cidrGroupRef and cidrGroupSelector entries keep their excepts", "[cnp_parser][cidr-groups]") {
  const Rule& rule = only_rule(parse(cnp(R"(
  egress:
  - toCIDRSet:
    - {cidrGroupRef: office, except: [203.0.113.0/28, "2001:db8::/48"]}
    - cidrGroupSelector: {matchLabels: {env: prod}}
    - {cidr: 10.0.0.0/8}
  ingressDeny:
  - fromCIDRSet: [{cidrGroupRef: blocked}]
)")));
  const PeerRule& out = rule.egress.at(0);
  CHECK(out.peer_kind == PeerKind::Cidr);
  REQUIRE(out.cidrs.size() == 1);
  REQUIRE(out.cidr_groups.size() == 2);
  CHECK(out.cidr_groups[0].name == "office");
  CHECK_FALSE(out.cidr_groups[0].selector);
  CHECK(out.cidr_groups[0].to_string() == "cidrGroupRef office except 203.0.113.0/28, 2001:db8::/48");
  CHECK(out.cidr_groups[0].ref.path == "spec.egress[0].toCIDRSet[0]");
  REQUIRE(out.cidr_groups[1].selector);
  CHECK(out.cidr_groups[1].to_string() == "cidrGroupSelector {env=prod}");
  CHECK(out.unevaluated.empty());
  REQUIRE(rule.ingress_deny.at(0).cidr_groups.size() == 1);
  CHECK(rule.ingress_deny[0].cidr_groups[0].name == "blocked");

  auto bad = parse(cnp(R"(
  egress:
  - toCIDRSet:
    - {cidrGroupRef: Office}
    - {cidrGroupRef: office, except: [not-a-cidr]}
    - cidrGroupSelector: {matchExpressions: [{key: env, operator: in, values: [a]}]}
)"));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toCIDRSet[0].cidrGroupRef", "must be a DNS subdomain name"));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toCIDRSet[1].except[0]", "invalid CIDR \"not-a-cidr\""));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toCIDRSet[2].cidrGroupSelector.matchExpressions[0].operator",
                 "unknown operator"));
}

// pkg/policy/api/entity.go :: EntitySelectorMapping; CRD enum (docs/semantics.md#entities,
// #api-server-validation).
TEST_CASE("Entities: known names parsed, unknown and world-ipv4 rejected", "[cnp_parser]") {
  const Rule& rule = only_rule(parse(cnp(R"(
  ingress:
  - fromEntities: [world, cluster, kube-apiserver]
)")));
  REQUIRE(rule.ingress[0].entities.size() == 3);
  CHECK(rule.ingress[0].entities[2].entity == Entity::KubeApiserver);
  CHECK(rule.ingress[0].entities[1].ref.path == "spec.ingress[0].fromEntities[1]");

  auto bad = parse(cnp(R"(
  ingress:
  - fromEntities: [World, world-ipv4]
)"));
  CHECK(has_diag(bad, Severity::Error, "spec.ingress[0].fromEntities[0]", "unknown entity \"World\"", 9));
  CHECK(has_diag(bad, Severity::Error, "spec.ingress[0].fromEntities[1]", "not in the CiliumNetworkPolicy CRD enum"));
}

// docs/semantics.md#toservices: toServices entries; pkg/policy/api/service.go.
TEST_CASE("Services: k8sService and k8sServiceSelector", "[cnp_parser]") {
  const Rule& rule = only_rule(parse(cnp(R"(
  egress:
  - toServices:
    - k8sService: {serviceName: api, namespace: prod}
    - k8sServiceSelector: {selector: {matchLabels: {team: x}}}
)")));
  const auto& s = rule.egress[0].services;
  REQUIRE(s.size() == 2);
  CHECK(s[0].service_name == "api");
  CHECK(s[0].service_namespace == "prod");
  CHECK_FALSE(s[0].by_selector);
  CHECK(s[1].by_selector);
  CHECK(s[1].service_namespace.empty());
  CHECK(s[1].service_label_selector.to_string() == "{team=x}");
  CHECK(rule.egress[0].peer_kind == PeerKind::Services);

  auto bad = parse(cnp(R"(
  egress:
  - toServices:
    - k8sServiceSelector: {namespace: x}
)"));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toServices[0].k8sServiceSelector.selector", "required"));
}

// pkg/policy/api/fqdn.go :: FQDNSelector.sanitize (docs/semantics.md#fqdn-matching, #deny-rules).
TEST_CASE("FQDNs: lower-cased without trailing dot, one of matchName/matchPattern, not in deny",
          "[cnp_parser]") {
  const Rule& rule = only_rule(parse(cnp(R"(
  egress:
  - toFQDNs: [{matchName: API.Example.COM.}, {matchPattern: "*.Example.com"}]
)")));
  const auto& f = rule.egress[0].fqdns;
  REQUIRE(f.size() == 2);
  CHECK(f[0].match_name == "api.example.com");
  CHECK(f[1].match_pattern == "*.example.com");
  CHECK(f[1].ref.path == "spec.egress[0].toFQDNs[1]");

  auto bad = parse(cnp(R"(
  egress:
  - toFQDNs: [{matchName: a.com, matchPattern: "*.a.com"}, {}, {matchName: "a b"}]
  egressDeny:
  - toFQDNs: [{matchName: a.com}]
)"));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toFQDNs[0]", "only one of matchName or matchPattern"));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toFQDNs[1]", "one of matchName or matchPattern is required"));
  CHECK(has_diag(bad, Severity::Error, "spec.egress[0].toFQDNs[2].matchName", "invalid matchName"));
  CHECK(has_diag(bad, Severity::Error, "spec.egressDeny[0].toFQDNs", "not allowed in egressDeny", 11));
}

// rule_validation.go: ErrFromToNodesRequiresNodeSelectorOption (docs/semantics.md#fromnodes-and-tonodes).
TEST_CASE("Nodes: fromNodes needs enable_node_selector_labels", "[cnp_parser]") {
  std::string text = cnp(R"(
  ingress:
  - fromNodes: [{matchLabels: {role: cp}}]
)");
  CHECK(has_diag(parse(text), Severity::Error, "spec.ingress[0].fromNodes", "enable-node-selector-labels"));
  PolicyParseOptions opts;
  opts.enable_node_selector_labels = true;
  auto r = parse(text, opts);
  const Rule& rule = only_rule(r);
  CHECK(rule.ingress[0].peer_kind == PeerKind::Nodes);
  REQUIRE(rule.ingress[0].nodes.size() == 1);
  CHECK(rule.ingress[0].nodes[0].selector.to_string() == "{role=cp}");  // no namespace term
}

// docs/semantics.md#cloud-groups: groups are resolved at runtime.
TEST_CASE("Groups: peer kind Groups and unevaluated", "[cnp_parser]") {
  const Rule& rule = only_rule(parse(cnp(R"(
  egress:
  - toGroups: [{aws: {securityGroupsIds: [sg-1], region: eu-west-1}}]
)")));
  CHECK(rule.egress[0].peer_kind == PeerKind::Groups);
  CHECK(rule.egress[0].unevaluated == std::vector<Unevaluated>{Unevaluated::Groups});
}

// ------------------------------------------------------------- selectors

// apimachinery ValidateLabelSelector, run by EndpointSelector.sanitize; CRD
// matchLabels pattern (docs/semantics.md#api-server-validation, #agent-validation).
TEST_CASE("Selectors: operators, values and label syntax are validated", "[cnp_parser]") {
  auto r = parse(cnp(R"(
  ingress:
  - fromEndpoints:
    - matchExpressions:
      - {key: app, operator: in, values: [a]}
      - {key: app, operator: In}
      - {key: app, operator: Exists, values: [a]}
      - {operator: Exists}
    - matchLabels: {app: "-bad"}
    - matchLabels: {"Bad Key": x}
    - matchLabels: {app: 5}
    - matchLabels: {app: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}
)"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].fromEndpoints[0].matchExpressions[0].operator",
                 "unknown operator \"in\"", 11));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].fromEndpoints[0].matchExpressions[1].values",
                 "needs at least one value"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].fromEndpoints[0].matchExpressions[2].values",
                 "takes no values"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].fromEndpoints[0].matchExpressions[3].key", "required"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].fromEndpoints[1].matchLabels.app", "invalid label value"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].fromEndpoints[2].matchLabels.Bad Key", "invalid label key"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].fromEndpoints[3].matchLabels.app", "must be a string"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].fromEndpoints[4].matchLabels.app", "63"));
}

// CRD structural pruning (docs/semantics.md#api-server-validation, #pruned-fields).
TEST_CASE("Selectors: namespaceSelector under toEndpoints is unknown, with a hint", "[cnp_parser]") {
  std::string text = cnp(R"(
  egress:
  - toEndpoints:
    - namespaceSelector: {matchLabels: {team: x}}
)");
  auto strict = parse(text);
  CHECK(has_diag(strict, Severity::Error, "spec.egress[0].toEndpoints[0].namespaceSelector",
                 "Cilium selectors have no namespaceSelector; use matchLabels k8s:io.kubernetes.pod.namespace", 10));
  auto loose = parse(text, lenient());
  const Rule& rule = only_rule(loose);
  // Pruned to {}: the whole policy namespace.
  CHECK(rule.egress[0].endpoints[0].selector.to_string() == "{k8s:io.kubernetes.pod.namespace=a}");
  CHECK(has_diag(loose, Severity::Warning, "spec.egress[0].toEndpoints[0].namespaceSelector", "pruned"));
}

TEST_CASE("Unknown fields: matchLabel and toPort get hints", "[cnp_parser]") {
  auto r = parse(cnp(R"(
  endpointSelecto: {}
  ingress:
  - fromEndpoints: [{matchLabel: {app: x}}]
    toPort: [{ports: [{port: "80"}]}]
)"));
  CHECK(has_diag(r, Severity::Error, "spec.endpointSelecto", "unknown field", 8));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].fromEndpoints[0].matchLabel", "did you mean matchLabels?", 10));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].toPort", "did you mean toPorts?", 11));
}

// Rule.Sanitize: deny rules have no L7 or authentication (docs/semantics.md#deny-rules).
TEST_CASE("Deny rules: PortDenyRule has only ports, no authentication", "[cnp_parser]") {
  auto r = parse(cnp(R"(
  ingressDeny:
  - toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{}]}}]
    authentication: {mode: required}
)"));
  CHECK(has_diag(r, Severity::Error, "spec.ingressDeny[0].toPorts[0].rules", "PortDenyRule has only ports", 9));
  CHECK(has_diag(r, Severity::Error, "spec.ingressDeny[0].authentication", "deny rules have no authentication"));
  const Rule& ok = only_rule(parse(cnp(R"(
  egressDeny:
  - toPorts: [{ports: [{port: "22"}]}]
)")));
  REQUIRE(ok.egress_deny.size() == 1);
  CHECK(ok.egress_deny[0].deny);
  CHECK(ok.egress_deny[0].direction == Direction::Egress);
  CHECK(ok.egress_deny[0].peer_kind == PeerKind::Wildcard);
  CHECK(ok.egress_deny[0].ports[0].to_string() == "22/ANY");
}

// docs/semantics.md#mutual-authentication: authentication.mode enum.
TEST_CASE("Authentication: required is unevaluated, unknown mode rejected", "[cnp_parser]") {
  const Rule& rule = only_rule(parse(cnp(R"(
  ingress:
  - fromEntities: [cluster]
    authentication: {mode: required}
  - fromEntities: [cluster]
    authentication: {mode: disabled}
)")));
  CHECK(rule.ingress[0].unevaluated == std::vector<Unevaluated>{Unevaluated::Authentication});
  CHECK(rule.ingress[1].unevaluated.empty());
  auto bad = parse(cnp(R"(
  ingress:
  - authentication: {mode: Required}
)"));
  CHECK(has_diag(bad, Severity::Error, "spec.ingress[0].authentication.mode", "unknown authentication mode"));
}

// The CRD's anyOf on Rule (kubebuilder:validation:AnyOf on ingress, ingressDeny,
// egress, egressDeny in pkg/policy/api/rule.go): a rule with none of them is
// refused by the API server. `egress:` with a null value is pruned first, so it
// does not count; an empty list does.
TEST_CASE("Rule: needs one of ingress/ingressDeny/egress/egressDeny (CRD anyOf)", "[cnp_parser]") {
  auto none = parse(cnp(R"(
  egress:
  enableDefaultDeny: {ingress: true}
)"));
  CHECK_FALSE(none.policy);
  CHECK(has_diag(none, Severity::Error, "spec", "at least one of ingress, ingressDeny, egress or egressDeny"));

  auto ignored = parse(cnp("\n  description: nothing\n"), lenient());
  CHECK_FALSE(ignored.policy);
  CHECK(has_diag(ignored, Severity::Warning, "spec", "policy ignored: the API server rejects"));

  auto empty_list = parse(cnp("\n  ingressDeny: []\n"));
  REQUIRE(empty_list.policy);
  CHECK_FALSE(has_diag(empty_list, Severity::Warning, "spec", "at least one of"));
  auto specs_item = parse(R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: a}
specs:
- endpointSelector: {}
  egress: [{}]
- endpointSelector: {}
)");
  CHECK(has_diag(specs_item, Severity::Error, "specs[1]", "at least one of", 7));
}
