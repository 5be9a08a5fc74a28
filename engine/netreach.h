// netreach: the public API of the engine.
//
//   load()   manifests (files, directories, kustomizations, stdin) -> Model
//   query()  "can A reach B on port P" -> QueryResult (verdict + explanation)
//   check()  an expectations file -> CheckReport
//
// A Model is immutable once loaded; queries read it as const. Errors are
// values (Diagnostic, with file:line and field path); nothing here throws.
// cli/ and the CLI tests include only this header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/diagnostic.h"
#include "model/protocol.h"
#include "policy/rule.h"

namespace netreach {

enum class Verdict : uint8_t { Allow, Deny, Unknown };
std::string_view to_string(Verdict verdict);  // "allow" / "deny" / "unknown"

// Cilium's enable-policy (docs/semantics.md#enforcement-mode).
enum class EnforcementMode : uint8_t { Default, Always, Never };

struct Options {
  std::string cluster_name = "default";      // Cilium's cluster-name
  bool lenient = false;                      // do what a cluster would do with bad policies
  std::string kustomize_program;             // "" = auto (kustomize, else kubectl kustomize)
  EnforcementMode enforcement = EnforcementMode::Default;
  bool allow_localhost = true;               // allow-localhost=always, Kubernetes mode (docs/semantics.md#allow-localhost)
  bool enable_node_selector_labels = false;  // docs/semantics.md#fromnodes-and-tonodes
};

class Model;

struct LoadOutcome {
  std::shared_ptr<const Model> model;  // null when loading failed
  Diagnostics diagnostics;             // errors (model null) or warnings
  std::shared_ptr<const void> keep_alive;  // the input files the diagnostics point into
};

LoadOutcome load(const std::vector<std::string>& paths, const Options& options);

// ---- summary -----------------------------------------------------------------

struct Summary {
  size_t documents = 0;
  std::vector<std::pair<std::string, size_t>> objects_by_kind;  // sorted by kind
  size_t namespaces = 0, undeclared_namespaces = 0;
  size_t workloads = 0, pods = 0, host_network_pods = 0, services = 0, nodes = 0;
  size_t identities = 0;
  size_t policies_cnp = 0, policies_ccnp = 0, policies_knp = 0, rules = 0;
  struct Ignored {
    std::string kind;
    size_t count;
    std::string reason;
  };
  std::vector<Ignored> ignored;
};
Summary summarize(const Model& model);

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
  std::vector<std::string> notes;     // Service translation, unknown facts, ...
  std::vector<FlowVerdict> flows;     // at least one, unless notes explain why none
};

// Errors: an endpoint that does not exist or is ambiguous, a bad port.
Result<QueryResult> query(const Model& model, const FlowQuery& flow);

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

// ---- check -------------------------------------------------------------------

struct Expectation {
  std::string name;
  std::string from, to, port;
  std::optional<Protocol> protocol;
  Verdict expect = Verdict::Allow;  // Allow or Deny
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

}  // namespace netreach
