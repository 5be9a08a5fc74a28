// The lint rules: ids, names and words, in one place. Ids and names are
// stable (CI configurations and code-scanning views refer to them).
#include <algorithm>

#include "lint/finding.h"

namespace netreach {

const std::vector<LintRule>& lint_rules() {
  static const std::vector<LintRule> rules = {
      {"NR001", "namespace-lookalike-selector", Severity::Warning,
       "A peer selector names a label that looks like the namespace, but Cilium scopes it to the policy's own namespace.",
       "Cilium adds `k8s:io.kubernetes.pod.namespace: <policy namespace>` to every fromEndpoints/toEndpoints selector of "
       "a CiliumNetworkPolicy that does not name that key; a label such as `app.kubernetes.io/namespace` or `namespace` "
       "is an ordinary pod label, so the selector never leaves the policy's namespace. Name the namespace with "
       "`k8s:io.kubernetes.pod.namespace: NAME` instead (in a NetworkPolicy: a namespaceSelector).",
       "docs/semantics.md#cnp-peer-scoping"},
      {"NR002", "one-sided-flow", Severity::Warning,
       "One side allows a flow that the other side does not: the sender's egress allows a peer on a port its ingress "
       "denies, or the receiver's ingress allows a sender whose egress denies it.",
       "Cilium enforces egress on the sender and ingress on the receiver; a flow passes only when both allow it. A rule "
       "naming a peer that the peer's own policy refuses is a half-written intent: add the matching rule on the other "
       "side, or remove this one.",
       "docs/semantics.md#both-sides"},
      {"NR003", "selector-matches-nothing", Severity::Warning,
       "A subject or peer selector matches no pod of the input.",
       "The rule applies to nobody, or allows or denies nobody, in the input as given. Check the labels against the "
       "pods' labels; when pods are created by objects the input does not expand (HelmReleases, operators' custom "
       "resources), add their rendered manifests.",
       "docs/semantics.md#label-selectors"},
      {"NR004", "unknown-service-account", Severity::Warning,
       "A selector names a service account that no pod of the input (in the namespace it is scoped to) uses.",
       "`io.cilium.k8s.policy.serviceaccount` is the pod's spec.serviceAccountName (`default` when unset); a name no pod "
       "uses is usually a typo.",
       "docs/semantics.md#namespace-labels-and-service-accounts"},
      {"NR005", "allow-shadowed-by-deny", Severity::Warning,
       "An allow rule is always overridden by a deny rule: every subject, peer and port it allows is denied.",
       "Deny rules win over allow rules whatever policy they are in; this allow never lets anything through. Remove it, "
       "or narrow the deny rule.",
       "docs/semantics.md#deny-wins"},
      {"NR006", "rule-allows-nothing", Severity::Warning,
       "A rule allows nothing: toFQDNs whose lookups the DNS proxy never sees, toServices naming no Service, or named "
       "ports no pod defines.",
       "toFQDNs allows only addresses Cilium's DNS proxy learned, so the subject needs an egress rule with `rules.dns` "
       "on port 53 to its DNS server; toServices and named ports resolve against the cluster's Services and containers.",
       "docs/semantics.md#dns-visibility"},
      {"NR007", "ingress-from-world-all-ports", Severity::Warning,
       "An ingress rule lets `world` (or `all`, or every address) in on every port.",
       "Every address outside the cluster may open any port of the selected pods. Restrict the rule with toPorts, or "
       "to the address blocks that need it.",
       "docs/semantics.md#entities"},
      {"NR008", "default-deny-without-rules", Severity::Warning,
       "enableDefaultDeny is set true for a direction in which the rule has no rules: it has no effect.",
       "Cilium (1.16 to 1.18) reads enableDefaultDeny of a direction only for rules with ingress/ingressDeny (or "
       "egress/egressDeny) rules (pkg/policy/repository.go, computePolicyEnforcementAndRules); to deny a direction by "
       "default, add an empty rule (`ingress: [{}]`).",
       "docs/semantics.md#enabledefaultdeny"},
      {"NR009", "l7-rules-bypassed", Severity::Warning,
       "L7 rules on a port that another allow rule of the same subjects opens to the same peers without L7 rules: no "
       "request is filtered.",
       "Cilium merges the rules of one port and peer; one without L7 rules allows every request (an L7 wildcard), so the "
       "proxy filters nothing for those peers. Remove the plain L4 allow or add the L7 rules to it.",
       "docs/semantics.md#l7-verdict"},
      {"NR010", "deprecated-requires", Severity::Warning,
       "fromRequires/toRequires are deprecated and removed in Cilium 1.19.",
       "They AND a selector into every endpoint selector of every policy selecting the subject. Write the condition into "
       "the peer selectors, or express it as a deny rule.",
       "docs/semantics.md#fromrequires-and-torequires"},
      {"NR011", "yaml11-boolean-string", Severity::Warning,
       "An unquoted y/yes/on/n/no/off where a string belongs: YAML 1.1 (a raw `kubectl apply`) reads a boolean.",
       "netreach and kustomize read the string as written; `kubectl apply` of the raw file reads a boolean and the API "
       "server rejects the object. Quote it.",
       "docs/semantics.md#api-server-validation"},
  };
  return rules;
}

const LintRule* find_lint_rule(std::string_view id_or_name) {
  const auto& rules = lint_rules();
  auto it = std::find_if(rules.begin(), rules.end(), [&](const LintRule& r) { return r.id == id_or_name || r.name == id_or_name; });
  return it == rules.end() ? nullptr : &*it;
}

}  // namespace netreach
