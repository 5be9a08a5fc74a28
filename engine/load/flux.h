// Flux Kustomizations (kustomize.toolkit.fluxcd.io/v1 and v1beta2): what one
// object asks kustomize-controller to build, and the kustomization netreach
// writes to build it the same way.
//
// kustomize-controller (fluxcd/pkg kustomize/kustomize_generator.go) builds
// spec.path of its source with
//  - a generated kustomization.yaml when the path has none: every *.yaml /
//    *.yml file below it, and each subdirectory holding a kustomization as one
//    resource (not descended into);
//  - spec.targetNamespace, namePrefix, nameSuffix, patches, images and
//    components written into that kustomization (components relative to the
//    path);
//  - the load restrictor off (LoadRestrictionsNone) on a file system that
//    refuses anything outside the source's root (filesys/fs_secure.go);
//  - postBuild substitution afterwards, object by object
//    (kustomize_varsub.go; see var_substitution.h).
// netreach writes the equivalent kustomization in a temporary directory, with
// the Flux fields on top of spec.path as its one resource, and builds that
// with `--load-restrictor LoadRestrictionsNone` only after checking itself
// that every path the tree references stays inside the repository root.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "load/var_substitution.h"
#include "load/yaml_node.h"
#include "model/diagnostic.h"

namespace netreach {

inline constexpr std::string_view kFluxKustomizeGroup = "kustomize.toolkit.fluxcd.io";
inline constexpr std::string_view kFluxSubstituteKey = "kustomize.toolkit.fluxcd.io/substitute";

struct FluxSubstituteFrom {
  std::string kind;  // ConfigMap or Secret
  std::string name;
  bool optional = false;
  SourcePos pos;
};

struct FluxKustomization {
  std::string namespace_, name;
  SourcePos pos;       // the object
  SourcePos path_pos;  // spec.path (the object when absent)
  std::string path;    // relative to the source's root ("./" when absent)
  // spec.sourceRef
  std::string source_kind, source_name, source_namespace;
  std::string target_namespace, name_prefix, name_suffix;
  std::vector<std::string> components;  // relative to path
  SourcePos components_pos;
  std::string patches_json, images_json;  // JSON arrays as kustomize reads them; "" when absent
  bool post_build = false;                // spec.postBuild is set: substitution runs
  Variables substitute;                   // spec.postBuild.substitute
  std::vector<FluxSubstituteFrom> substitute_from;

  std::string display() const;  // "Flux Kustomization flux-system/apps"
};

// True for the kinds this file reads: a Flux Kustomization.
bool is_flux_kustomization(const YamlNode& object);

// Reads a Flux Kustomization. Errors: fields of the wrong type, with their
// position and path.
Result<FluxKustomization> parse_flux_kustomization(const YamlNode& object);

// JSON text of a node (scalars as strings, numbers and booleans as written
// when their YAML type says so); the form the generated kustomization uses.
std::string yaml_to_json(const YamlNode& node);

// The kustomization that builds `k`'s path the way kustomize-controller does.
// `resources` are paths relative to the directory the file is written in:
// the path itself when it holds a kustomization, else what Flux's generator
// would list; `components` likewise relative.
std::string flux_wrapper_kustomization(const FluxKustomization& k, const std::vector<std::string>& resources,
                                       const std::vector<std::string>& components);

// What Flux's generator lists for a path without a kustomization: every
// *.yaml / *.yml file below `dir` (sorted, hidden entries skipped) and every
// subdirectory holding a kustomization file (not descended into).
std::vector<std::string> flux_generated_resources(const std::string& dir);

}  // namespace netreach
