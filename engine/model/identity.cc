#include "model/identity.h"

#include <algorithm>

#include <fmt/format.h>

namespace netreach {
namespace {

struct FilterRule {
  std::string_view prefix;  // matched at the start of the key
  bool include;
  bool contains = false;     // ".*beta.kubernetes.io": matches anywhere in the key
  LabelFilterVersion since = LabelFilterVersion::V1_17;
};

// pkg/labelsfilter/filter.go :: defaultLabelPrefixCfg. The reserved:.* rule
// applies to reserved labels only and is handled by the caller (pods carry only
// k8s labels). Rule "length" is the prefix length, as in Cilium.
constexpr FilterRule kDefaultFilter[] = {
    {"io.kubernetes.pod.namespace", true},
    {"io.cilium.k8s.namespace.labels", true},
    {"app.kubernetes.io", true},
    {"io.cilium.k8s.policy.cluster", true},
    {"io.kubernetes", false},
    {"kubernetes.io", false},
    {"statefulset.kubernetes.io/pod-name", false},
    {"apps.kubernetes.io/pod-index", false},
    {"batch.kubernetes.io/job-completion-index", false},
    {"batch.kubernetes.io/controller-uid", false},
    {"beta.kubernetes.io", false, /*contains=*/true},
    {"k8s.io", false},
    {"pod-template-generation", false},
    {"pod-template-hash", false},
    {"controller-revision-hash", false},
    {"controller-uid", false},
    {"annotation", false},
    {"etcd_node", false},
    // cilium PR #43725 (January 2026 releases): Kubernetes 1.35 copies node
    // topology labels onto pods; they no longer enter identities.
    {"topology.kubernetes.io", false, false, LabelFilterVersion::V1_19},
};

}  // namespace

bool label_filter_keeps(std::string_view key, LabelFilterVersion version) {
  size_t longest_include = 0;
  size_t shortest_exclude = SIZE_MAX;
  bool excluded = false;
  for (const auto& rule : kDefaultFilter) {
    if (static_cast<int>(rule.since) > static_cast<int>(version)) continue;
    bool hit = rule.contains ? key.find(rule.prefix) != std::string_view::npos
                             : key.starts_with(rule.prefix);
    if (!hit) continue;
    // ".*beta.kubernetes.io" is written with a ".*" prefix in Cilium: count it.
    size_t length = rule.prefix.size() + (rule.contains ? 2 : 0);
    if (rule.include) {
      longest_include = std::max(longest_include, length);
    } else {
      excluded = true;
      shortest_exclude = std::min(shortest_exclude, length);
    }
  }
  if (!excluded) return true;
  return longest_include > shortest_exclude;
}

LabelSet pod_identity_labels(const Pod& pod, const Namespace* ns, std::string_view cluster_name,
                             LabelFilterVersion version) {
  std::vector<Label> labels;
  labels.reserve(pod.labels.size() + 4 + (ns ? ns->labels.size() : 0));
  auto add = [&](std::string key, std::string value) {
    if (label_filter_keeps(key, version))
      labels.push_back({std::string(kSourceK8s), std::move(key), std::move(value)});
  };
  for (const auto& [key, value] : pod.labels) {
    // Spoofed Cilium labels are dropped; the namespace label is overwritten
    // below (pkg/k8s/utils/utils.go :: SanitizePodLabels).
    if (key.starts_with(kCiliumLabelPrefix) || key == kPodNamespaceLabel) continue;
    add(key, value);
  }
  add(std::string(kPodNamespaceLabel), pod.namespace_);
  if (ns) {
    for (const auto& [key, value] : ns->labels)
      add(fmt::format("{}{}", kNamespaceLabelsPrefix, key), value);
  } else {
    add(fmt::format("{}kubernetes.io/metadata.name", kNamespaceLabelsPrefix), pod.namespace_);
  }
  add(std::string(kServiceAccountLabel), pod.service_account);
  add(std::string(kClusterLabel), std::string(cluster_name));
  return LabelSet(std::move(labels));
}

std::string_view to_string(ReservedIdentity id) {
  switch (id) {
    case ReservedIdentity::Host: return "host";
    case ReservedIdentity::World: return "world";
    case ReservedIdentity::Unmanaged: return "unmanaged";
    case ReservedIdentity::Health: return "health";
    case ReservedIdentity::Init: return "init";
    case ReservedIdentity::RemoteNode: return "remote-node";
    case ReservedIdentity::KubeApiserver: return "kube-apiserver";
    case ReservedIdentity::Ingress: return "ingress";
  }
  return "?";
}

LabelSet reserved_identity_labels(ReservedIdentity id) {
  auto reserved = [](std::string_view key) {
    return Label{std::string(kSourceReserved), std::string(key), ""};
  };
  if (id == ReservedIdentity::KubeApiserver)
    return LabelSet({reserved("kube-apiserver"), reserved("remote-node")});
  return LabelSet({reserved(to_string(id))});
}

}  // namespace netreach
