// The two graphs of the cluster's reachability as values: Reachability (every
// endpoint pair judged with query()) and ClusterGraph (computed over
// identities, shown per workload). reachability() and cluster_graph() are in
// netreach.h.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/port_set.h"
#include "model/protocol.h"
#include "model/verdict.h"

namespace netreach {

struct GraphQuery {
  std::vector<std::string> namespaces;  // empty: every namespace
  std::string port;                     // PORT, as for query
  std::optional<Protocol> protocol;
  bool include_world = false;           // add `world` and `host` vertices
};

struct Reachability {
  std::vector<std::string> vertices;
  struct Edge {
    std::string from, to;
    Verdict verdict;  // Allow or Unknown
  };
  std::vector<Edge> edges;
};

struct ClusterGraphQuery {
  std::vector<std::string> namespaces;  // empty: every namespace
  bool external = true;                 // entities, address blocks, toFQDNs names
};

// The reachability of the cluster, computed once over identities
// (engine/graph/identity_graph.h) and shown per workload: vertices are
// workloads (their pods folded in), bare pods, the reserved entities, the
// address blocks the CIDR rules carve out of world, and the toFQDNs names.
// An edge carries the ports allowed by both sides, and those whose verdict
// depends on a fact the input lacks. Sorted; deterministic.
//
// A whole cluster has millions of edges and few distinct port sets: an edge
// is two vertex indices and a pointer to its interned ports (16 bytes: the
// envelope's 8.6 million edges fit in 140 MB), so the graph is move-only
// (the pointers point into it).
struct ClusterGraph {
  struct Vertex {
    std::string id;          // NS/KIND/NAME (kubectl short kinds), "host", "world", "10.0.0.0/8 except ...", "fqdn:NAME"
    std::string kind;        // "workload", "pod", "entity", "cidr", "fqdn"
    std::string namespace_;  // workloads and pods
    // The vertex as query() takes an endpoint: the id, or for an address
    // block an address inside it (one address stands for its block: every
    // CIDR rule matches all of it or none, engine/graph/address_atoms.h).
    std::string endpoint;
  };
  struct Ports {
    PortSet allowed;
    PortSet unknown;
    std::string unknown_fact;  // when unknown is not empty
    friend bool operator==(const Ports&, const Ports&) = default;
  };
  struct Edge {
    uint32_t from = 0, to = 0;  // indices into vertices
    const Ports* ports = nullptr;
  };
  std::vector<Vertex> vertices;  // sorted by id
  // Sorted by (from, to), hence by their ids. A deque: built one edge at a
  // time, it never holds a second copy of itself as a growing vector would.
  std::deque<Edge> edges;
  std::deque<Ports> port_sets;   // what the edges point to (a deque: addresses stay put)
  const std::string& id(uint32_t vertex) const { return vertices[vertex].id; }
  size_t identities = 0, identity_edges = 0;  // the size of the computation behind it

  ClusterGraph() = default;
  ClusterGraph(ClusterGraph&&) = default;
  ClusterGraph& operator=(ClusterGraph&&) = default;
  ClusterGraph(const ClusterGraph&) = delete;
  ClusterGraph& operator=(const ClusterGraph&) = delete;
};

}  // namespace netreach
