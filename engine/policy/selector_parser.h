// parse_selector: a LabelSelector written in a policy (matchLabels /
// matchExpressions) -> Selector, validated as the API server and the agent do.
//
// matchLabels become In requirements with one value; matchExpressions are kept
// as written (values sorted). Keys are split by SelectorKey::parse (source
// prefixes, docs/semantics.md#label-sources) unless SelectorParseOptions says to prefix them (KNP keys are
// plain Kubernetes label keys that Cilium prefixes with `k8s:`, docs/semantics.md#knp-subject).
//
// Validation (docs/semantics.md#api-server-validation, #agent-validation): operator
// In|NotIn|Exists|DoesNotExist; In/NotIn need values, Exists/DoesNotExist none; label values <= 63
// characters of the label-value pattern; keys are Kubernetes qualified names (checked in Cilium's
// internal `source.key` form, as EndpointSelector.sanitize sees them).
//
// The namespace-scoping helpers apply what Cilium adds to subjects (docs/semantics.md#cnp-subjects)
// and peers (docs/semantics.md#cnp-peer-scoping, #ccnp-peer-scoping), each term tagged with its
// RequirementOrigin.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/labels.h"
#include "model/rule.h"
#include "policy/field_reader.h"

namespace netreach {

struct SelectorParseOptions {
  // Non-empty: keys are plain label keys; each becomes `key_source:key_prefix+key`.
  std::string_view key_source;
  std::string_view key_prefix;
  // A matchLabels key (as written) to drop (CNP subject: the namespace label,
  // docs/semantics.md#cnp-subjects).
  std::string_view drop_match_label;
  RequirementOrigin origin = RequirementOrigin::Written;
  // Unknown-field hints for this position (e.g. namespaceSelector under toEndpoints).
  std::span<const FieldHint> hints;
  std::string_view unknown_consequence;
};

// nullopt when `node` is not a mapping (reported). Problems inside are
// reported and the requirement skipped.
std::optional<Selector> parse_selector(ParseContext& ctx, const YamlNode& node,
                                       const std::string& path,
                                       const SelectorParseOptions& options = {});

// Kubernetes validation (k8s.io/apimachinery/pkg/util/validation).
bool is_valid_label_value(std::string_view value);
// Empty when `key` is a valid qualified name ("prefix/name"), else why not.
std::string qualified_name_problem(std::string_view key);
// What a label value must be, for messages ("invalid label value \"x\": " + this).
inline constexpr std::string_view kLabelValueRule =
    "at most 63 characters, alphanumeric, '-', '_' or '.', starting and ending with an alphanumeric character";
// DNS-1123 subdomain (object names): lower-case labels joined by '.', at most 253 characters.
bool is_dns1123_subdomain(std::string_view s);
// DNS-1123 label (namespace names): lower-case alphanumeric or '-', at most 63
// characters, starting and ending with an alphanumeric character.
bool is_dns1123_label(std::string_view s);

// docs/semantics.md#cnp-subjects (utils.go :: ParseToCiliumRule): CNP subject gets
// k8s:io.kubernetes.pod.namespace=<ns> (the caller dropped a written k8s: one).
void add_cnp_subject_namespace(Selector& subject, const std::string& policy_namespace);

// docs/semantics.md#cnp-peer-scoping, #ccnp-peer-scoping (utils.go :: getEndpointSelector): the
// term Cilium adds to a peer selector. `is_requires` drops the reserved-key exception (fromRequires
// / toRequires go through it without the k8s prefix flag).
void scope_peer_selector(Selector& peer, PolicyKind kind, const std::string& policy_namespace,
                         bool subject_selects_init, bool is_requires);

}  // namespace netreach
