// netreach: the public API of the engine.
//
//   load()   manifests (files, directories, kustomizations, stdin) -> Model,
//            optionally with what-if changes (WhatIf); load_texts() the same
//            from in-memory texts
//   query()  "can A reach B on port P" -> QueryResult (verdict + explanation)
//   check()  an expectations file -> CheckReport
//   lint()   the risky spots of the policies -> Findings
//   explain_endpoint()  one endpoint's policies and effective ingress/egress
//   replay() flows Hubble observed, judged against the input -> ReplayReport
//
// A Model is immutable once loaded; queries read it as const. Errors are
// values (Diagnostic, with file:line and field path); nothing here throws.
// cli/ and the CLI tests include only this header.
//
// This is a facade: it declares the functions, and the values they take and
// return live in the engine's vocabulary headers it includes (model/options.h,
// verdict.h, graph_types.h, diff_types.h, endpoint_policy.h, summary.h,
// query/expectations.h, lint/finding.h, replay/replay.h). Nothing in engine/
// includes it but netreach.cc (scripts/check_layering.py, README "Layout").
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lint/finding.h"
#include "model/diagnostic.h"
#include "model/diff_types.h"
#include "model/endpoint_policy.h"
#include "model/graph_types.h"
#include "model/options.h"
#include "model/port_set.h"
#include "model/protocol.h"
#include "model/rule_ref.h"
#include "model/summary.h"
#include "model/verdict.h"
#include "query/expectations.h"
#include "replay/replay.h"

namespace netreach {

class Model;

struct LoadOutcome {
  std::shared_ptr<const Model> model;  // null when loading failed
  Diagnostics diagnostics;             // errors (model null) or warnings
  std::shared_ptr<const void> keep_alive;  // the input files the diagnostics point into
  // A what-if's changes as applied, one line each (WhatIf::describe() with
  // what loading found: object counts, the input objects replaced); empty
  // when there were none. The model is hypothetical when this is not empty.
  std::vector<std::string> hypothetical;
};

LoadOutcome load(const std::vector<std::string>& paths, const Options& options);

// With hypothetical changes to the input (model/options.h :: WhatIf).
// Errors: those of the input and of the added manifests; a malformed or
// unknown object in `remove` / `set_labels` (named, with the nearest names in
// the input), a malformed label change.
LoadOutcome load(const std::vector<std::string>& paths, const Options& options, const WhatIf& what_if);

// Inputs held in memory (model/options.h :: InputText), read as files.
LoadOutcome load_texts(const std::vector<InputText>& inputs, const Options& options, const WhatIf& what_if = {});

// ---- summary -----------------------------------------------------------------

Summary summarize(const Model& model);
// How many documents the input held: summarize().documents without the
// summary's matching of every selector against every identity.
size_t documents_read(const Model& model);

// ---- query -------------------------------------------------------------------

// Errors: an endpoint that does not exist or is ambiguous, a bad port.
Result<QueryResult> query(const Model& model, const FlowQuery& flow);

// The errors query() would return, found without judging the flow (a small
// fraction of its cost); empty when the query is valid.
Diagnostics validate_query(const Model& model, const FlowQuery& flow);

// Human-readable explanation (what `netreach query` prints).
std::string render_text(const QueryResult& result);

// ---- graph -------------------------------------------------------------------

// Every pair of endpoints of the chosen namespaces, judged with query(); edges
// are the pairs that are not denied. Quadratic in the number of endpoints.
// Errors: a bad port, an unknown namespace.
Result<Reachability> reachability(const Model& model, const GraphQuery& graph);

// What `start` can reach in any number of hops (lateral movement), itself
// excluded; unknown edges are followed only when `through_unknown`.
std::vector<std::string> reachable_from(const Reachability& graph, const std::string& start, bool through_unknown);

// Graphviz text: allowed edges solid, unknown edges dashed.
std::string to_dot(const Reachability& graph);

// ---- the whole-cluster graph -----------------------------------------------------

// Errors: an unknown namespace.
Result<ClusterGraph> cluster_graph(const Model& model, const ClusterGraphQuery& query);

// The vertex id of an endpoint written as for query() (NS/NAME, NS/KIND/NAME,
// an entity, fqdn:NAME) or as a vertex id. Errors: no such endpoint, or one
// that is not a vertex of this graph (another namespace, a Service).
Result<std::string> find_graph_vertex(const Model& model, const ClusterGraph& graph, const std::string& written);

// ---- diff: reachability before and after ---------------------------------------

// Is `revision` a commit of the git repository holding `dir`?
bool is_git_revision_of(const std::string& dir, const std::string& revision);
// Errors: not a git repository, no such revision, git or tar missing.
Result<RevisionTree> revision_tree(const std::string& dir, const std::string& revision);

// The flows the change from `before` to `after` opens, closes or changes,
// each attributed to the changed objects that select one of its ends (the
// policies whose subject is the sender on egress or the receiver on ingress,
// relabelled workloads, pods and namespaces at either end).
ReachabilityDiff diff_reachability(const Model& before, const Model& after, const ClusterGraphQuery& query);

// ---- explain: one endpoint's policy ---------------------------------------------

// The policy of a pod or workload: one EndpointPolicy per distinct identity
// (and named-port table) of its pods. Errors: no such endpoint, a Service, an
// entity or address (nothing of the input selects them as subjects), a
// hostNetwork pod (it is its node).
Result<std::vector<EndpointPolicy>> explain_endpoint(const Model& model, const std::string& endpoint);

// ---- lint --------------------------------------------------------------------

// The risky spots of the input's policies (lint/finding.h: one Finding per
// spot, each of a rule of lint_rules()), sorted by file and line. The words
// of a finding name the pods (NS/NAME) and ports concerned; the rules' own
// words are in lint_rules().
std::vector<Finding> lint(const Model& model);

// ---- replay: observed flows against the policies -------------------------------

// Reads the Hubble exports (`hubble observe -o json` or `-o jsonpb`, one
// object per line; "-" is standard input), matches each flow's ends to the
// input's endpoints and judges it with query() (replay/replay.h). The files
// are registered in `sources`, which must outlive the report and the errors.
// Errors: a file that cannot be read, a malformed line (file:line, field).
Result<ReplayReport> replay(const Model& model, const std::vector<std::string>& flow_files, SourceTable& sources);

// ---- check -------------------------------------------------------------------

// Parses an expectations file (apiVersion netreach/v1, kind Expectations).
// The file is registered in `sources`, which must outlive the result and any
// diagnostics (errors of load_expectations and of check point into it).
Result<ExpectationsFile> load_expectations(const std::string& path, SourceTable& sources);

// Errors: an expectation naming an endpoint that does not exist, a bad port.
Result<CheckReport> check(const Model& model, const ExpectationsFile& expectations);

// check() without holding the report: every expectation is validated first
// (on errors, nothing is judged and `on_result` is never called), then judged
// in file order, each result handed to `on_result` as soon as it is produced
// and dropped after it returns. Memory stays that of one result, whatever the
// number of expectations. Returns the counts.
Result<CheckCounts> check(const Model& model, const ExpectationsFile& expectations,
                          const std::function<void(const CheckResult&)>& on_result);

}  // namespace netreach
