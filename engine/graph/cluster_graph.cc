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

#include "graph/identity_graph.h"
#include "netreach.h"
#include "query/endpoint_ref.h"

namespace netreach {
namespace {

// One pod (or reserved/external vertex) standing behind an output vertex.
struct Member {
  VertexId vertex = 0;  // its identity vertex (unused for hostNetwork pods)
  Target target;        // as a destination
  bool host_network = false;
  std::string node;     // spec.nodeName, when known
  bool is_pod = false;
};

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

  // What member a may send to member b.
  EdgePorts pair(const Member& a, const Member& b) const {
    if (!a.host_network && !b.host_network) return g_.edge(a.vertex, b.target);
    auto as_placed = [&](bool same_node) {
      VertexId from = a.host_network ? (same_node ? host_ : remote_) : a.vertex;
      Target to = b.host_network ? Target{same_node ? host_ : remote_, 0} : b.target;
      return g_.edge(from, to);
    };
    // Placement matters between two pods only (query.cc :: known_placement).
    if (!a.is_pod || !b.is_pod) return as_placed(false);
    if (!a.node.empty() && !b.node.empty()) return as_placed(a.node == b.node);
    EdgePorts same = as_placed(true), other = as_placed(false);
    if (same == other) return same;
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

  // The identity vertices a member may send from (for candidate search).
  void source_vertices(const Member& a, std::vector<VertexId>& out) const {
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

  // Output vertices and the members behind each.
  ClusterGraph out;
  std::vector<std::vector<Member>> members;
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
  for (size_t i = 0; i < cluster.pods.size(); ++i) {
    const Pod& pod = cluster.pods[i];
    if (!wanted(pod.namespace_)) continue;
    auto [id, kind] = vertex_of(cluster, pod);
    size_t v = vertex(std::move(id), kind, pod.namespace_);
    Member mem;
    mem.is_pod = true;
    mem.host_network = pod.host_network;
    mem.node = pod.node_name;
    if (!pod.host_network) {
      mem.target = g.target_of(model, i);
      mem.vertex = mem.target.vertex;
    }
    auto& list = members[v];
    bool seen = std::any_of(list.begin(), list.end(), [&](const Member& m) {
      return m.host_network == mem.host_network && m.node == mem.node && m.target == mem.target;
    });
    if (!seen) list.push_back(std::move(mem));
  }
  if (query.external) {
    for (VertexId v = 0; v < g.vertices().size(); ++v) {
      const PeerVertex& pv = g.vertices()[v];
      if (!g.is_vertex(v)) continue;
      const bool reserved = pv.kind == PeerVertex::Kind::Identity && model.identities[pv.identity].kind == IdentityKind::Reserved;
      if (pv.kind == PeerVertex::Kind::Identity && !reserved) continue;
      const char* kind = pv.kind == PeerVertex::Kind::Address ? "cidr" : pv.kind == PeerVertex::Kind::Fqdn ? "fqdn" : "entity";
      Member mem;
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

  // Which output vertices stand behind each destination target.
  std::unordered_map<uint64_t, std::vector<size_t>> behind;
  auto key = [](Target t) { return (uint64_t(t.vertex) << 32) | t.shape; };
  const VertexId host = model.identities.reserved(ReservedIdentity::Host);
  const VertexId remote = model.identities.reserved(ReservedIdentity::RemoteNode);
  // Vertices with a member whose ingress enforces nothing: every
  // unrestricted sender reaches them, and the graph does not list those
  // edges (IdentityGraph::out_edges).
  std::vector<size_t> open_to_all;
  for (size_t v = 0; v < members.size(); ++v) {
    bool open = false;
    for (const Member& mem : members[v]) {
      if (mem.host_network) {
        behind[key(Target{host, 0})].push_back(v);
        behind[key(Target{remote, 0})].push_back(v);
        open = open || g.unrestricted_receiver(Target{host, 0}) || g.unrestricted_receiver(Target{remote, 0});
      } else {
        behind[key(mem.target)].push_back(v);
        open = open || g.unrestricted_receiver(mem.target);
      }
    }
    if (open) open_to_all.push_back(v);
  }

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
  std::map<std::vector<uint32_t>, const ClusterGraph::Ports*> folded;
  std::vector<uint32_t> pair_indices;
  std::vector<char> has_host_network(members.size());
  for (size_t v = 0; v < members.size(); ++v)
    has_host_network[v] = std::any_of(members[v].begin(), members[v].end(), [](const Member& m) { return m.host_network; });
  struct IndexEdge {
    uint32_t from, to;  // output vertices, before they are sorted
    const ClusterGraph::Ports* ports;
  };
  std::vector<IndexEdge> edges;
  PortsTable port_sets(out.port_sets);
  std::vector<char> candidate(out.vertices.size(), 0);
  std::vector<size_t> candidates;
  std::vector<VertexId> sources;
  for (size_t from : order) {
    candidates.clear();
    sources.clear();
    for (const Member& a : members[from]) projection.source_vertices(a, sources);
    auto add_candidate = [&](size_t to) {
      if (!candidate[to]) candidate[to] = 1, candidates.push_back(to);
    };
    for (VertexId s : sources) {
      for (const auto& e : g.out_edges(s))
        for (const Target& t : g.targets(e.to))
          if (auto it = behind.find(key(t)); it != behind.end())
            for (size_t to : it->second) add_candidate(to);
      if (g.unrestricted_sender(s))
        for (size_t to : open_to_all) add_candidate(to);
    }
    std::sort(candidates.begin(), candidates.end(), [&](size_t a, size_t b) { return rank[a] < rank[b]; });
    for (size_t to : candidates) {
      candidate[to] = 0;
      if (to == from || (!is_pod_vertex[from] && !is_pod_vertex[to])) continue;
      if (!has_host_network[from] && !has_host_network[to]) {
        // No placement question (the common case): the identity edges of
        // the member pairs, each distinct value folded once, in the order
        // first met (the first unknown part names the fact).
        pair_indices.clear();
        for (const Member& a : members[from])
          for (const Member& b : members[to]) {
            const uint32_t i = g.edge_index(a.vertex, b.target);
            if (std::find(pair_indices.begin(), pair_indices.end(), i) == pair_indices.end()) pair_indices.push_back(i);
          }
        const ClusterGraph::Ports* value = nullptr;
        if (pair_indices.size() == 1) {
          const uint32_t i = pair_indices[0];
          if (!by_index[i] && !g.edge_ports()[i].empty()) {
            const EdgePorts& e = g.edge_ports()[i];
            by_index[i] = port_sets.intern(to_ports(e.allowed, e.unknown, e.unknown_fact));
          }
          value = by_index[i];
        } else {
          auto [it, inserted] = folded.try_emplace(pair_indices, nullptr);
          if (inserted) {
            Fold fold;
            for (uint32_t i : pair_indices) fold.add(g.edge_ports()[i]);
            if (!fold.any.empty()) it->second = port_sets.intern(to_ports(fold.allowed, fold.any - fold.allowed, fold.fact));
          }
          value = it->second;
        }
        if (value) edges.push_back({uint32_t(from), uint32_t(to), value});
        continue;
      }
      ClusterGraph::Ports ports;
      if (members[from].size() == 1 && members[to].size() == 1) {
        EdgePorts e = projection.pair(members[from][0], members[to][0]);
        if (e.empty()) continue;
        ports = to_ports(std::move(e.allowed), std::move(e.unknown), std::move(e.unknown_fact));
      } else {
        Fold fold;
        for (const Member& a : members[from])
          for (const Member& b : members[to]) fold.add(projection.pair(a, b));
        if (fold.any.empty()) continue;
        ports = to_ports(fold.allowed, fold.any - fold.allowed, fold.fact);
      }
      edges.push_back({uint32_t(from), uint32_t(to), port_sets.intern(std::move(ports))});
    }
  }
  // Edges were made in (from id, to id) order; vertices are sorted by id.
  const std::vector<uint32_t>& sorted_index = rank;
  std::sort(out.vertices.begin(), out.vertices.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  out.edges.reserve(edges.size());
  for (const auto& e : edges)
    out.edges.push_back({out.vertices[sorted_index[e.from]].id, out.vertices[sorted_index[e.to]].id, e.ports});
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
