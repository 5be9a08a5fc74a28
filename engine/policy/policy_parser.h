// parse_policy: a CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or
// networking.k8s.io/v1 NetworkPolicy object (a YAML mapping) -> Policy.
//
// Validation is the union of what the API server (CRD OpenAPI schema,
// docs/semantics.md#api-server-validation) and the agent (Rule.Sanitize,
// docs/semantics.md#agent-validation, #one-peer-kind-per-rule) reject, and a KNP is checked against
// networking.k8s.io/v1 (docs/semantics.md#schema). Every problem names the field path
// ("spec.ingress[0].toPorts[0].ports[0].port") and position.
//
// Strict (default): any problem is an Error; the caller refuses the input. Lenient: what a cluster
// would do. Unknown fields are pruned with a Warning (the API server prunes them, which may widen
// the rule: docs/semantics.md#pruned-fields); an object the API server or the agent would reject
// yields no policy and a Warning saying it is ignored (docs/semantics.md#whole-object-rejected:
// none of its rules apply, it causes no default deny).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "load/string_field.h"
#include "load/yaml_node.h"
#include "model/diagnostic.h"
#include "model/rule.h"

namespace netreach {

struct PolicyParseOptions {
  bool lenient = false;
  // enable-node-selector-labels (docs/semantics.md#fromnodes-and-tonodes); off by default in Cilium.
  bool enable_node_selector_labels = false;
  // Namespace used when metadata.namespace is absent (kubectl's default).
  std::string default_namespace = "default";
};

struct PolicyParseResult {
  std::optional<Policy> policy;  // absent when rejected
  Diagnostics diagnostics;       // errors (strict) or warnings (lenient), in document order
  // Plain y/yes/on/n/no/off read as strings; the loader warns once per file.
  std::vector<Yaml11Word> yaml11_words;
};

// ObjectMeta fields every object parser accepts and does not use.
std::span<const std::string_view> ignored_metadata_fields();

// `object` is the whole Kubernetes object. `kind` has already been read from it.
PolicyParseResult parse_policy(const YamlNode& object, PolicyKind kind,
                               const PolicyParseOptions& options);

}  // namespace netreach
