// Label, LabelSet and Selector: the vocabulary of identities and selectors.
//
// A Label is source:key=value as Cilium writes it (pkg/labels/labels.go):
// pods carry `k8s:` labels, reserved identities `reserved:` ones. A LabelSet is
// sorted by (key, source) so lookups by key are a binary search.
//
// A Selector is a Kubernetes LabelSelector in Cilium's extended form: every
// requirement key may carry a source ("k8s:app"), and a key without one has the
// source "any", which matches a label of that key from any source
// (pkg/labels/labels.go :: GetExtendedKeyFrom, parseSource).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace netreach {

inline constexpr std::string_view kSourceK8s = "k8s";
inline constexpr std::string_view kSourceReserved = "reserved";
inline constexpr std::string_view kSourceAny = "any";
inline constexpr std::string_view kSourceCidr = "cidr";
inline constexpr std::string_view kSourceCidrGroup = "cidrgroup";

struct Label {
  std::string source;
  std::string key;
  std::string value;

  std::string to_string() const;  // "k8s:app=web", "reserved:world"
  friend bool operator==(const Label&, const Label&) = default;
  friend auto operator<=>(const Label& a, const Label& b) {
    if (auto c = a.key <=> b.key; c != 0) return c;
    if (auto c = a.source <=> b.source; c != 0) return c;
    return a.value <=> b.value;
  }
};

// A selector key split into its source and key ("k8s:app" -> {"k8s","app"};
// "app" -> {"any","app"}; "reserved.host" -> {"reserved","host"}).
struct SelectorKey {
  std::string source;
  std::string key;
  static SelectorKey parse(std::string_view written);
  std::string to_string() const;  // "k8s:app" or "app" for the any source
  friend bool operator==(const SelectorKey&, const SelectorKey&) = default;
  friend auto operator<=>(const SelectorKey&, const SelectorKey&) = default;
};

class LabelSet {
 public:
  LabelSet() = default;
  explicit LabelSet(std::vector<Label> labels);  // sorts and removes duplicates by (source,key)

  const std::vector<Label>& labels() const { return labels_; }
  // The label with this key, honouring the selector source rules (any = every
  // source). With several sources for one key under "any", the first in order.
  const Label* find(const SelectorKey& key) const;
  bool has(const SelectorKey& key) const { return find(key) != nullptr; }
  bool empty() const { return labels_.empty(); }
  std::string to_string() const;  // "k8s:app=web, k8s:io.kubernetes.pod.namespace=a"
  friend bool operator==(const LabelSet&, const LabelSet&) = default;
  friend auto operator<=>(const LabelSet& a, const LabelSet& b) { return a.labels_ <=> b.labels_; }

 private:
  std::vector<Label> labels_;
};

enum class SelectorOp : uint8_t { In, NotIn, Exists, DoesNotExist };
std::string_view to_string(SelectorOp op);

// Why a requirement exists; lets explanations say "this term was added by
// Cilium because..." instead of pretending the user wrote it.
enum class RequirementOrigin : uint8_t {
  Written,              // matchLabels / matchExpressions as the user wrote them
  PolicyNamespace,      // CNP: k8s:io.kubernetes.pod.namespace=<policy ns> added (docs/semantics.md#cnp-subjects, #cnp-peer-scoping)
  ClusterwideNamespace, // CCNP: k8s:io.kubernetes.pod.namespace Exists added (docs/semantics.md#ccnp-peer-scoping)
  Requires,             // folded in from fromRequires / toRequires (docs/semantics.md#fromrequires-and-torequires)
  Translated,           // produced when translating a K8s NetworkPolicy (docs/semantics.md#kubernetes-networkpolicy)
};

struct Requirement {
  SelectorKey key;
  SelectorOp op = SelectorOp::In;
  std::vector<std::string> values;  // sorted
  RequirementOrigin origin = RequirementOrigin::Written;

  bool matches(const LabelSet& labels) const;
  std::string to_string() const;  // "k8s:app=web", "app in (a,b)", "!tier"
};

// An AND of requirements. No requirements selects everything.
struct Selector {
  std::vector<Requirement> requirements;

  bool matches(const LabelSet& labels) const;
  bool is_wildcard() const { return requirements.empty(); }
  // Mentions a key (with or without source prefix) named exactly `key`.
  bool mentions_key(std::string_view key) const;
  // Canonical text; equal selectors print equally (used as cache key).
  std::string to_string() const;
};

// Well-known label keys (pkg/k8s/apis/cilium.io/const.go).
inline constexpr std::string_view kPodNamespaceLabel = "io.kubernetes.pod.namespace";
inline constexpr std::string_view kNamespaceLabelsPrefix = "io.cilium.k8s.namespace.labels.";
inline constexpr std::string_view kServiceAccountLabel = "io.cilium.k8s.policy.serviceaccount";
inline constexpr std::string_view kClusterLabel = "io.cilium.k8s.policy.cluster";
inline constexpr std::string_view kCiliumLabelPrefix = "io.cilium.k8s";

}  // namespace netreach

template <>
struct fmt::formatter<netreach::SelectorOp> : fmt::formatter<std::string_view> {
  auto format(netreach::SelectorOp op, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(netreach::to_string(op), ctx);
  }
};
