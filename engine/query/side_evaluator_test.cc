// Semantics of one flow, rule by rule. Each test names the docs/semantics.md
// section and the Cilium source that decides it, with allow and deny cases.
#include <catch2/catch.hpp>

#include <string>

#include "model/rule.h"
#include "test_support.h"

using namespace netreach;
using netreach::testing::explain;
using netreach::testing::model_from_yaml;
using netreach::testing::verdict;

namespace {

// Two namespaces, four pods. Policies are appended per test.
const std::string kCluster = R"(
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: blue}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b, labels: {team: red}}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: a, labels: {app: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec:
  containers:
  - name: c
    image: x
    ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: b, labels: {app: db, pod-template-hash: abc}}
spec:
  serviceAccountName: db-sa
  containers: [{name: c, image: x, ports: [{name: pg, containerPort: 5432}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: b, labels: {app: other}}
spec: {containers: [{name: c, image: x}]}
)";

std::shared_ptr<const Model> with(const std::string& policies, Options options = {}) {
  return model_from_yaml(kCluster + "\n---\n" + policies, options);
}

constexpr auto A = Verdict::Allow;
constexpr auto D = Verdict::Deny;

}  // namespace

// docs/semantics.md#both-sides, bpf/bpf_lxc.c: egress on the sender and ingress on the receiver.
TEST_CASE("Flow: both sides must allow", "[evaluate][both-sides]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: client-out, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress: [{toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: b, app: db}}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db-in, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress: [{fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: a, app: web}}]}]
)");
  CHECK(verdict(*m, "a/client", "b/db", "5432") == D);  // db's ingress does not allow client
  CHECK(verdict(*m, "a/web", "b/db", "5432") == A);     // web has no egress policy; db allows it
  CHECK(verdict(*m, "a/client", "b/other", "80") == D);  // client's egress is in default deny
  auto r = explain(*m, "a/client", "b/db", "5432");
  CHECK(r.flows.at(0).egress.verdict == A);
  CHECK(r.flows.at(0).ingress.verdict == D);
}

// docs/semantics.md#default-deny, pkg/policy/repository.go :: computePolicyEnforcementAndRules.
TEST_CASE("Enforcement: no policy allows, ingress [{}] denies all, directions are separate", "[evaluate][default-deny]") {
  auto none = with("");
  CHECK(verdict(*none, "a/client", "b/db", "5432") == A);
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: lockdown, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress: [{}]
)");
  CHECK(verdict(*m, "a/client", "b/db", "5432") == D);
  CHECK(verdict(*m, "b/db", "a/web", "8080") == A);  // egress of db is not enforced
}

// docs/semantics.md#enabledefaultdeny, pkg/policy/api/rule_validation.go :: Rule.Sanitize;
// repository.go (wildcardRule).
TEST_CASE("Enforcement: enableDefaultDeny false allows all but denies", "[evaluate][enabledefaultdeny]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: audit-only, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  enableDefaultDeny: {ingress: false}
  ingress: [{fromEndpoints: [{matchLabels: {app: other}}]}]
  ingressDeny: [{toPorts: [{ports: [{port: "22", protocol: TCP}]}]}]
)");
  CHECK(verdict(*m, "a/client", "b/db", "5432") == A);
  CHECK(verdict(*m, "a/client", "b/db", "22") == D);
  CHECK(explain(*m, "a/client", "b/db", "5432").flows.at(0).ingress.enforcement == Enforcement::DenyOnly);
}

// docs/semantics.md#allow-localhost, pkg/policy/mapstate.go :: determineAllowLocalhostIngress.
TEST_CASE("Enforcement: the local host reaches pods in default deny, unless denied", "[evaluate][allow-localhost]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: lockdown, namespace: b}
spec:
  endpointSelector: {}
  ingress: [{}]
  ingressDeny: [{fromEntities: [host], toPorts: [{ports: [{port: "22"}]}]}]
)");
  CHECK(verdict(*m, "host", "b/db", "5432") == A);
  CHECK(verdict(*m, "host", "b/db", "22") == D);
  CHECK(verdict(*m, "remote-node", "b/db", "5432") == D);
  Options no_localhost;
  no_localhost.allow_localhost = false;
  auto strict = with("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: l, namespace: b}\n"
                     "spec: {endpointSelector: {}, ingress: [{}]}\n", no_localhost);
  CHECK(verdict(*strict, "host", "b/db", "5432") == D);
}

// docs/semantics.md#cnp-peer-scoping, pkg/k8s/apis/cilium.io/utils/utils.go :: getEndpointSelector.
TEST_CASE("CNP peers: scoped to the policy namespace unless it is named", "[evaluate][cnp-peer-scoping]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db-in, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{}]
  - fromEndpoints: [{matchLabels: {app: web, k8s:io.kubernetes.pod.namespace: a}}]
  - fromEndpoints: [{matchLabels: {io.cilium.k8s.namespace.labels.team: blue, app: client}}]
    toPorts: [{ports: [{port: "5432"}]}]
)");
  CHECK(verdict(*m, "b/other", "b/db", "1") == A);     // {} = every pod of b
  CHECK(verdict(*m, "a/web", "b/db", "1") == A);       // namespace named
  CHECK(verdict(*m, "a/client", "b/db", "5432") == A); // namespace-label key: cross-namespace (v1.16+)
  CHECK(verdict(*m, "a/client", "b/db", "1") == D);
  CHECK(verdict(*m, "world", "b/db", "5432") == D);    // {} never means world in a CNP
}

// The seed's mistake: the explanation names the scoping and the fix.
TEST_CASE("Explanation: a namespace-scoped selector says how to leave the namespace", "[explain][cnp-peer-scoping]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: client-out, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress: [{toEndpoints: [{matchLabels: {app: db, app.kubernetes.io/namespace: b}}], toPorts: [{ports: [{port: "5432", protocol: TCP}]}]}]
)");
  auto r = explain(*m, "a/client", "b/db", "5432");
  REQUIRE(r.verdict == D);
  const SideVerdict& egress = r.flows.at(0).egress;
  REQUIRE_FALSE(egress.near_misses.empty());
  const NearMiss& miss = egress.near_misses[0];
  CHECK(miss.port_matched);
  CHECK_FALSE(miss.peer_matched);
  CHECK(miss.element == "spec.egress[0].toEndpoints[0]");
  std::string all;
  for (const auto& reason : miss.reasons) all += reason + "\n";
  CHECK_THAT(all, Catch::Contains("scoped to namespace a because it has no `k8s:io.kubernetes.pod.namespace` key"));
  CHECK_THAT(all, Catch::Contains("add `k8s:io.kubernetes.pod.namespace: b`"));
  CHECK_THAT(all, Catch::Contains("no label `app.kubernetes.io/namespace`"));
  CHECK_THAT(egress.suggestion, Catch::Contains("k8s:io.kubernetes.pod.namespace: b"));
}

// docs/semantics.md#ccnp-peer-scoping, getEndpointSelector (namespace == "" branch);
// docs/semantics.md#ccnp-subjects ParseToCiliumRule.
TEST_CASE("CCNP: subjects in every namespace, {} peers are all pods but not world", "[evaluate][ccnp-peer-scoping][ccnp-subjects]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: pods-only}
spec:
  endpointSelector: {}
  ingress: [{fromEndpoints: [{}]}]
)");
  CHECK(verdict(*m, "a/client", "b/db", "5432") == A);
  CHECK(verdict(*m, "b/db", "a/web", "8080") == A);
  CHECK(verdict(*m, "world", "a/web", "8080") == D);
  CHECK(verdict(*m, "remote-node", "a/web", "8080") == D);
}

// docs/semantics.md#negative-namespace-terms: a NotIn namespace term skips scoping and matches non-pods too.
TEST_CASE("CNP peers: NotIn on the namespace key also matches world", "[evaluate][negative-namespace-terms]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: not-kube-system, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress: [{fromEndpoints: [{matchExpressions: [{key: io.kubernetes.pod.namespace, operator: NotIn, values: [b]}]}]}]
)");
  CHECK(verdict(*m, "a/client", "b/db", "5432") == A);
  CHECK(verdict(*m, "world", "b/db", "5432") == A);
  CHECK(verdict(*m, "b/other", "b/db", "5432") == D);
}

// docs/semantics.md#rule-shapes, pkg/policy/api/ingress.go (empty non-nil slices); rule.go :: mergeIngress.
TEST_CASE("Rule shapes: empty rule, L4-only wildcard, explicit empty list", "[evaluate][rule-shapes]") {
  auto l4only = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l4, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress: [{toPorts: [{ports: [{port: "5432", protocol: TCP}]}]}]
)");
  CHECK(verdict(*l4only, "world", "b/db", "5432") == A);
  CHECK(verdict(*l4only, "a/client", "b/db", "5432") == A);
  CHECK(verdict(*l4only, "a/client", "b/db", "5433") == D);
  auto explicit_empty = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: none, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress: [{fromEndpoints: [], toPorts: [{ports: [{port: "5432", protocol: TCP}]}]}]
)");
  CHECK(verdict(*explicit_empty, "b/other", "b/db", "5432") == D);
}

// docs/semantics.md#entities, pkg/policy/api/entity.go :: EntitySelectorMapping.
TEST_CASE("Entities: world, cluster, all, host, remote-node, kube-apiserver", "[evaluate][entities]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: out, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toEntities: [world]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toEntities: [cluster]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
  - toEntities: [remote-node]
    toPorts: [{ports: [{port: "10250", protocol: TCP}]}]
  - toEntities: [all]
    toPorts: [{ports: [{port: "9999", protocol: TCP}]}]
)");
  CHECK(verdict(*m, "a/client", "8.8.8.8", "443") == A);
  CHECK(verdict(*m, "a/client", "b/db", "443") == D);      // world never includes pods
  CHECK(verdict(*m, "a/client", "remote-node", "443") == D);  // nor nodes
  CHECK(verdict(*m, "a/client", "b/db", "5432") == A);     // cluster includes local pods
  CHECK(verdict(*m, "a/client", "host", "5432") == A);
  CHECK(verdict(*m, "a/client", "8.8.8.8", "5432") == D);  // cluster excludes world
  CHECK(verdict(*m, "a/client", "kube-apiserver", "10250") == A);  // identity 7 is also remote-node
  CHECK(verdict(*m, "a/client", "host", "10250") == D);
  CHECK(verdict(*m, "a/client", "fqdn:example.com", "9999") == A);
}

// docs/semantics.md#cidr-scope, #cidr-except, pkg/ipcache/metadata.go :: resolveLabels;
// pkg/policy/api/cidr.go.
TEST_CASE("CIDR: external addresses only, except carves out", "[evaluate][cidr-rules]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: out, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]
  - toCIDR: [192.168.1.7]
)");
  CHECK(verdict(*m, "a/client", "10.2.3.4", "80") == A);
  CHECK(verdict(*m, "a/client", "10.1.3.4", "80") == D);
  CHECK(verdict(*m, "a/client", "192.168.1.7", "80") == A);
  CHECK(verdict(*m, "a/client", "192.168.1.8", "80") == D);
  CHECK(verdict(*m, "a/client", "b/db", "5432") == D);  // a pod is judged by identity, never by IP
  CHECK(verdict(*m, "a/client", "world", "80") == Verdict::Unknown);  // depends on the address
}

// CiliumCIDRGroup: pkg/policy/k8s/cilium_cidr_group.go :: applyCIDRGroup labels every
// externalCIDRs prefix with `cidrgroup:io.cilium.policy.cidrgroupname/NAME` and the group's
// labels; pkg/policy/api/cidr.go :: CIDRRuleSlice.GetAsEndpointSelectors turns cidrGroupRef
// into that label Exists, cidrGroupSelector into a selector over `cidrgroup:` labels, and
// each except into a `cidr:` DoesNotExist on top (for groups too).
TEST_CASE("CIDR groups: cidrGroupRef with except, cidrGroupSelector by the group's labels", "[evaluate][cidr-groups]") {
  auto m = with(R"(
apiVersion: cilium.io/v2alpha1
kind: CiliumCIDRGroup
metadata: {name: office, labels: {env: prod}}
spec: {externalCIDRs: [203.0.113.0/24, 198.51.100.0/25]}
---
apiVersion: cilium.io/v2
kind: CiliumCIDRGroup
metadata: {name: lab, labels: {env: dev}}
spec: {externalCIDRs: ["2001:db8::/32", 192.0.2.0/24]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: out, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toCIDRSet: [{cidrGroupRef: office, except: [203.0.113.0/28]}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toCIDRSet: [{cidrGroupSelector: {matchLabels: {env: dev}}}]
    toPorts: [{ports: [{port: "22", protocol: TCP}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-in, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress: [{fromEntities: [world]}]
  ingressDeny: [{fromCIDRSet: [{cidrGroupSelector: {matchExpressions: [{key: env, operator: In, values: [prod]}]}}]}]
)");
  CHECK(verdict(*m, "a/client", "203.0.113.77", "443") == A);
  CHECK(verdict(*m, "a/client", "198.51.100.5", "443") == A);
  CHECK(verdict(*m, "a/client", "203.0.113.5", "443") == D);    // except 203.0.113.0/28
  CHECK(verdict(*m, "a/client", "198.51.100.200", "443") == D);  // outside 198.51.100.0/25
  CHECK(verdict(*m, "a/client", "192.0.2.9", "22") == A);
  CHECK(verdict(*m, "a/client", "2001:db8::1", "22") == A);
  CHECK(verdict(*m, "a/client", "203.0.113.77", "22") == D);  // office is env=prod
  CHECK(verdict(*m, "a/client", "b/db", "443") == D);         // CIDR groups never select pods
  CHECK(verdict(*m, "a/client", "world", "443") == Verdict::Unknown);
  // Deny rules take groups too.
  CHECK(verdict(*m, "203.0.113.9", "a/web", "8080") == D);
  CHECK(verdict(*m, "192.0.2.1", "a/web", "8080") == A);

  auto excepted = explain(*m, "a/client", "203.0.113.5", "443");
  REQUIRE_FALSE(excepted.flows.at(0).egress.near_misses.empty());
  CHECK(excepted.flows.at(0).egress.near_misses[0].reasons.at(0) ==
        "203.0.113.5 is in CiliumCIDRGroup office (203.0.113.0/24), but this entry's except 203.0.113.0/28 removes it");
  auto outside = explain(*m, "a/client", "198.51.100.200", "443");
  CHECK(outside.flows.at(0).egress.near_misses.at(0).reasons.at(0) ==
        "198.51.100.200 is not in CiliumCIDRGroup office (203.0.113.0/24, 198.51.100.0/25)");
  auto allowed = explain(*m, "a/client", "192.0.2.9", "22");
  CHECK_THAT(allowed.flows.at(0).egress.reason,
             Catch::EndsWith("192.0.2.9 is in CiliumCIDRGroup lab (2001:db8::/32, 192.0.2.0/24), whose labels match "
                             "cidrGroupSelector `{env=dev}`"));
  auto world = explain(*m, "a/client", "world", "443");
  CHECK_THAT(world.flows.at(0).egress.reason,
             Catch::EndsWith("whether world's address is in CiliumCIDRGroup office (203.0.113.0/24, 198.51.100.0/25) "
                             "except 203.0.113.0/28"));
}

// An address carries the labels of every group containing it, the longest prefix winning a
// key (pkg/ipcache/metadata.go :: mergeParentLabels), so a selector can match an address two
// groups share; a reference to a group the input lacks, or a selector matching no group of
// the input, is unknown and names what is missing.
TEST_CASE("CIDR groups: merged labels, missing groups are unknown", "[evaluate][cidr-groups]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumCIDRGroup
metadata: {name: corp, labels: {env: prod}}
spec: {externalCIDRs: [10.0.0.0/8]}
---
apiVersion: cilium.io/v2
kind: CiliumCIDRGroup
metadata: {name: databases, labels: {tier: db}}
spec: {externalCIDRs: [10.1.0.0/16]}
---
apiVersion: cilium.io/v2
kind: CiliumCIDRGroup
metadata: {name: test-db, labels: {env: test}}
spec: {externalCIDRs: [10.1.2.0/24]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: out, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toCIDRSet: [{cidrGroupSelector: {matchLabels: {env: prod, tier: db}}}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
  - toCIDRSet: [{cidrGroupRef: partners}]
    toPorts: [{ports: [{port: "8443", protocol: TCP}]}]
  - toCIDRSet: [{cidrGroupSelector: {matchLabels: {env: staging}}}]
    toPorts: [{ports: [{port: "9000", protocol: TCP}]}]
)");
  CHECK(verdict(*m, "a/client", "10.1.3.3", "5432") == A);  // env=prod from corp, tier=db from databases
  CHECK(verdict(*m, "a/client", "10.1.2.3", "5432") == D);  // test-db's /24 wins env
  CHECK(verdict(*m, "a/client", "10.2.0.1", "5432") == D);  // no tier
  auto merged = explain(*m, "a/client", "10.1.3.3", "5432");
  CHECK_THAT(merged.flows.at(0).egress.reason,
             Catch::EndsWith("10.1.3.3 is in CiliumCIDRGroups corp (10.0.0.0/8), databases (10.1.0.0/16), whose labels "
                             "together match cidrGroupSelector `{env=prod, tier=db}`"));
  auto shadowed = explain(*m, "a/client", "10.1.2.3", "5432");
  CHECK(shadowed.flows.at(0).egress.near_misses.at(0).reasons.at(0) ==
        "10.1.2.3 is in CiliumCIDRGroups corp, databases, test-db, and its labels (env=test, tier=db; an address takes "
        "the labels of every group containing it, the longest prefix winning a key) do not match cidrGroupSelector "
        "`{env=prod, tier=db}`");
  auto missing = explain(*m, "a/client", "203.0.113.5", "8443");
  CHECK(missing.verdict == Verdict::Unknown);
  CHECK_THAT(missing.flows.at(0).egress.reason,
             Catch::EndsWith("whether 203.0.113.5 is in CiliumCIDRGroup partners: the input has no CiliumCIDRGroup partners"));
  auto unselected = explain(*m, "a/client", "10.1.3.3", "9000");
  CHECK(unselected.verdict == Verdict::Unknown);
  CHECK_THAT(unselected.flows.at(0).egress.reason,
             Catch::EndsWith("whether 10.1.3.3 is in a CiliumCIDRGroup matching cidrGroupSelector `{env=staging}`: no "
                             "CiliumCIDRGroup of the input matches it"));
}

// docs/semantics.md#port-syntax, #protocols, #port-ranges, pkg/policy/l4.go, rule.go (ANY expands
// to TCP/UDP/SCTP).
TEST_CASE("Ports: numbers, ranges, port 0, protocols", "[evaluate][ports-and-protocols]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: in, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: a, app: client}}]
    toPorts: [{ports: [{port: "5000", endPort: 5010, protocol: TCP}, {port: "53"}]}]
  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: a, app: web}}]
    toPorts: [{ports: [{port: "0", protocol: UDP}]}]
)");
  CHECK(verdict(*m, "a/client", "b/db", "5000") == A);
  CHECK(verdict(*m, "a/client", "b/db", "5010") == A);
  CHECK(verdict(*m, "a/client", "b/db", "5011") == D);
  CHECK(verdict(*m, "a/client", "b/db", "5005/UDP") == D);
  CHECK(verdict(*m, "a/client", "b/db", "53/UDP") == A);   // no protocol = ANY
  CHECK(verdict(*m, "a/client", "b/db", "53/SCTP") == A);
  CHECK(verdict(*m, "a/web", "b/db", "12345/UDP") == A);  // port 0 = every port
  CHECK(verdict(*m, "a/web", "b/db", "12345/TCP") == D);
}

// docs/semantics.md#icmp; pkg/policy/api/icmp.go :: ICMPField.PortProtocol (a field is a port entry of
// protocol ICMP or ICMPv6 whose port is the type; names per family).
TEST_CASE("ICMP: an icmps rule allows exactly its types, per family, and no port", "[evaluate][icmp]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: in, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: a, app: client}}]
    icmps: [{fields: [{type: 8}, {family: IPv6, type: EchoRequest}]}]
)");
  CHECK(verdict(*m, "a/client", "b/db", "icmp:8") == A);
  CHECK(verdict(*m, "a/client", "b/db", "icmp:EchoRequest") == A);
  CHECK(verdict(*m, "a/client", "b/db", "icmpv6:128") == A);
  CHECK(verdict(*m, "a/client", "b/db", "icmpv6:8") == D);    // type 8 was written for IPv4 (the default)
  CHECK(verdict(*m, "a/client", "b/db", "icmp:128") == D);
  CHECK(verdict(*m, "a/client", "b/db", "icmp:EchoReply") == D);
  CHECK(verdict(*m, "a/client", "b/db", "5432") == D);        // icmps names no port
  CHECK(verdict(*m, "a/web", "b/db", "icmp:8") == D);         // nor other peers
  // The explanation names the rule, and a deny suggests an icmps rule, never toPorts.
  auto allowed = explain(*m, "a/client", "b/db", "icmp:8");
  CHECK(allowed.headline == "ALLOW a/client -> b/db icmp:8");
  REQUIRE(allowed.flows.at(0).ingress.decisive);
  CHECK(allowed.flows.at(0).ingress.decisive->path == "spec.ingress[0].fromEndpoints[0]");
  auto denied = explain(*m, "a/client", "b/db", "icmp:3");
  const SideVerdict& in = denied.flows.at(0).ingress;
  CHECK_THAT(in.reason, Catch::Contains("none of them allows a/client on icmp:3"));
  REQUIRE(in.near_misses.size() == 1);
  CHECK(in.near_misses[0].peer_matched);
  CHECK_FALSE(in.near_misses[0].port_matched);
  CHECK_THAT(in.near_misses[0].reasons.at(0), Catch::Contains("allows icmp:8 or icmpv6:128 only, not icmp:3"));
  CHECK_THAT(in.suggestion, Catch::Contains("icmps:\n  - fields:\n    - family: IPv4\n      type: 3"));
  CHECK_THAT(in.suggestion, !Catch::Contains("toPorts"));
}

// docs/semantics.md#icmp, #protocols: pkg/policy/rule.go :: mergeEgress (an L3-only rule is port 0 with a
// wildcarded protocol: ICMP too); pkg/policy/api/l4.go (toPorts ANY is TCP, UDP and SCTP: never ICMP).
TEST_CASE("ICMP: L3-only rules allow every type of both families, toPorts never does", "[evaluate][icmp]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: out, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toEndpoints: [{matchLabels: {app: web}}]
  - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: b, app: db}}]
    toPorts: [{ports: [{port: "0", protocol: ANY}]}]
)");
  CHECK(verdict(*m, "a/client", "a/web", "icmp:3") == A);
  CHECK(verdict(*m, "a/client", "a/web", "icmpv6:NeighborSolicitation") == A);
  CHECK(verdict(*m, "a/client", "a/web", "icmp:0") == A);
  CHECK(verdict(*m, "a/client", "b/db", "12345") == A);
  CHECK(verdict(*m, "a/client", "b/db", "icmp:8") == D);
  CHECK(verdict(*m, "a/client", "b/db", "icmpv6:128") == D);
  auto r = explain(*m, "a/client", "b/db", "icmp:8");
  REQUIRE(r.flows.at(0).egress.near_misses.size() >= 1);
  bool said = false;
  for (const auto& nm : r.flows.at(0).egress.near_misses)
    for (const auto& reason : nm.reasons) said = said || reason.find("never ICMP") != std::string::npos;
  CHECK(said);
}

// docs/semantics.md#icmp, #deny-wins: icmps of a deny rule are its L4 entries
// (pkg/policy/utils/utils.go :: RulesToPolicyEntries); a deny entry wins (pkg/policy/mapstate.go).
TEST_CASE("ICMP: a deny rule with icmps denies those types, an L3-only deny every type", "[evaluate][icmp]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: open}
spec:
  endpointSelector: {}
  egress: [{toEntities: [all]}]
  ingress: [{fromEntities: [all]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: no-ping, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egressDeny:
  - icmps: [{fields: [{type: EchoRequest}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: shut, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingressDeny:
  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: a, app: web}}]
)");
  CHECK(verdict(*m, "a/client", "a/web", "icmp:8") == D);      // egress deny, any peer (no L3 field)
  CHECK(verdict(*m, "a/client", "203.0.113.9", "icmp:8") == D);
  CHECK(verdict(*m, "a/client", "a/web", "icmp:0") == A);
  CHECK(verdict(*m, "a/client", "a/web", "icmpv6:128") == A);  // IPv6 not denied
  CHECK(verdict(*m, "a/client", "a/web", "80") == A);
  CHECK(verdict(*m, "a/web", "b/db", "icmpv6:128") == D);      // the L3-only deny covers ICMP too
  CHECK(verdict(*m, "a/web", "b/db", "icmp:3") == D);
  CHECK(verdict(*m, "a/client", "b/db", "icmp:3") == A);
  auto r = explain(*m, "a/client", "a/web", "icmp:8");
  CHECK(r.flows.at(0).egress.verdict == D);
  REQUIRE(r.flows.at(0).egress.decisive);
  CHECK(r.flows.at(0).egress.decisive->path == "spec.egressDeny[0]");
}

// docs/semantics.md#icmp: type 0 becomes port "0" (pkg/policy/api/icmp.go :: ICMPField.PortProtocol),
// which is every port of the protocol (pkg/policy/l4.go); issue cilium#41304 (open).
TEST_CASE("ICMP: a field of type 0 covers every type of its family", "[evaluate][icmp]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: in, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - icmps: [{fields: [{family: IPv6, type: 0}]}]
)");
  CHECK(verdict(*m, "a/client", "b/db", "icmpv6:0") == A);
  CHECK(verdict(*m, "a/client", "b/db", "icmpv6:128") == A);
  CHECK(verdict(*m, "a/client", "b/db", "icmpv6:255") == A);
  CHECK(verdict(*m, "a/client", "b/db", "icmp:8") == D);
  CHECK_THAT(explain(*m, "a/client", "b/db", "icmpv6:128").flows.at(0).ingress.reason, Catch::Contains("cilium#41304"));
}

// A Service is L4 ports: ICMP does not reach its backends through it, so the question is refused.
TEST_CASE("ICMP: a query to a Service is refused, naming the port field", "[evaluate][icmp]") {
  auto m = with(R"(
apiVersion: v1
kind: Service
metadata: {name: web, namespace: a}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
)");
  auto r = query(*m, FlowQuery{"b/db", "a/svc/web", "icmp:8", std::nullopt});
  REQUIRE_FALSE(r);
  CHECK(r.errors().at(0).field_path == "port");
  CHECK_THAT(r.errors().at(0).message, Catch::Contains("ICMP is not load-balanced"));
  auto bad = query(*m, FlowQuery{"b/db", "a/web", "icmp:300", std::nullopt});
  REQUIRE_FALSE(bad);
  CHECK(bad.errors().at(0).field_path == "port");
  CHECK_THAT(bad.errors().at(0).message, Catch::Contains("icmp:TYPE or icmpv6:TYPE"));
  auto both = query(*m, FlowQuery{"b/db", "a/web", "icmp:8", Protocol::TCP});
  REQUIRE_FALSE(both);
  CHECK_THAT(both.errors().at(0).message, Catch::Contains("contradicts protocol TCP"));
}

// docs/semantics.md#named-ports, pkg/policy/l4.go :: toMapState; pkg/types/portmap.go.
TEST_CASE("Named ports: ingress on the destination, egress cluster-wide", "[evaluate][named-ports]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-in, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress: [{toPorts: [{ports: [{port: http, protocol: TCP}, {port: pg, protocol: TCP}]}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: client-out, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress: [{toPorts: [{ports: [{port: pg}, {port: dns, protocol: ANY}]}]}]
)");
  CHECK(verdict(*m, "b/other", "a/web", "8080") == A);   // http = 8080 on web
  CHECK(verdict(*m, "b/other", "a/web", "5432") == D);   // pg is not web's port
  CHECK(verdict(*m, "b/other", "a/web", "http") == A);   // a named query port resolves on the destination
  CHECK(verdict(*m, "a/client", "b/db", "5432") == A);   // pg = 5432 cluster-wide
  CHECK(verdict(*m, "a/client", "b/other", "53/UDP") == A);  // dns is UDP only
  CHECK(verdict(*m, "a/client", "b/other", "53/TCP") == D);
}

// docs/semantics.md#deny-wins, pkg/policy/mapstate.go :: insertWithChanges (deny wins).
TEST_CASE("Deny: wins over any allow, from any policy kind", "[evaluate][deny-and-combination]") {
  auto m = with(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: allow-all, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress: [{fromEntities: [all]}]
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: no-client}
spec:
  endpointSelector: {matchLabels: {k8s:io.kubernetes.pod.namespace: b}}
  ingressDeny: [{fromEndpoints: [{matchLabels: {app: client, k8s:io.kubernetes.pod.namespace: a}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: knp-allow, namespace: b}
spec:
  podSelector: {}
  ingress: [{}]
)");
  CHECK(verdict(*m, "a/web", "b/db", "5432") == A);
  CHECK(verdict(*m, "a/client", "b/db", "5432") == D);
  auto r = explain(*m, "a/client", "b/db", "5432");
  REQUIRE(r.flows.at(0).ingress.decisive);
  CHECK(r.flows.at(0).ingress.decisive->policy_name == "no-client");
}

// docs/semantics.md#kubernetes-networkpolicy, pkg/k8s/network_policy.go :: ParseNetworkPolicy,
// parseNetworkPolicyPeer.
TEST_CASE("NetworkPolicy: podSelector scoping, namespaceSelector, empty from, ipBlock", "[evaluate][kubernetes-networkpolicy]") {
  auto m = with(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: b}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: other}}}]
  - from: [{namespaceSelector: {matchLabels: {team: blue}}, podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 5432}]
  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.9.0.0/16]}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-open, namespace: a}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{}]
)");
  CHECK(verdict(*m, "b/other", "b/db", "1") == A);
  CHECK(verdict(*m, "a/web", "b/db", "5432") == A);
  CHECK(verdict(*m, "a/web", "b/db", "5433") == D);
  CHECK(verdict(*m, "a/client", "b/db", "5432") == D);
  CHECK(verdict(*m, "10.3.3.3", "b/db", "1") == A);
  CHECK(verdict(*m, "10.9.3.3", "b/db", "1") == D);
  CHECK(verdict(*m, "world", "a/web", "8080") == A);  // empty `from` in a KNP is the true wildcard
  CHECK(verdict(*m, "b/db", "a/web", "8080") == A);
}

// docs/semantics.md#knp-policytypes, pkg/k8s/network_policy.go :: ParseNetworkPolicy: Cilium enforces the
// rules it finds whatever policyTypes says, and adds deny-all for listed types.
TEST_CASE("NetworkPolicy: policyTypes Egress with no egress rules denies all egress", "[evaluate][knp-policytypes]") {
  auto m = with(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: no-egress, namespace: a}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
)");
  CHECK(verdict(*m, "a/client", "b/db", "5432") == D);
  CHECK(verdict(*m, "b/db", "a/client", "80") == A);
}

// docs/semantics.md#service-backends, bpf/bpf_lxc.c (service lookup before policy_can_egress4): a
// Service port is translated to the backend's targetPort before policy runs.
TEST_CASE("Services: policy sees the backend and its targetPort", "[evaluate][services]") {
  auto m = with(R"(
apiVersion: v1
kind: Service
metadata: {name: web, namespace: a}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: empty, namespace: a}
spec:
  selector: {app: nothing}
  ports: [{port: 80}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-in, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress: [{toPorts: [{ports: [{port: "8080", protocol: TCP}]}]}]
)");
  CHECK(verdict(*m, "b/db", "a/svc/web", "80") == A);
  CHECK(verdict(*m, "b/db", "a/web", "80") == D);  // port 80 on the pod itself is not allowed
  CHECK(verdict(*m, "b/db", "a/svc/empty", "80") == D);  // no backend: fails whatever the policy
}

// docs/semantics.md#hostnetwork-pods, pkg/ipcache/metadata.go :: resolveLabels (node IPs carry host /
// remote-node identity): a hostNetwork pod is host or remote-node; unknown
// without placement.
TEST_CASE("hostNetwork: the verdict depends on node placement", "[evaluate][hostnetwork-pods]") {
  auto m = with(R"(
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: a, labels: {app: agent}}
spec: {hostNetwork: true, containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: lockdown, namespace: b}
spec:
  endpointSelector: {}
  ingress: [{fromEndpoints: [{matchLabels: {app: agent}}]}]
)");
  // From the same node it is the local host (auto-allowed); from another it is
  // remote-node (denied): the input does not say which.
  auto r = explain(*m, "a/agent", "b/db", "5432");
  CHECK(r.verdict == Verdict::Unknown);
  REQUIRE(r.flows.size() == 2);
}

// docs/semantics.md#fqdn-peers, #fqdn-matching, #dns-visibility, pkg/policy/api/fqdn.go;
// pkg/fqdn/matchpattern: toFQDNs allows a name only once Cilium's DNS proxy sees it resolved
// (rules.dns on port 53).
TEST_CASE("toFQDNs: allowed when the name matches and DNS goes through the proxy", "[evaluate][tofqdns-and-dns]") {
  const std::string dns_rule = R"(
  - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: b, app: other}}]
    toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: "*.example.com"}]}}]
)";
  const std::string fqdn_rule = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: out, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toFQDNs: [{matchName: api.example.com}, {matchPattern: "*.cdn.example.com"}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
)";
  auto m = with(fqdn_rule + dns_rule);
  CHECK(verdict(*m, "a/client", "fqdn:api.example.com", "443") == A);
  CHECK(verdict(*m, "a/client", "fqdn:API.Example.com.", "443") == A);
  CHECK(verdict(*m, "a/client", "fqdn:api.example.com", "80") == D);
  CHECK(verdict(*m, "a/client", "fqdn:x.cdn.example.com", "443") == D);  // DNS pattern *.example.com does not cross a dot
  CHECK(verdict(*m, "a/client", "fqdn:example.org", "443") == D);
  CHECK(verdict(*m, "a/client", "b/other", "53/UDP") == A);  // the DNS rule itself
  CHECK(verdict(*m, "a/client", "93.184.216.34", "443") == Verdict::Unknown);  // is that address api.example.com's?

  auto blind = with(fqdn_rule);  // no DNS visibility: the proxy never learns the address
  auto r = explain(*blind, "a/client", "fqdn:api.example.com", "443");
  CHECK(r.verdict == D);
  REQUIRE_FALSE(r.flows.at(0).egress.near_misses.empty());
  CHECK_THAT(r.flows.at(0).egress.near_misses[0].reasons.at(0), Catch::Contains("never learns its addresses"));
}

TEST_CASE("FqdnPeer: matchName and matchPattern", "[fqdn-matching]") {
  FqdnPeer name{"api.example.com", "", {}};
  CHECK(name.matches("API.example.com."));
  CHECK_FALSE(name.matches("x.api.example.com"));
  FqdnPeer star{"", "*.example.com", {}};
  CHECK(star.matches("a.example.com"));
  CHECK(star.matches("a-b_c.example.com"));
  CHECK_FALSE(star.matches("example.com"));
  CHECK_FALSE(star.matches("a.b.example.com"));
  FqdnPeer all{"", "*", {}};
  CHECK(all.matches("anything.at.all"));
  FqdnPeer mid{"", "api-*.example.com", {}};
  CHECK(mid.matches("api-v2.example.com"));
  CHECK(mid.matches("api-.example.com"));
  CHECK_FALSE(mid.matches("api.example.com"));
}
