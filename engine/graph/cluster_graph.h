// cluster_graph() for the stages above graph/ (diff compares two of them).
// The public declaration, with its documentation, is netreach.h's;
// netreach.cc includes both, so the compiler holds them to the same
// signature.
#pragma once

#include "model/diagnostic.h"
#include "model/graph_types.h"

namespace netreach {

class Model;

Result<ClusterGraph> cluster_graph(const Model& model, const ClusterGraphQuery& query);

}  // namespace netreach
