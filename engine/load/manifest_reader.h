// ManifestReader: turns the user's `-f PATH` arguments into a stream of
// Kubernetes objects (YAML mappings), each with the position it came from.
//
// What a PATH can be:
//  - "-": standard input;
//  - a YAML or JSON file, multi-document, possibly a `kind: List`
//    (as `kubectl get -o yaml|json` prints it; its items are delivered one by one);
//  - a directory holding kustomization.yaml / kustomization.yml / Kustomization:
//    built with `kustomize build DIR`, or `kubectl kustomize DIR` when kustomize is
//    absent. No plugins or exec functions are enabled and the load restrictor stays
//    at its default. A failed build is an error carrying the program's stderr.
//  - any other directory: every kustomization root below it that no other
//    kustomization below it includes, plus loose *.yaml / *.yml / *.json files
//    outside those roots. Symlinks that leave the tree are not followed, and
//    symlink loops are detected.
//
// Flux Kustomizations and Argo CD Applications found in what is read are
// built from the repository (README, "GitOps repositories"): a directory whose paths they
// cover is read only through them, each root is built once, two at a time.
//
// Objects coming from kustomize output get their positions transplanted from
// the original file when one original document matches by kind, name and
// namespace (kustomize rewrites some fields but keeps the shape), so errors and
// explanations point at the file the user edits.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "load/var_substitution.h"
#include "load/yaml_stream.h"
#include "model/diagnostic.h"
#include "model/options.h"
#include "model/source.h"

namespace netreach {

struct ReadOptions {
  // Program used for kustomization directories: "" means auto-detect
  // (`kustomize` on PATH, else `kubectl kustomize`).
  std::string kustomize_program;
  // A kustomize run taking longer is killed and reported as an error.
  std::chrono::seconds kustomize_timeout{120};
  YamlLimits yaml_limits;

  // GitOps repositories (load/flux.h, load/argocd.h): Flux Kustomizations and
  // Argo CD Applications found in the input are built from the repository.
  std::string repo_root;              // "" = the nearest directory with .git above the input
  Variables vars;                     // values for postBuild variables the repository lacks
  std::vector<std::string> exclude;   // globs of paths not read or built
  // A root that cannot be built and an unresolved variable are warnings
  // (the root skipped, the variable left as written) instead of errors.
  bool lenient = false;
  unsigned parallel_builds = 2;       // kustomize runs at a time
  LoadCounters* counters = nullptr;   // progress of the kustomize runs (model/options.h), optional
};

// One object found in the input.
struct ManifestObject {
  const YamlNode* node = nullptr;  // a mapping; valid only during the callback
  const SourceFile* file = nullptr;
  uint32_t document_index = 0;     // position of the document in its stream
};

// Reads every PATH in order and calls `on_object` for each object. Files and
// kustomize runs are registered in `sources` so positions stay valid. An
// error does not stop the reading: every path, file and document is read, and
// the failure holds every error, in the order found (warnings are returned
// only on success). Documents that are not mappings (a bare scalar or list at
// the top) and documents without apiVersion or kind are errors; the next
// document is still read.
Result<Diagnostics> read_manifests(const std::vector<std::string>& paths, SourceTable& sources,
                                   const ReadOptions& options,
                                   const std::function<void(const ManifestObject&)>& on_object);

// An input held in memory rather than in a file (tests, fuzzers, benchmarks):
// read as a YAML or JSON file would be, and shown in diagnostics as `name`.
struct ManifestText {
  std::string name;
  std::shared_ptr<const std::string> text;
};

// read_manifests() over in-memory inputs, in order.
Result<Diagnostics> read_manifest_texts(const std::vector<ManifestText>& inputs, SourceTable& sources,
                                        const ReadOptions& options,
                                        const std::function<void(const ManifestObject&)>& on_object);

}  // namespace netreach
