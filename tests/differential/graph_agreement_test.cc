// The whole-cluster graph against the per-flow evaluator: for every pair of
// graph vertices and every probe port, the edge's port sets must say what
// query() says (allowed -> allow, unknown -> unknown, absent -> deny). Run on
// every conformance case and on the differential generator's clusters; the
// brute-force evaluator agrees with query() on the latter (differential_test),
// so all three agree.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "cluster_gen.h"
#include "graph/identity_graph.h"
#include "../unit/test_support.h"

namespace fs = std::filesystem;
using namespace netreach;

namespace {

struct Probe {
  uint16_t port;
  Protocol protocol;
};

// Every port a rule or container names, its neighbours, and a few others.
std::vector<Probe> probe_ports(const Model& model) {
  std::set<uint16_t> numbers{1, 53, 80, 443, 8080, 65535};
  auto add = [&](uint32_t p) {
    if (p >= 1 && p <= 65535) numbers.insert(uint16_t(p));
  };
  for (const auto& policy : model.cluster.policies)
    for (const auto& rule : policy.rules)
      for (const auto* list : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny})
        for (const auto& pr : *list)
          for (const auto& pp : pr.ports) {
            add(pp.port), add(pp.port + 1u), add(pp.port - 1u);
            if (pp.end_port) add(pp.end_port), add(pp.end_port + 1u);
          }
  for (const auto& pod : model.cluster.pods)
    for (const auto& cp : pod.ports) add(cp.port);
  std::vector<Probe> out;
  for (uint16_t n : numbers)
    for (Protocol p : kPortProtocols) out.push_back({n, p});
  // ICMP types (docs/semantics.md#icmp): each type an icmps field names and
  // its neighbours, in both families, and 0, 3, 8 and 128 always.
  std::set<uint16_t> types{0, 3, 8, 128};
  for (const auto& policy : model.cluster.policies)
    for (const auto& rule : policy.rules)
      for (const auto* list : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny})
        for (const auto& pr : *list)
          for (const auto& f : pr.icmps)
            for (int t : {f.type - 1, int(f.type), f.type + 1})
              if (t >= 0 && t <= 255) types.insert(uint16_t(t));
  for (uint16_t t : types)
    for (Protocol p : kIcmpProtocols) out.push_back({t, p});
  return out;
}

// What query() is given for a graph vertex.
std::string query_ref(const ClusterGraph::Vertex& v, const std::map<std::string, std::string>& address_of) {
  if (v.kind == "cidr") return address_of.at(v.id);
  return v.id;
}

Verdict graph_verdict(const ClusterGraph::Edge* e, const Probe& p) {
  if (!e) return Verdict::Deny;
  if (e->ports->allowed.contains(p.protocol, p.port)) return Verdict::Allow;
  if (e->ports->unknown.contains(p.protocol, p.port)) return Verdict::Unknown;
  return Verdict::Deny;
}

struct Agreement {
  size_t compared = 0;
  size_t host_network = 0;   // with a hostNetwork pod at one end
  size_t fqdn = 0;           // to a name
  size_t to_services = 0;    // in a cluster where a toServices rule resolved to a Service with a selector
};

// Compares every (from, to, port).
Agreement require_agreement(const Model& model, const std::string& label) {
  Agreement out;
  // Vertices standing for hostNetwork pods: NS/KIND/NAME with the pod's (or its workload's) name.
  std::set<std::pair<std::string, std::string>> host_network_pods;
  for (const auto& pod : model.cluster.pods)
    if (pod.host_network) host_network_pods.insert({pod.namespace_, pod.name});
  auto is_host_network = [&](const ClusterGraph::Vertex& v) {
    return host_network_pods.count({v.namespace_, v.id.substr(v.id.rfind('/') + 1)}) > 0;
  };
  bool resolved_services = false;
  for (const auto& [peer, resolved] : model.services) resolved_services = resolved_services || !resolved.selectors.empty();
  auto graph = cluster_graph(model, ClusterGraphQuery{});
  REQUIRE(graph);
  // Address blocks are queried through the address that stands for them.
  std::map<std::string, std::string> address_of;
  {
    IdentityGraph g = IdentityGraph::build(model);
    for (const auto& v : g.vertices())
      if (v.kind == PeerVertex::Kind::Address) address_of[v.display] = v.atom.representative.to_string();
  }
  std::map<std::pair<std::string, std::string>, const ClusterGraph::Edge*> edges;
  for (const auto& e : graph->edges) edges[{graph->id(e.from), graph->id(e.to)}] = &e;
  const std::vector<Probe> probes = probe_ports(model);
  size_t compared = 0, mismatches = 0;
  for (const auto& from : graph->vertices) {
    if (from.kind == "fqdn") continue;  // a name sends nothing
    for (const auto& to : graph->vertices) {
      if (from.id == to.id) continue;
      auto is_pod = [](const ClusterGraph::Vertex& v) { return v.kind == "workload" || v.kind == "pod"; };
      if (!is_pod(from) && !is_pod(to)) continue;  // the graph shows edges with a workload at one end
      auto it = edges.find({from.id, to.id});
      const ClusterGraph::Edge* edge = it == edges.end() ? nullptr : it->second;
      for (const Probe& p : probes) {
        FlowQuery q{query_ref(from, address_of), query_ref(to, address_of), flow_port_text(p.port, p.protocol), std::nullopt};
        auto result = query(model, q);
        if (!result) {
          // Destinations query() refuses (a Service-less name, ...) have no
          // edges in the graph either.
          CHECK(graph_verdict(edge, p) == Verdict::Deny);
          continue;
        }
        ++compared;
        bool host_network = is_host_network(from) || is_host_network(to);
        out.host_network += host_network;
        out.fqdn += to.kind == "fqdn";
        out.to_services += resolved_services;
        Verdict expected = result->verdict, got = graph_verdict(edge, p);
        if (expected != got && ++mismatches <= 5) {
          UNSCOPED_INFO(label << ": " << q.from << " -> " << q.to << " " << q.port << ": query says " << to_string(expected)
                              << ", graph says " << to_string(got) << " (edge: "
                              << (edge ? edge->ports->allowed.to_string() + " | unknown " + edge->ports->unknown.to_string() : "none") << ")\n"
                              << render_text(*result));
        }
      }
    }
  }
  CHECK(mismatches == 0);
  out.compared = compared;
  return out;
}

void add(Agreement& total, const Agreement& a) {
  total.compared += a.compared, total.host_network += a.host_network, total.fqdn += a.fqdn;
  total.to_services += a.to_services;
}

std::string summary(const Agreement& a) {
  return fmt::format("{} flows compared: {} with a hostNetwork pod, {} to names, {} in clusters with a resolved toServices",
                     a.compared, a.host_network, a.fqdn, a.to_services);
}

}  // namespace

TEST_CASE("Graph: agrees with query() on every flow of every conformance case", "[graph][agreement]") {
  fs::path root = fs::path(NETREACH_SOURCE_DIR) / "tests" / "conformance";
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_directory()) cases.push_back(entry.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE_FALSE(cases.empty());
  Agreement total;
  for (const auto& dir : cases) {
    std::vector<std::string> manifests;
    for (const auto& entry : fs::directory_iterator(dir)) {
      auto name = entry.path().filename().string();
      if (entry.is_regular_file() && (name.ends_with(".yaml") || name.ends_with(".yml")) && name != "expectations.yaml")
        manifests.push_back(entry.path().string());
    }
    std::sort(manifests.begin(), manifests.end());
    auto outcome = load(manifests, Options{});
    REQUIRE(outcome.model);
    add(total, require_agreement(*outcome.model, dir.filename().string()));
  }
  WARN("graph agreement, conformance cases: " << summary(total));
  CHECK(total.compared > 10000);
}

TEST_CASE("Graph: agrees with query() on the differential generator's clusters", "[graph][agreement]") {
  Agreement total;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    auto gen = differential::generate_cluster(seed);
    auto built = testing::build_from_yaml(gen.yaml());
    if (!built.model) continue;
    add(total, require_agreement(*built.model, fmt::format("seed {}", seed)));
  }
  WARN("graph agreement, generated clusters: " << summary(total));
  CHECK(total.compared > 10000);
  // Not vacuous: hostNetwork pods, names and toServices were among the compared flows.
  CHECK(total.host_network > 1000);
  CHECK(total.fqdn > 1000);
  CHECK(total.to_services > 1000);
}

// A hostNetwork pod without spec.nodeName to a
// pod that admits remote-node on 80/TCP only. On the same node it is `host` (allowed on every port by
// allow-localhost), on another node `remote-node` (80/TCP only): 80/TCP is allowed either way, so
// query() allows it, and only the other ports are unknown (docs/semantics.md#hostnetwork-pods).
// The graph decides per port (engine/graph/cluster_graph.cc Projection::pair).
TEST_CASE("Graph: a hostNetwork pod of unknown placement keeps the ports both placements agree on",
          "[graph][agreement]") {
  auto model = testing::model_from_yaml(R"(
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Pod
metadata: {name: h, namespace: a}
spec: {hostNetwork: true, containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: w, namespace: a, labels: {app: w}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: w, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: w}}
  ingress:
    - fromEntities: [remote-node]
      toPorts: [{ports: [{port: "80", protocol: TCP}]}]
)");
  REQUIRE(model);
  auto allowed = query(*model, FlowQuery{"a/h", "a/w", "80/TCP", std::nullopt});
  auto other = query(*model, FlowQuery{"a/h", "a/w", "81/TCP", std::nullopt});
  REQUIRE(allowed);
  REQUIRE(other);
  CHECK(allowed->verdict == Verdict::Allow);
  CHECK(other->verdict == Verdict::Unknown);
  auto graph = cluster_graph(*model, ClusterGraphQuery{});
  REQUIRE(graph);
  const ClusterGraph::Edge* edge = nullptr;
  for (const auto& e : graph->edges)
    if (graph->id(e.from) == "a/po/h" && graph->id(e.to) == "a/po/w") edge = &e;
  REQUIRE(edge);
  CHECK(graph_verdict(edge, Probe{80, Protocol::TCP}) == Verdict::Allow);
  CHECK(graph_verdict(edge, Probe{81, Protocol::TCP}) == Verdict::Unknown);
}
