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
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lint/finding.h"
#include "model/diagnostic.h"
#include "model/port_set.h"
#include "model/protocol.h"
#include "policy/rule.h"
#include "replay/replay.h"

namespace netreach {

enum class Verdict : uint8_t { Allow, Deny, Unknown };
std::string_view to_string(Verdict verdict);  // "allow" / "deny" / "unknown"

// Cilium's enable-policy (docs/semantics.md#enforcement-mode).
enum class EnforcementMode : uint8_t { Default, Always, Never };

// What a load is doing, for a progress display: load() writes it as it goes
// and another thread may read it at any time (hence atomics). Optional: an
// Options without counters loads the same.
struct LoadCounters {
  enum class Phase : uint8_t {
    Reading,                 // files, documents
    BuildingKustomizations,  // kustomize runs: kustomizations_built of kustomizations_total
    BuildingIdentities,      // the cluster's identities and per-identity rule indexes (resolve)
    Done,
  };
  std::atomic<Phase> phase{Phase::Reading};
  std::atomic<size_t> documents{0};  // objects read so far (from files and kustomize output)
  std::atomic<size_t> kustomizations_built{0};
  std::atomic<size_t> kustomizations_total{0};
};
std::string_view to_string(LoadCounters::Phase phase);  // "reading", "building kustomizations", ...

struct Options {
  std::string cluster_name = "default";      // Cilium's cluster-name
  bool lenient = false;                      // do what a cluster would do with bad policies
  std::string kustomize_program;             // "" = auto (kustomize, else kubectl kustomize)
  EnforcementMode enforcement = EnforcementMode::Default;
  bool allow_localhost = true;               // allow-localhost=always, Kubernetes mode (docs/semantics.md#allow-localhost)
  bool enable_node_selector_labels = false;  // docs/semantics.md#fromnodes-and-tonodes
  // GitOps repositories: Flux Kustomizations and Argo CD Applications in the
  // input are built from the repository (README, "GitOps repositories").
  std::string repo_root;                // "" = the nearest directory with .git above each input
  std::vector<std::string> vars;        // "NAME=VALUE": Flux postBuild variables the repository lacks
  std::vector<std::string> vars_files;  // files of NAME=VALUE lines (# comments), the same
  std::vector<std::string> exclude;     // globs of paths neither read nor built
  LoadCounters* counters = nullptr;     // progress, updated while loading (not owned)
};

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

// What-if: hypothetical changes to the input, applied to the cluster after it
// is loaded and before it is resolved (the files are never modified).
//   add         manifests (files, directories, kustomizations) read with the
//               input; an added object replaces the input's object of the same
//               kind, namespace and name, as `kubectl apply` would
//   remove      KIND/NS/NAME, or KIND/NAME for a cluster-scoped kind; KIND as
//               kubectl writes it (cnp, ccnp, netpol, deploy, po, ns, svc, ...,
//               or the kind, singular or plural, in any case). Removing a
//               workload removes its pods; a namespace, everything in it (the
//               garbage collector's cascade). Not in the input: an error.
//   set_labels  (KIND/NS/NAME, "key=value,key-") in kubectl's syntax: a
//               workload's pods (template and Pod objects it owns), a pod, a
//               namespace (its labels feed the identities), a node, a Service
//               or a CiliumCIDRGroup get the labels set or removed
// Removals apply first, then relabellings, each in the order given.
struct WhatIf {
  std::vector<std::string> add;
  std::vector<std::string> remove;
  std::vector<std::pair<std::string, std::string>> set_labels;
  bool empty() const;
  // One line per change, as written: "added FILE", "removed
  // CiliumNetworkPolicy partner-cp/partner-api", "relabelled Deployment
  // partner-cp/partner-api: team=x, -app". LoadOutcome::hypothetical adds
  // what loading found.
  std::vector<std::string> describe() const;
};

// Errors: those of the input and of the added manifests; a malformed or
// unknown object in `remove` / `set_labels` (named, with the nearest names in
// the input), a malformed label change.
LoadOutcome load(const std::vector<std::string>& paths, const Options& options, const WhatIf& what_if);

// An input held in memory (tests, fuzzers, benchmarks): read exactly as a
// file of that name would be, without the file system.
struct InputText {
  std::string name;  // as it appears in diagnostics
  std::string text;
};
LoadOutcome load_texts(const std::vector<InputText>& inputs, const Options& options, const WhatIf& what_if = {});

// ---- summary -----------------------------------------------------------------

struct Summary {
  size_t documents = 0;
  std::vector<std::pair<std::string, size_t>> objects_by_kind;  // sorted by kind
  size_t namespaces = 0, undeclared_namespaces = 0;
  size_t workloads = 0, pods = 0, host_network_pods = 0, services = 0, nodes = 0;
  size_t identities = 0;
  size_t policies_cnp = 0, policies_ccnp = 0, policies_knp = 0, rules = 0;
  size_t cidr_groups = 0;  // CiliumCIDRGroup objects (one per name)
  struct Ignored {
    std::string kind;
    size_t count;
    std::string reason;
  };
  std::vector<Ignored> ignored;
  // Objects that may create pods the input does not hold (HelmRelease, Argo
  // CD Applications, operators' custom resources), as "apiVersion Kind" and
  // count; and the policy selectors (subject or peer) that select no pod of
  // the input, as "CNP shop/api spec.ingress[0].fromEndpoints[0] (file:line)".
  // When both are non-empty, the selected pods may be created by the former.
  std::vector<std::pair<std::string, size_t>> pod_creators;
  std::vector<std::string> selectors_without_pods;
};
Summary summarize(const Model& model);
// How many documents the input held: summarize().documents without the
// summary's matching of every selector against every identity.
size_t documents_read(const Model& model);

// ---- query -------------------------------------------------------------------

struct FlowQuery {
  std::string from;                    // ENDPOINT (see endpoint syntax in README)
  std::string to;                      // ENDPOINT
  std::string port;                    // "5555", "5555/TCP", "53/UDP", "http"
  std::optional<Protocol> protocol;    // overrides/adds the protocol; default TCP
};

// A rule that did not match, and why, in plain words.
struct NearMiss {
  RuleRef rule;                       // the PeerRule (e.g. spec.egress[0])
  std::string element;                // the peer element path, or empty
  bool peer_matched = false;
  bool port_matched = false;
  std::vector<std::string> reasons;   // "this selector is scoped to namespace ..."
};

enum class Enforcement : uint8_t {
  NotAnEndpoint,   // world, host, nodes, hostNetwork pods: nothing enforced on this side
  NotSelected,     // no rule with this direction selects the endpoint: default allow
  DefaultDeny,     // rules select it: default deny, allows are a union, deny wins
  DenyOnly,        // rules select it but none enables default deny (enableDefaultDeny: false)
  AlwaysMode,      // enforcement mode "always"
  NeverMode,       // enforcement mode "never"
};
// "not-an-endpoint", "not-selected", "default-deny", "deny-only", "always-mode", "never-mode"
std::string_view to_string(Enforcement enforcement);

struct SideVerdict {
  Direction direction = Direction::Egress;
  std::string endpoint;             // display name of the side's endpoint
  std::string peer;                 // display name of the other end
  Enforcement enforcement = Enforcement::NotSelected;
  std::vector<RuleRef> selecting;   // rules (spec / specs[i]) selecting the endpoint in this direction
  Verdict verdict = Verdict::Allow;
  std::string reason;               // one line: why this verdict
  std::optional<RuleRef> decisive;  // the rule element that allowed or denied
  std::vector<NearMiss> near_misses;
  std::vector<std::string> caveats;  // constructs not evaluated that could change the verdict
  std::string suggestion;            // what to change (YAML snippet), when denied
};

// The verdict for one concrete flow (one source instance, one backend, one
// placement assumption).
struct FlowVerdict {
  std::string from, to;
  uint16_t port = 0;
  Protocol protocol = Protocol::TCP;
  std::string assumption;  // e.g. "if the pods run on different nodes"; empty when none
  Verdict verdict = Verdict::Deny;
  SideVerdict egress;
  SideVerdict ingress;
  std::vector<std::string> notes;
};

struct QueryResult {
  FlowQuery query;
  Verdict verdict = Verdict::Deny;
  std::string headline;               // "ALLOW partner-cp/partner-api -> global-auth/auth 5555/TCP"
  // The port and protocol judged: the port as a number, or the (lower-case)
  // port name; the protocol as stated (in the port or beside it), the named
  // port's own protocol when none was stated, TCP otherwise. Reports print
  // these rather than reparse what the user wrote.
  std::string port;
  Protocol protocol = Protocol::TCP;
  std::vector<std::string> notes;     // Service translation, unknown facts, ...
  std::vector<FlowVerdict> flows;     // at least one, unless notes explain why none
};

// Errors: an endpoint that does not exist or is ambiguous, a bad port.
Result<QueryResult> query(const Model& model, const FlowQuery& flow);

// The errors query() would return, found without judging the flow (a small
// fraction of its cost); empty when the query is valid.
Diagnostics validate_query(const Model& model, const FlowQuery& flow);

// Human-readable explanation (what `netreach query` prints).
std::string render_text(const QueryResult& result);

// ---- graph -------------------------------------------------------------------

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
// is two views of vertex ids and a pointer to its interned ports, so the
// graph is move-only (the views and pointers point into it).
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
    std::string_view from, to;  // ids of two vertices
    const Ports* ports = nullptr;
  };
  std::vector<Vertex> vertices;  // sorted by id
  std::vector<Edge> edges;       // sorted by (from, to)
  std::deque<Ports> port_sets;   // what the edges point to (a deque: addresses stay put)
  size_t identities = 0, identity_edges = 0;  // the size of the computation behind it

  ClusterGraph() = default;
  ClusterGraph(ClusterGraph&&) = default;
  ClusterGraph& operator=(ClusterGraph&&) = default;
  ClusterGraph(const ClusterGraph&) = delete;
  ClusterGraph& operator=(const ClusterGraph&) = delete;
};

// Errors: an unknown namespace.
Result<ClusterGraph> cluster_graph(const Model& model, const ClusterGraphQuery& query);

// The vertex id of an endpoint written as for query() (NS/NAME, NS/KIND/NAME,
// an entity, fqdn:NAME) or as a vertex id. Errors: no such endpoint, or one
// that is not a vertex of this graph (another namespace, a Service).
Result<std::string> find_graph_vertex(const Model& model, const ClusterGraph& graph, const std::string& written);

// ---- diff: reachability before and after ---------------------------------------

// An object that differs between the two inputs.
struct ObjectChange {
  enum class Change : uint8_t { Added, Removed, Modified };
  Change change = Change::Modified;
  std::string kind;        // "CiliumNetworkPolicy", "Namespace", "Deployment", "Pod", ...
  std::string namespace_;  // empty for cluster-scoped objects
  std::string name;
  std::string where;       // file:line on the side where it exists (after, unless removed)
  std::string what;        // for label changes: "labels team=a -> team=b"; empty for policies
  std::string display() const;  // "CiliumNetworkPolicy partner-cp/partner-api"
};
std::string_view to_string(ObjectChange::Change change);  // "added" / "removed" / "modified"

// One workload pair whose reachability changed.
struct FlowChange {
  std::string from, to;
  PortSet opened;          // allowed after, not before
  PortSet closed;          // allowed before, not after
  PortSet unknown_before, unknown_after;  // set when what depends on missing facts changed
  PortSet allowed_before, allowed_after;
  std::vector<size_t> causes;  // indexes into ReachabilityDiff::objects
  bool from_world = false;     // from an address block or the world entity
  bool to_world = false;       // to an address block, a toFQDNs name or the world entity
  bool cross_namespace = false;
};

struct ReachabilityDiff {
  std::vector<ObjectChange> objects;  // sorted by kind, namespace, name
  std::vector<FlowChange> flows;      // sorted by from, to
  size_t opened() const, closed() const, changed() const;  // flows with opened / closed ports / only unknown changes
};

// One git revision's tree, unpacked in a temporary directory that lives as
// long as the handle (engine/load/git_snapshot.h). `prefix` is where `dir`
// lies inside the repository ("" at its top), so paths given relative to
// `dir` are found under root/prefix.
struct RevisionTree {
  std::string root;    // the tree's top directory
  std::string prefix;  // dir relative to the repository's top, with a trailing '/', or ""
  std::string commit;  // full commit id
  std::string temp;    // the temporary directory holding root (strip it from messages)
  std::shared_ptr<const void> keep_alive;
};
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

// One row of an endpoint's effective policy in one direction: a peer (or a
// kind of peer: a CIDR, a name, any peer), the ports, allow or deny, and the
// rule element it comes from. A row per peer a rule element selects, the way
// `cilium-dbg endpoint get` lists a realised policy per selector and port.
struct PolicyEntry {
  std::string peer;      // "global-auth/auth", "world", "10.0.0.0/8 except 10.1.0.0/16", "fqdn:api.example.com", "any peer"
  std::string selector;  // what the element says: "toEndpoints {app=auth, ...}", "toEntities world"
  std::string ports;     // "TCP 5555", "TCP 53; UDP 53", "any port", "ICMP type 8"
  bool deny = false;
  RuleRef rule;                    // the element: spec.egress[0] and where
  std::vector<std::string> notes;  // "TCP 5555 is denied by CCNP deny spec.ingressDeny[0] (file:line)", caveats
};

struct DirectionPolicy {
  Direction direction = Direction::Ingress;
  Enforcement enforcement = Enforcement::NotSelected;
  std::vector<RuleRef> selecting;     // rules (spec / specs[i]) selecting the endpoint with rules in this direction
  std::vector<PolicyEntry> entries;   // deny rows first, then allow rows; by rule position within each
  std::string otherwise;              // what happens to the rest: "denied (default deny)", "allowed (...)"
};

struct EndpointPolicy {
  std::string endpoint;             // the pods' display: NS/NAME
  std::vector<std::string> pods;    // the pods behind this identity (workloads: their pods, or the template)
  std::string identity;             // the identity's labels as Cilium sees them
  DirectionPolicy ingress, egress;
};

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

struct Expectation {
  std::string name;  // empty: check() names it after the flow judged ("a/x -> b/y 53/UDP")
  std::string from, to, port;
  std::optional<Protocol> protocol;
  Verdict expect = Verdict::Allow;  // Allow, Deny or Unknown (a flow the input cannot decide)
  SourcePos pos;
};

struct ExpectationsFile {
  std::vector<Expectation> expectations;
};

// Parses an expectations file (apiVersion netreach/v1, kind Expectations).
// The file is registered in `sources`, which must outlive the result and any
// diagnostics (errors of load_expectations and of check point into it).
Result<ExpectationsFile> load_expectations(const std::string& path, SourceTable& sources);

struct CheckResult {
  Expectation expectation;
  QueryResult result;
  bool passed = false;  // unknown never passes
};

struct CheckReport {
  std::vector<CheckResult> results;
  size_t passed = 0, failed = 0;
};

// Errors: an expectation naming an endpoint that does not exist, a bad port.
Result<CheckReport> check(const Model& model, const ExpectationsFile& expectations);

// check() without holding the report: every expectation is validated first
// (on errors, nothing is judged and `on_result` is never called), then judged
// in file order, each result handed to `on_result` as soon as it is produced
// and dropped after it returns. Memory stays that of one result, whatever the
// number of expectations. Returns the counts.
struct CheckCounts {
  size_t passed = 0, failed = 0;
};
Result<CheckCounts> check(const Model& model, const ExpectationsFile& expectations,
                          const std::function<void(const CheckResult&)>& on_result);

}  // namespace netreach
