// ReachabilityGraph: a Reachability (model/graph_types.h) as a Boost.Graph
// directed graph, for graph algorithms (multi-hop reachability) and Graphviz.
//
// Vertices are the workloads and standalone pods of the chosen namespaces (all
// namespaces when none is given), plus `world` and `host` when asked for. An
// edge A -> B carries the verdict of query(A, B, port) when it is not deny.
#pragma once

#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "model/graph_types.h"

namespace netreach {

struct GraphVertex {
  std::string name;  // endpoint reference, e.g. "partner-cp/deploy/partner-api"
};

struct GraphEdge {
  Verdict verdict = Verdict::Allow;  // Allow or Unknown
};

using ReachabilityGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, GraphVertex, GraphEdge>;

// The Boost graph of a Reachability (vertex order kept).
ReachabilityGraph make_graph(const Reachability& reachability);

}  // namespace netreach
