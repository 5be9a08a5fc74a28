// cluster_graph(): the graph's vertices for pods whose controller is not in
// the input (a `kubectl get pods -A -o yaml` dump): folded into the controller
// their ownerReferences name, inferred as Hubble infers workloads (Cilium's
// pkg/k8s/utils/workload.go :: GetWorkloadMetaFromPod), and queryable by that
// vertex id.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "netreach.h"
#include "test_support.h"

using namespace netreach;
using netreach::testing::model_from_yaml;

namespace {

std::string pod(const std::string& name, const std::string& labels, const std::string& owner_kind, const std::string& owner_name) {
  return "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  namespace: a\n  labels: {" + labels +
         "}\n  ownerReferences: [{apiVersion: apps/v1, kind: " + owner_kind + ", name: " + owner_name +
         ", uid: u, controller: true}]\nspec: {containers: [{name: c, image: x}]}\n";
}

std::vector<std::string> vertex_ids(const ClusterGraph& g) {
  std::vector<std::string> out;
  for (const auto& v : g.vertices)
    if (v.kind == "workload" || v.kind == "pod") out.push_back(v.id);
  return out;
}

}  // namespace

TEST_CASE("cluster_graph: pods of a dump fold into the controller their ownerReferences name", "[graph]") {
  auto m = model_from_yaml("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n" +
                           // Two replicas of a Deployment's ReplicaSet: the hash suffix is the pod-template-hash.
                           pod("web-5d4f8b9c7-x1", "app: web, pod-template-hash: 5d4f8b9c7", "ReplicaSet", "web-5d4f8b9c7") +
                           pod("web-5d4f8b9c7-x2", "app: web, pod-template-hash: 5d4f8b9c7", "ReplicaSet", "web-5d4f8b9c7") +
                           // A ReplicaSet of its own (no pod-template-hash), a StatefulSet, a CronJob's Job, a plain Job.
                           pod("solo-abcde", "app: solo", "ReplicaSet", "solo") + pod("db-0", "app: db", "StatefulSet", "db") +
                           pod("backup-28291234-q", "app: backup", "Job", "backup-28291234") +
                           pod("migrate-q", "app: migrate", "Job", "migrate") +
                           "---\napiVersion: v1\nkind: Pod\nmetadata: {name: lonely, namespace: a, labels: {app: l}}\n"
                           "spec: {containers: [{name: c, image: x}]}\n");
  auto g = cluster_graph(*m, ClusterGraphQuery{{}, false});
  REQUIRE(g);
  CHECK(vertex_ids(*g) == std::vector<std::string>{"a/cj/backup", "a/deploy/web", "a/job/migrate", "a/po/lonely", "a/rs/solo",
                                                    "a/sts/db"});
  // The default allows everything: every pair is an edge, between workloads.
  CHECK(std::any_of(g->edges.begin(), g->edges.end(), [&](const auto& e) { return g->id(e.from) == "a/deploy/web" && g->id(e.to) == "a/sts/db"; }));

  // The vertex ids are endpoints too.
  for (const char* ref : {"a/deploy/web", "a/cj/backup", "a/sts/db", "a/web"}) {
    INFO(ref);
    auto r = query(*m, FlowQuery{ref, "a/po/lonely", "80", std::nullopt});
    REQUIRE(r);
    CHECK(r->verdict == Verdict::Allow);
  }
  auto focus = find_graph_vertex(*m, *g, "a/web");
  REQUIRE(focus);
  CHECK(*focus == "a/deploy/web");
}

TEST_CASE("cluster_graph: every vertex names an endpoint query() judges as the graph does", "[graph]") {
  auto m = model_from_yaml(R"(---
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: out, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]
    toPorts: [{ports: [{port: "443"}]}]
)");
  auto g = cluster_graph(*m, ClusterGraphQuery{{}, true});
  REQUIRE(g);
  size_t blocks = 0;
  for (const auto& v : g->vertices) {
    if (v.kind != "cidr") {
      CHECK(v.endpoint == v.id);
      continue;
    }
    ++blocks;
    INFO(v.id << " as " << v.endpoint);
    CHECK(v.endpoint != v.id);  // an address, not the block's words
    auto r = query(*m, FlowQuery{"a/po/web", v.endpoint, "443", std::nullopt});
    REQUIRE(r);
    bool edge = std::any_of(g->edges.begin(), g->edges.end(),
                            [&](const auto& e) { return g->id(e.from) == "a/po/web" && g->id(e.to) == v.id && e.ports->allowed.contains(Protocol::TCP, 443); });
    CHECK(edge == (r->verdict == Verdict::Allow));
    CHECK(edge == (v.id == "10.0.0.0/8 except 10.1.0.0/16"));
  }
  CHECK(blocks >= 2);  // the allowed block, the except, and the rest of world
}
