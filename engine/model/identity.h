// Identity formation: the label set Cilium gives an endpoint (docs/semantics.md#identities).
//
// A pod's identity is its pod labels with source k8s, minus spoofed
// io.cilium.k8s* labels, plus the namespace, namespace-label, service-account
// and cluster labels Cilium adds, all passed through the label filter
// (pkg/k8s/utils/utils.go :: SanitizePodLabels, pkg/labelsfilter/filter.go).
// Reserved peers (world, host, ...) carry reserved: labels
// (pkg/identity/numericidentity.go).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/cluster.h"
#include "model/labels.h"

namespace netreach {

// Which default label filter to emulate (the filter changed across releases).
enum class LabelFilterVersion : uint8_t {
  V1_17,  // v1.17 / 1.18-dev, the release docs/semantics.md follows
  V1_19,  // January 2026 releases: also excludes topology.kubernetes.io (cilium PR #43725)
};

// pkg/labelsfilter/filter.go :: defaultLabelPrefixCfg + filterLabels, on a k8s label key.
bool label_filter_keeps(std::string_view key, LabelFilterVersion version = LabelFilterVersion::V1_17);

// The identity labels of a pod in `ns` (which may be null when undeclared).
LabelSet pod_identity_labels(const Pod& pod, const Namespace* ns, std::string_view cluster_name,
                             LabelFilterVersion version = LabelFilterVersion::V1_17);

// Reserved identities (pkg/identity/numericidentity.go). KubeApiserver is
// identity 7: the apiserver on a remote node, carrying both kube-apiserver and
// remote-node labels.
enum class ReservedIdentity : uint8_t {
  Host, World, Unmanaged, Health, Init, RemoteNode, KubeApiserver, Ingress
};
std::string_view to_string(ReservedIdentity id);
LabelSet reserved_identity_labels(ReservedIdentity id);

}  // namespace netreach
