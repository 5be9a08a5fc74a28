#include <catch2/catch.hpp>

#include "graph/reachability_graph.h"
#include "test_support.h"

using namespace netreach;

namespace {
// a/front -> a/api -> b/db, and front -> db directly; db reaches nobody.
const char* kChain = R"(
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: v1
kind: Pod
metadata: {name: front, namespace: a, labels: {app: front}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: a, labels: {app: api}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: b, labels: {app: db}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: chain}
spec:
  endpointSelector: {}
  ingress:
  - fromEndpoints: [{matchLabels: {app: front}}]
    toPorts: [{ports: [{port: "80", protocol: TCP}]}]
  - fromEndpoints: [{matchLabels: {app: api}}]
    toPorts: [{ports: [{port: "80", protocol: TCP}]}]
  egress:
  - toEndpoints: [{matchLabels: {app: api}}]
  - toEndpoints: [{matchLabels: {app: db}, matchExpressions: [{key: app, operator: In, values: [db]}]}]
)";
}  // namespace

TEST_CASE("Reachability: edges are the flows not denied; multi-hop follows them", "[graph]") {
  auto model = testing::model_from_yaml(kChain);
  auto graph = reachability(*model, GraphQuery{{}, "80", std::nullopt, false});
  REQUIRE(graph);
  CHECK(graph->vertices == std::vector<std::string>{"a/po/api", "a/po/front", "b/po/db"});
  std::vector<std::pair<std::string, std::string>> edges;
  for (const auto& e : graph->edges) edges.emplace_back(e.from, e.to);
  CHECK(edges == std::vector<std::pair<std::string, std::string>>{
                     {"a/po/api", "b/po/db"}, {"a/po/front", "a/po/api"}, {"a/po/front", "b/po/db"}});
  CHECK(reachable_from(*graph, "a/po/front", false) == std::vector<std::string>{"a/po/api", "b/po/db"});
  CHECK(reachable_from(*graph, "b/po/db", false).empty());
  CHECK_THAT(to_dot(*graph), Catch::Contains("digraph"));
}

TEST_CASE("Reachability: namespaces narrow the vertices; unknown namespace is an error", "[graph]") {
  auto model = testing::model_from_yaml(kChain);
  auto only_b = reachability(*model, GraphQuery{{"b"}, "80", std::nullopt, true});
  REQUIRE(only_b);
  CHECK(only_b->vertices == std::vector<std::string>{"b/po/db", "world", "host"});
  CHECK_FALSE(reachability(*model, GraphQuery{{"nope"}, "80", std::nullopt, false}));
  CHECK_FALSE(reachability(*model, GraphQuery{{}, "99999", std::nullopt, false}));
}
