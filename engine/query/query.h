// query() and validate_query() for the stages above query/ that judge flows
// one by one (graph/reachability_graph, replay, check). The public
// declarations, with their documentation, are netreach.h's; netreach.cc
// includes both, so the compiler holds them to the same signatures.
#pragma once

#include "model/diagnostic.h"
#include "model/verdict.h"

namespace netreach {

class Model;

Result<QueryResult> query(const Model& model, const FlowQuery& flow);
Diagnostics validate_query(const Model& model, const FlowQuery& flow);

}  // namespace netreach
