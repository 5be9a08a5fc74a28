// What a load is asked to do: Options (Cilium's agent settings netreach
// follows, the GitOps inputs), progress counters, inputs held in memory and
// the what-if changes. The load() functions taking them are in netreach.h.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netreach {

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
// (Its functions are defined with the what-if stage, whatif/what_if.cc.)
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

// An input held in memory (tests, fuzzers, benchmarks): read exactly as a
// file of that name would be, without the file system.
struct InputText {
  std::string name;  // as it appears in diagnostics
  std::string text;
};

}  // namespace netreach
