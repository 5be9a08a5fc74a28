// Argo CD Applications (argoproj.io/v1alpha1): the paths of this repository
// an Application deploys, and where.
//
// Argo CD's repo-server (argo-cd reposerver/repository/repository.go,
// GenerateManifests) renders a source path as a kustomization when it holds
// one (kustomize build with the default load restrictor), as a Helm chart when
// it holds Chart.yaml, else as a plain directory of YAML/JSON manifests (its
// subdirectories only with spec.source.directory.recurse). The application
// controller then gives spec.destination.namespace to every namespaced object
// that has no namespace. An Application whose path holds more Applications
// (app-of-apps) deploys those in turn.
#pragma once

#include <string>
#include <vector>

#include "load/yaml_node.h"
#include "model/diagnostic.h"

namespace netreach {

struct ArgoSource {
  std::string repo_url;
  std::string path;       // relative to the repository root; "" for a chart source
  std::string chart;      // a Helm repository chart (not rendered)
  bool recurse = false;   // spec.source.directory.recurse
  std::vector<std::string> unapplied;  // options netreach does not apply ("kustomize", "helm", "plugin")
  SourcePos pos;
  SourcePos path_pos;
};

struct ArgoApplication {
  std::string namespace_, name;
  SourcePos pos;
  std::string destination_namespace;
  std::vector<ArgoSource> sources;  // spec.source, or each of spec.sources

  std::string display() const;  // "Argo CD Application argocd/root"
};

bool is_argo_application(const YamlNode& object);

// Errors: fields of the wrong type, with their position and path.
Result<ArgoApplication> parse_argo_application(const YamlNode& object);

}  // namespace netreach
