// explain_endpoint(): the rules selecting an endpoint and its effective
// policy per direction.
#include <catch2/catch.hpp>

#include "netreach.h"
#include "test_support.h"

using namespace netreach;

namespace {

const char* kCluster = R"(
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: b, labels: {app: db}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: net, namespace: b, labels: {app: net}}
spec: {hostNetwork: true, containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: b}}]
    toPorts: [{ports: [{port: http}]}]
  - fromEntities: [world]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: no-net}
spec:
  endpointSelector: {}
  ingressDeny:
  - fromEndpoints: [{matchLabels: {app: db}}]
    toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
)";

}  // namespace

TEST_CASE("Explain: a workload's selecting rules and its table, deny rows first, what denies take noted", "[explain]") {
  auto model = testing::model_from_yaml(kCluster);
  auto result = explain_endpoint(*model, "a/web");
  REQUIRE(result);
  REQUIRE(result->size() == 1);
  const EndpointPolicy& p = result->front();
  CHECK(p.endpoint == "a/web");
  CHECK_THAT(p.identity, Catch::Contains("k8s:app=web"));
  CHECK(p.ingress.enforcement == Enforcement::DefaultDeny);
  REQUIRE(p.ingress.selecting.size() == 2);
  REQUIRE(p.ingress.entries.size() == 3);
  // The deny row of the CCNP, then the allow rows of the CNP, one per peer.
  CHECK(p.ingress.entries[0].deny);
  CHECK(p.ingress.entries[0].peer == "b/db");
  CHECK(p.ingress.entries[0].ports == "TCP 8080");
  CHECK(p.ingress.entries[0].rule.path == "spec.ingressDeny[0]");
  CHECK(!p.ingress.entries[1].deny);
  CHECK(p.ingress.entries[1].peer == "b/db");
  CHECK(p.ingress.entries[1].ports == "http/ANY (= 8080)");
  REQUIRE(p.ingress.entries[1].notes.size() == 0);  // named port: what the deny takes is not computed on numbers
  CHECK(p.ingress.entries[2].peer == "world");
  CHECK(p.ingress.entries[2].ports == "TCP 443");
  CHECK(p.ingress.entries[2].selector == "fromEntities world");
  CHECK_THAT(p.ingress.otherwise, Catch::StartsWith("denied (default deny)"));
  // No egress rule selects it.
  CHECK(p.egress.enforcement == Enforcement::NotSelected);
  CHECK(p.egress.entries.empty());
  CHECK_THAT(p.egress.otherwise, Catch::StartsWith("allowed"));
}

TEST_CASE("Explain: a numeric allow a deny covers is noted; a pod no rule selects is not enforced", "[explain]") {
  auto model = testing::model_from_yaml(std::string(kCluster) + R"(---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-numeric, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: b}}]
    toPorts: [{ports: [{port: "8000", endPort: 9000, protocol: TCP}]}]
)");
  auto result = explain_endpoint(*model, "a/deploy/web");
  REQUIRE(result);
  const auto& entries = result->front().ingress.entries;
  auto it = std::find_if(entries.begin(), entries.end(), [](const PolicyEntry& e) { return e.ports == "TCP 8000-9000"; });
  REQUIRE(it != entries.end());
  REQUIRE(it->notes.size() == 1);
  CHECK_THAT(it->notes[0], Catch::StartsWith("TCP 8080 denied by CCNP no-net spec.ingressDeny[0]"));

  auto db = explain_endpoint(*model, "b/db");
  REQUIRE(db);
  // The CCNP selects db (ingressDeny only): enforcing, deny rules only... and default deny for ingressDeny rules.
  CHECK(db->front().egress.enforcement == Enforcement::NotSelected);
}

TEST_CASE("Explain: Services, entities, hostNetwork pods and unknown names are errors", "[explain]") {
  auto model = testing::model_from_yaml(kCluster);
  CHECK_FALSE(explain_endpoint(*model, "world"));
  CHECK_FALSE(explain_endpoint(*model, "b/net"));
  auto missing = explain_endpoint(*model, "a/wbe");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.errors()[0].message, Catch::Contains("wbe"));
}

// docs/semantics.md#icmp: an icmps row lists its types per family (type 0 said to be every type, as Cilium's
// port 0: pkg/policy/l4.go, issue cilium#41304); what a deny with icmps takes of an allow is noted.
TEST_CASE("Explain: icmps rows name their types, and what a deny takes of them", "[explain][icmp]") {
  auto model = testing::model_from_yaml(std::string(kCluster) + R"(---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db-ping, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: a}}]
    icmps: [{fields: [{type: EchoRequest}, {family: IPv6, type: 0}]}]
  ingressDeny:
  - fromEntities: [all]
    icmps: [{fields: [{type: 8}]}]
)");
  auto result = explain_endpoint(*model, "b/db");
  REQUIRE(result);
  const auto& entries = result->front().ingress.entries;
  auto it = std::find_if(entries.begin(), entries.end(), [](const PolicyEntry& e) { return !e.deny && e.peer == "a/web"; });
  REQUIRE(it != entries.end());
  CHECK(it->ports == "ICMP type 8; ICMPv6 type 0 (to Cilium every type: issue cilium#41304)");
  REQUIRE(it->notes.size() == 1);
  CHECK_THAT(it->notes[0], Catch::StartsWith("ICMP 8 denied by CNP b/db-ping spec.ingressDeny[0]"));
  auto deny = std::find_if(entries.begin(), entries.end(), [](const PolicyEntry& e) { return e.deny; });
  REQUIRE(deny != entries.end());
  CHECK(deny->ports == "ICMP type 8");
}
