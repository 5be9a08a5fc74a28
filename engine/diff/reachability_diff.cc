// diff_reachability(): two whole-cluster graphs compared edge by edge, and
// each changed edge tied to the objects that changed at its ends.
//
// Attribution follows how a verdict is made (docs/semantics.md#both-sides):
// the sender's egress comes from the rules selecting the sender, the
// receiver's ingress from those selecting the receiver. A changed policy that
// selects neither end in either input cannot have changed the edge; one that
// selects an end is named, on the side where it exists.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "graph/cluster_graph.h"
#include "model/diff_types.h"
#include "query/endpoint_ref.h"
#include "resolve/model.h"

namespace netreach {
namespace {

std::string labels_text(const LabelMap& labels) {
  std::vector<std::string> items;
  for (const auto& [k, v] : labels) items.push_back(k + "=" + v);
  return items.empty() ? "none" : fmt::format("{}", fmt::join(items, ","));
}

std::string ns_name(const std::string& ns, const std::string& name) { return ns.empty() ? name : ns + "/" + name; }

// The content of a pod that decides its identity and named ports.
std::string pod_shape(const Pod& pod) {
  std::string out = labels_text(pod.labels) + "|sa=" + pod.service_account + (pod.host_network ? "|hostNetwork" : "");
  for (const auto& cp : pod.ports) out += fmt::format("|{}:{}/{}", cp.name, cp.port, to_string(cp.protocol));
  return out + "|node=" + pod.node_name;
}

// Keyed objects of one input, for comparison.
struct Inventory {
  struct Entry {
    std::string kind, ns, name, content, where, labels;
  };
  std::map<std::tuple<std::string, std::string, std::string>, Entry> objects;

  explicit Inventory(const Model& m) {
    const Cluster& c = m.cluster;
    for (const auto& p : c.policies)
      add(std::string(to_string(p.kind)), p.namespace_, p.name, fmt::format("{}", p.content_hash), p.pos.to_string(), "");
    for (const auto& ns : c.namespaces)
      if (ns.declared) add("Namespace", "", ns.name, labels_text(ns.labels), ns.pos.to_string(), labels_text(ns.labels));
    std::map<uint32_t, std::string> workload_pods;
    for (const auto& pod : c.pods) {
      if (pod.workload) {
        workload_pods[*pod.workload] += pod_shape(pod) + ";";
        continue;
      }
      add("Pod", pod.namespace_, pod.name, pod_shape(pod), pod.pos.to_string(), labels_text(pod.labels));
    }
    for (uint32_t w = 0; w < c.workloads.size(); ++w) {
      const Workload& wl = c.workloads[w];
      std::string labels;
      for (const auto& pod : c.pods)
        if (pod.workload == w && pod.from_template) labels = labels_text(pod.labels);
      add(wl.kind, wl.namespace_, wl.name, workload_pods[w], wl.pos.to_string(), labels);
    }
  }
  void add(std::string kind, std::string ns, std::string name, std::string content, std::string where, std::string labels) {
    auto key = std::make_tuple(kind, ns, name);
    objects.emplace(key, Entry{std::move(kind), std::move(ns), std::move(name), std::move(content), std::move(where), std::move(labels)});
  }
};

bool is_policy_kind(const std::string& kind) {
  return kind == to_string(PolicyKind::CiliumNetworkPolicy) || kind == to_string(PolicyKind::CiliumClusterwideNetworkPolicy) ||
         kind == to_string(PolicyKind::NetworkPolicy);
}

// The identities behind a graph vertex id in one model (its pods', or a
// reserved identity's); none for address blocks and names.
std::vector<IdentityId> identities_of(const Model& m, const std::string& vertex) {
  std::vector<IdentityId> out;
  auto ref = resolve_endpoint(m, vertex);
  if (!ref) return out;
  for (const auto& inst : ref->instances) {
    if (inst.kind == EndpointInstance::Kind::Pod && !inst.pod->host_network)
      out.push_back(m.pod_identity[size_t(inst.pod - m.cluster.pods.data())]);
    else if (inst.kind == EndpointInstance::Kind::Reserved)
      out.push_back(m.identities.reserved(*inst.reserved));
  }
  return out;
}

// Keys (kind, namespace, name) of the policies selecting the vertex with
// rules in direction d.
std::set<std::tuple<std::string, std::string, std::string>> policies_selecting(const Model& m, const std::string& vertex, Direction d) {
  std::set<std::tuple<std::string, std::string, std::string>> out;
  for (IdentityId id : identities_of(m, vertex))
    for (RuleHandle h : m.rules_selecting[id])
      if (m.rule(h).has_rules(d)) {
        const Policy& p = m.policy(h);
        out.emplace(std::string(to_string(p.kind)), p.namespace_, p.name);
      }
  return out;
}

std::string vertex_namespace(const std::string& id) {
  auto slash = id.find('/');
  return slash == std::string::npos ? "" : id.substr(0, slash);
}

bool is_world_vertex(const ClusterGraph& g, const std::string& id) {
  auto it = std::lower_bound(g.vertices.begin(), g.vertices.end(), id, [](const ClusterGraph::Vertex& v, const std::string& i) { return v.id < i; });
  if (it == g.vertices.end() || it->id != id) return false;
  return it->kind == "cidr" || it->kind == "fqdn" || id == "world";
}

}  // namespace

std::string_view to_string(ObjectChange::Change change) {
  switch (change) {
    case ObjectChange::Change::Added: return "added";
    case ObjectChange::Change::Removed: return "removed";
    case ObjectChange::Change::Modified: return "modified";
  }
  return "?";
}

std::string ObjectChange::display() const { return fmt::format("{} {}", kind, ns_name(namespace_, name)); }

size_t ReachabilityDiff::opened() const {
  return size_t(std::count_if(flows.begin(), flows.end(), [](const FlowChange& f) { return !f.opened.empty(); }));
}
size_t ReachabilityDiff::closed() const {
  return size_t(std::count_if(flows.begin(), flows.end(), [](const FlowChange& f) { return !f.closed.empty(); }));
}
size_t ReachabilityDiff::changed() const {
  return size_t(std::count_if(flows.begin(), flows.end(), [](const FlowChange& f) { return f.opened.empty() && f.closed.empty(); }));
}

ReachabilityDiff diff_reachability(const Model& before, const Model& after, const ClusterGraphQuery& query) {
  ReachabilityDiff out;
  auto gb = cluster_graph(before, query);
  auto ga = cluster_graph(after, query);
  // A namespace filter that one side lacks leaves that side empty.
  ClusterGraph empty;
  const ClusterGraph& b = gb ? *gb : empty;
  const ClusterGraph& a = ga ? *ga : empty;

  // Objects that changed.
  Inventory ib(before), ia(after);
  std::map<std::tuple<std::string, std::string, std::string>, size_t> change_of;
  auto record = [&](ObjectChange::Change kind, const Inventory::Entry& e, const Inventory::Entry* old) {
    ObjectChange c{kind, e.kind, e.ns, e.name, e.where, ""};
    if (old && !is_policy_kind(e.kind) && old->labels != e.labels) c.what = fmt::format("labels {} -> {}", old->labels, e.labels);
    out.objects.push_back(std::move(c));
  };
  for (const auto& [key, e] : ia.objects) {
    auto old = ib.objects.find(key);
    if (old == ib.objects.end()) record(ObjectChange::Change::Added, e, nullptr);
    else if (old->second.content != e.content) record(ObjectChange::Change::Modified, e, &old->second);
  }
  for (const auto& [key, e] : ib.objects)
    if (!ia.objects.count(key)) record(ObjectChange::Change::Removed, e, nullptr);
  std::sort(out.objects.begin(), out.objects.end(), [](const ObjectChange& x, const ObjectChange& y) {
    return std::tie(x.kind, x.namespace_, x.name) < std::tie(y.kind, y.namespace_, y.name);
  });
  for (size_t i = 0; i < out.objects.size(); ++i)
    change_of[{out.objects[i].kind, out.objects[i].namespace_, out.objects[i].name}] = i;

  // Edges that changed.
  // Both edge lists are sorted by (from, to): one merge walks them.
  // (The two graphs number their vertices apart: compare ids.)
  auto key = [](const ClusterGraph& g, const ClusterGraph::Edge& e) {
    return std::pair<std::string_view, std::string_view>{g.id(e.from), g.id(e.to)};
  };
  for (size_t i = 0, j = 0; i < b.edges.size() || j < a.edges.size();) {
    const ClusterGraph::Edge* before_edge = nullptr;
    const ClusterGraph::Edge* after_edge = nullptr;
    if (j == a.edges.size() || (i < b.edges.size() && key(b, b.edges[i]) < key(a, a.edges[j]))) before_edge = &b.edges[i++];
    else if (i == b.edges.size() || key(a, a.edges[j]) < key(b, b.edges[i])) after_edge = &a.edges[j++];
    else before_edge = &b.edges[i++], after_edge = &a.edges[j++];
    FlowChange f;
    const auto [from, to] = before_edge ? key(b, *before_edge) : key(a, *after_edge);
    f.from = std::string(from), f.to = std::string(to);
    if (before_edge) f.allowed_before = before_edge->ports->allowed, f.unknown_before = before_edge->ports->unknown;
    if (after_edge) f.allowed_after = after_edge->ports->allowed, f.unknown_after = after_edge->ports->unknown;
    f.opened = f.allowed_after - f.allowed_before;
    f.closed = f.allowed_before - f.allowed_after;
    if (f.opened.empty() && f.closed.empty() && f.unknown_before == f.unknown_after) continue;
    f.from_world = is_world_vertex(b, f.from) || is_world_vertex(a, f.from);
    f.to_world = is_world_vertex(b, f.to) || is_world_vertex(a, f.to);
    std::string nf = vertex_namespace(f.from), nt = vertex_namespace(f.to);
    f.cross_namespace = !nf.empty() && !nt.empty() && nf != nt;

    // Causes: changed policies selecting an end (in either input), changed
    // workloads, pods and namespaces at an end.
    std::set<size_t> causes;
    for (const Model* m : {&before, &after}) {
      for (const auto& [vertex, d] : {std::pair{f.from, Direction::Egress}, std::pair{f.to, Direction::Ingress}})
        for (const auto& k : policies_selecting(*m, vertex, d))
          if (auto it = change_of.find(k); it != change_of.end()) causes.insert(it->second);
    }
    for (const auto& vertex : {f.from, f.to}) {
      for (size_t i = 0; i < out.objects.size(); ++i) {
        const ObjectChange& c = out.objects[i];
        if (is_policy_kind(c.kind)) continue;
        if (c.kind == "Namespace" && c.name == vertex_namespace(vertex)) causes.insert(i);
        else if (!c.namespace_.empty() && vertex == fmt::format("{}/{}/{}", c.namespace_, c.kind == "Pod" ? "po" : short_kind_name(c.kind), c.name))
          causes.insert(i);
      }
    }
    f.causes.assign(causes.begin(), causes.end());
    out.flows.push_back(std::move(f));
  }
  return out;
}

}  // namespace netreach
