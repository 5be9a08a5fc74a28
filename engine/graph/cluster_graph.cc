// cluster_graph(): the IdentityGraph shown per workload.
//
// A workload's pods may carry several identities or port shapes; an edge
// between two workloads holds what every pair of their pods allows, and
// what only some pairs allow is unknown (as query() answers when the flows of
// one question disagree). hostNetwork pods carry their node's identity: `host`
// to pods on their node and `remote-node` to the others (docs/semantics.md#hostnetwork-pods);
// when placement is not known and decides, the ports are unknown.
#include <algorithm>
#include <type_traits>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "graph/cluster_graph.h"
#include "graph/identity_graph.h"
#include "model/graph_types.h"
#include "query/endpoint_ref.h"

namespace netreach {
namespace {

// The pods (or the reserved/external vertex) standing behind an output
// vertex, grouped by what the identity graph tells apart: pods with the same
// identity and port shape are one group (on whichever nodes they run),
// hostNetwork pods another. Only next to a hostNetwork pod does a pod's node
// matter, so a group keeps its nodes as a set rather than a member per pod.
struct Group {
  VertexId vertex = 0;  // its identity vertex (unused for hostNetwork pods)
  Target target;        // as a destination
  bool host_network = false;
  bool is_pod = false;
  std::vector<uint32_t> nodes;  // interned spec.nodeName of its pods, sorted, each once
  bool unknown_node = false;    // one of its pods has no spec.nodeName
};

// Do two sorted lists share an element?
bool intersects(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) return true;
    a[i] < b[j] ? ++i : ++j;
  }
  return false;
}

// Folds the edges of several pod pairs into one workload edge.
struct Fold {
  bool first = true;
  PortSet allowed, any;
  std::string fact;
  void add(const EdgePorts& e) {
    PortSet reach = e.allowed | e.unknown;
    if (first) allowed = e.allowed, any = reach, first = false;
    else allowed &= e.allowed, any |= reach;
    if (fact.empty()) fact = e.unknown_fact;
  }
};

class Projection {
 public:
  Projection(const Model& m, const IdentityGraph& g) : m_(m), g_(g) {
    host_ = m.identities.reserved(ReservedIdentity::Host);
    remote_ = m.identities.reserved(ReservedIdentity::RemoteNode);
  }

  // What the pods of group a may send to those of group b, as keys: the
  // identity edge (an index into edge_ports()) if a pair is on the same node
  // and the one if it is not, the same index twice when placement is known
  // or does not matter. Appends each key the pairs give, once, in the order
  // same node, other node, unknown placement. Equal keys are equal values,
  // so a caller folds each key once.
  void pair_keys(const Group& a, const Group& b, std::vector<uint64_t>& out) const {
    auto key = [](uint32_t same, uint32_t other) { return (uint64_t(same) << 32) | other; };
    auto add = [&](uint64_t k) {
      if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
    };
    if (!a.host_network && !b.host_network) {
      const uint32_t i = g_.edge_index(a.vertex, b.target);
      return add(key(i, i));
    }
    auto as_placed = [&](bool same_node) {
      VertexId from = a.host_network ? (same_node ? host_ : remote_) : a.vertex;
      Target to = b.host_network ? Target{same_node ? host_ : remote_, 0} : b.target;
      return g_.edge_index(from, to);
    };
    // Placement matters between two pods only (query.cc :: known_placement).
    if (!a.is_pod || !b.is_pod) {
      const uint32_t other = as_placed(false);
      return add(key(other, other));
    }
    // Pairs whose nodes are both known: on one node, when the groups share
    // a node; on two, unless each group runs on the same single node.
    const bool same = intersects(a.nodes, b.nodes);
    const bool apart = !a.nodes.empty() && !b.nodes.empty() &&
                       !(a.nodes.size() == 1 && b.nodes.size() == 1 && a.nodes[0] == b.nodes[0]);
    const uint32_t on_same = same || a.unknown_node || b.unknown_node ? as_placed(true) : 0;
    const uint32_t on_other = apart || a.unknown_node || b.unknown_node ? as_placed(false) : 0;
    if (same) add(key(on_same, on_same));
    if (apart) add(key(on_other, on_other));
    if (a.unknown_node || b.unknown_node) add(key(on_same, on_other));
  }

  // The value of a pair_key().
  EdgePorts value(uint64_t key) const {
    const EdgePorts& same = g_.edge_ports()[key >> 32];
    const EdgePorts& other = g_.edge_ports()[key & 0xffffffffu];
    if (&same == &other) return same;
    // Per port: what both placements allow is allowed (query() gives the
    // common verdict too), what only one may allow is unknown.
    EdgePorts out;
    out.allowed = same.allowed & other.allowed;
    out.unknown = (same.allowed | same.unknown | other.allowed | other.unknown) - out.allowed;
    if (out.unknown.empty()) return out;
    out.unknown_fact = "whether the two run on the same node (a hostNetwork pod is `host` to pods on its node and "
                       "`remote-node` to the others; set spec.nodeName to decide)";
    return out;
  }

  // The identity vertices a group may send from (for candidate search).
  void source_vertices(const Group& a, std::vector<VertexId>& out) const {
    if (a.host_network) out.push_back(host_), out.push_back(remote_);
    else out.push_back(a.vertex);
  }

 private:
  const Model& m_;
  const IdentityGraph& g_;
  VertexId host_ = 0, remote_ = 0;
};

// An edge's output value; an unknown part always names its fact.
ClusterGraph::Ports to_ports(PortSet allowed, PortSet unknown, std::string fact) {
  if (!unknown.empty() && fact.empty()) fact = "the pods behind one end disagree (their identities or named ports differ)";
  ClusterGraph::Ports p;
  p.allowed = std::move(allowed), p.unknown = std::move(unknown), p.unknown_fact = std::move(fact);
  return p;
}

// The graph's distinct port sets, each kept once.
class PortsTable {
 public:
  explicit PortsTable(std::deque<ClusterGraph::Ports>& into) : into_(into) {}
  const ClusterGraph::Ports* intern(ClusterGraph::Ports p) {
    const size_t h = (p.allowed.hash() * 31 + p.unknown.hash()) * 31 + std::hash<std::string>{}(p.unknown_fact);
    auto& bucket = by_hash_[h];
    for (const ClusterGraph::Ports* known : bucket)
      if (*known == p) return known;
    into_.push_back(std::move(p));
    bucket.push_back(&into_.back());
    return bucket.back();
  }

 private:
  std::deque<ClusterGraph::Ports>& into_;
  std::unordered_map<size_t, std::vector<const ClusterGraph::Ports*>> by_hash_;
};

// A pod's output vertex: its workload in the input, else the controller its
// ownerReferences name (Pod::owner_kind), else the pod itself.
std::pair<std::string, const char*> vertex_of(const Cluster& cluster, const Pod& pod) {
  if (pod.workload) {
    const Workload& w = cluster.workloads[*pod.workload];
    return {fmt::format("{}/{}/{}", pod.namespace_, short_kind_name(w.kind), w.name), "workload"};
  }
  if (!pod.owner_kind.empty()) return {fmt::format("{}/{}/{}", pod.namespace_, short_kind_name(pod.owner_kind), pod.owner_name), "workload"};
  return {fmt::format("{}/po/{}", pod.namespace_, pod.name), "pod"};
}

}  // namespace

Result<ClusterGraph> cluster_graph(const Model& model, const ClusterGraphQuery& query) {
  const Cluster& cluster = model.cluster;
  for (const auto& ns : query.namespaces)
    if (!cluster.find_namespace(ns))
      return Diagnostic::error(SourcePos{}, "namespace", fmt::format("no namespace {} in the input", ns));
  auto wanted = [&](const std::string& ns) {
    return query.namespaces.empty() || std::find(query.namespaces.begin(), query.namespaces.end(), ns) != query.namespaces.end();
  };

  const IdentityGraph g = IdentityGraph::build(model);
  Projection projection(model, g);

  // Output vertices and the groups behind each.
  ClusterGraph out;
  std::vector<std::vector<Group>> members;
  std::map<std::string, size_t> index;  // id -> output vertex
  auto vertex = [&](std::string id, std::string kind, std::string ns, std::string endpoint = "") -> size_t {
    auto [it, inserted] = index.emplace(id, out.vertices.size());
    if (inserted) {
      if (endpoint.empty()) endpoint = id;
      out.vertices.push_back({std::move(id), std::move(kind), std::move(ns), std::move(endpoint)});
      members.emplace_back();
    }
    return it->second;
  };
  std::unordered_map<std::string_view, uint32_t> node_ids;
  for (size_t i = 0; i < cluster.pods.size(); ++i) {
    const Pod& pod = cluster.pods[i];
    if (!wanted(pod.namespace_)) continue;
    auto [id, kind] = vertex_of(cluster, pod);
    size_t v = vertex(std::move(id), kind, pod.namespace_);
    const Target target = pod.host_network ? Target{} : g.target_of(model, i);
    auto& list = members[v];
    auto group = std::find_if(list.begin(), list.end(), [&](const Group& m) {
      return m.host_network == pod.host_network && m.target == target;
    });
    if (group == list.end()) {
      Group mem;
      mem.is_pod = true;
      mem.host_network = pod.host_network;
      mem.target = target;
      mem.vertex = target.vertex;
      group = list.insert(list.end(), std::move(mem));
    }
    if (pod.node_name.empty()) group->unknown_node = true;
    else group->nodes.push_back(node_ids.try_emplace(pod.node_name, uint32_t(node_ids.size())).first->second);
  }
  for (auto& list : members)
    for (Group& group : list) {
      std::sort(group.nodes.begin(), group.nodes.end());
      group.nodes.erase(std::unique(group.nodes.begin(), group.nodes.end()), group.nodes.end());
    }
  if (query.external) {
    for (VertexId v = 0; v < g.vertices().size(); ++v) {
      const PeerVertex& pv = g.vertices()[v];
      if (!g.is_vertex(v)) continue;
      const bool reserved = pv.kind == PeerVertex::Kind::Identity && model.identities[pv.identity].kind == IdentityKind::Reserved;
      if (pv.kind == PeerVertex::Kind::Identity && !reserved) continue;
      const char* kind = pv.kind == PeerVertex::Kind::Address ? "cidr" : pv.kind == PeerVertex::Kind::Fqdn ? "fqdn" : "entity";
      Group mem;
      mem.vertex = v;
      mem.target = Target{v, 0};
      std::string endpoint = pv.kind == PeerVertex::Kind::Address ? pv.atom.representative.to_string() : pv.display;
      members[vertex(pv.display, kind, "", std::move(endpoint))].push_back(mem);
    }
  }

  // Sorted output: vertices by id, edges by (from, to).
  std::vector<size_t> order(out.vertices.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return out.vertices[a].id < out.vertices[b].id; });

  // Which output vertices stand behind each target class (each once).
  std::vector<std::vector<uint32_t>> behind(g.target_class_count());
  auto stands_behind = [&](Target t, size_t v) {
    const auto tc = g.target_class(t);
    if (tc == IdentityGraph::kNoTargetClass) return;
    auto& list = behind[tc];
    if (list.empty() || list.back() != v) list.push_back(uint32_t(v));
  };
  const VertexId host = model.identities.reserved(ReservedIdentity::Host);
  const VertexId remote = model.identities.reserved(ReservedIdentity::RemoteNode);
  // Vertices with a member whose ingress enforces nothing: every
  // unrestricted sender reaches them, and the graph does not list those
  // edges (IdentityGraph::out_edges).
  std::vector<size_t> open_to_all;
  for (size_t v = 0; v < members.size(); ++v) {
    bool open = false;
    for (const Group& mem : members[v]) {
      if (mem.host_network) {
        stands_behind(Target{host, 0}, v);
        stands_behind(Target{remote, 0}, v);
        open = open || g.unrestricted_receiver(Target{host, 0}) || g.unrestricted_receiver(Target{remote, 0});
      } else {
        stands_behind(mem.target, v);
        open = open || g.unrestricted_receiver(mem.target);
      }
    }
    if (open) open_to_all.push_back(v);
  }
  // A vertex whose pods all carry one identity and port shape, outside the
  // host network (on whatever nodes: placement matters only next to a
  // hostNetwork pod): between two of these the workload edge is the
  // identity edge, known as soon as the candidate is found.
  std::vector<char> single(members.size());
  for (size_t v = 0; v < members.size(); ++v) single[v] = members[v].size() == 1 && !members[v][0].host_network;

  // Edges between two entities, address blocks or names say nothing about
  // the cluster's policy (at most an ingress or health endpoint's default):
  // only edges with a workload or pod at one end are shown.
  std::vector<char> is_pod_vertex(out.vertices.size());
  for (size_t v = 0; v < out.vertices.size(); ++v)
    is_pod_vertex[v] = out.vertices[v].kind == "workload" || out.vertices[v].kind == "pod";
  // Each vertex's position in the sorted order: candidates sort by it.
  std::vector<uint32_t> rank(order.size());
  for (size_t i = 0; i < order.size(); ++i) rank[order[i]] = uint32_t(i);
  // The output value of each interned identity edge, once converted.
  std::vector<const ClusterGraph::Ports*> by_index(g.edge_ports().size(), nullptr);
  // The output value of each distinct list of identity edges folded together.
  std::map<std::vector<uint64_t>, const ClusterGraph::Ports*> folded;
  std::vector<uint64_t> pair_keys;
  struct IndexEdge {
    uint32_t from, to;  // output vertices, before they are sorted
    const ClusterGraph::Ports* ports;
  };
  std::vector<IndexEdge> edges;
  PortsTable port_sets(out.port_sets);
  std::vector<char> candidate(out.vertices.size(), 0);
  // For a single `from` and a single candidate: the identity edge between
  // them, from the out edge that found the candidate (kUnset: not yet).
  constexpr uint32_t kUnset = UINT32_MAX;
  std::vector<uint32_t> found_edge(out.vertices.size(), kUnset);
  std::vector<size_t> candidates;
  std::vector<VertexId> sources;
  for (size_t from : order) {
    candidates.clear();
    sources.clear();
    for (const Group& a : members[from]) projection.source_vertices(a, sources);
    auto add_candidate = [&](size_t to) {
      if (!candidate[to]) candidate[to] = 1, candidates.push_back(to);
    };
    const bool single_from = single[from];
    for (VertexId s : sources) {
      for (const auto& e : g.out_edges(s))
        for (uint32_t to : behind[e.to]) {
          add_candidate(to);
          if (single_from && single[to]) found_edge[to] = e.ports;
        }
      // Unrestricted sender to unrestricted receiver: every port (these
      // edges are not stored, IdentityGraph::out_edges).
      if (g.unrestricted_sender(s))
        for (size_t to : open_to_all) {
          add_candidate(to);
          if (single_from && single[to]) found_edge[to] = 1;
        }
    }
    std::sort(candidates.begin(), candidates.end(), [&](size_t a, size_t b) { return rank[a] < rank[b]; });
    for (size_t to : candidates) {
      candidate[to] = 0;
      const uint32_t found = found_edge[to];
      found_edge[to] = kUnset;
      if (to == from || (!is_pod_vertex[from] && !is_pod_vertex[to])) continue;
      // The member pairs' values, each distinct one folded once, in the
      // order first met (the first unknown part names the fact).
      pair_keys.clear();
      if (found != kUnset) {
        pair_keys.push_back((uint64_t(found) << 32) | found);
      } else {
        for (const Group& a : members[from])
          for (const Group& b : members[to]) projection.pair_keys(a, b, pair_keys);
      }
      if (pair_keys.empty()) continue;
      const ClusterGraph::Ports* value = nullptr;
      const uint32_t plain = uint32_t(pair_keys[0]);
      if (pair_keys.size() == 1 && pair_keys[0] >> 32 == plain) {
        // One identity edge for every pair (the common case).
        if (!by_index[plain] && !g.edge_ports()[plain].empty()) {
          const EdgePorts& e = g.edge_ports()[plain];
          by_index[plain] = port_sets.intern(to_ports(e.allowed, e.unknown, e.unknown_fact));
        }
        value = by_index[plain];
      } else {
        auto [it, inserted] = folded.try_emplace(pair_keys, nullptr);
        if (inserted) {
          Fold fold;
          for (uint64_t k : pair_keys) fold.add(projection.value(k));
          if (!fold.any.empty()) it->second = port_sets.intern(to_ports(fold.allowed, fold.any - fold.allowed, fold.fact));
        }
        value = it->second;
      }
      if (value) edges.push_back({uint32_t(from), uint32_t(to), value});
    }
  }
  // Edges were made in (from id, to id) order; vertices are sorted by id.
  std::sort(out.vertices.begin(), out.vertices.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  out.edges.reserve(edges.size());
  for (const auto& e : edges)
    out.edges.push_back({out.vertices[rank[e.from]].id, out.vertices[rank[e.to]].id, e.ports});
  out.identities = model.identities.size();
  out.identity_edges = g.edge_count();
  return out;
}

Result<std::string> find_graph_vertex(const Model& model, const ClusterGraph& graph, const std::string& written) {
  auto has = [&](const std::string& id) {
    return std::binary_search(graph.vertices.begin(), graph.vertices.end(), id,
                              [](const auto& a, const auto& b) {
                                if constexpr (std::is_same_v<std::decay_t<decltype(a)>, std::string>) return a < b.id;
                                else return a.id < b;
                              });
  };
  if (has(written)) return written;
  auto ref = resolve_endpoint(model, written);
  if (!ref) return ref.errors();
  std::string id;
  if (ref->service) {
    return Diagnostic::error(SourcePos{}, "focus", fmt::format("{} is a Service; the graph's vertices are its backends' workloads", written));
  }
  if (!ref->instances.empty()) {
    const EndpointInstance& inst = ref->instances.front();
    switch (inst.kind) {
      case EndpointInstance::Kind::Pod: {
        id = vertex_of(model.cluster, *inst.pod).first;
        break;
      }
      case EndpointInstance::Kind::Reserved: id = std::string(to_string(*inst.reserved)); break;
      case EndpointInstance::Kind::External: id = inst.fqdn.empty() ? "" : "fqdn:" + inst.fqdn; break;
    }
  }
  if (id.empty() || !has(id))
    return Diagnostic::error(SourcePos{}, "focus",
                             fmt::format("{} is not a vertex of this graph{}", written,
                                         id.empty() ? " (an address: name its block as the graph lists it)" : " (another namespace?)"));
  return id;
}

}  // namespace netreach
