// ClusterGenerator: synthetic Kubernetes clusters as multi-document YAML, for
// benchmarks and scale tests.
//
// generate_cluster() writes realistic, valid manifests: Namespaces with labels,
// Deployments and StatefulSets with pod templates (app.kubernetes.io/* labels,
// containers with named ports), Services with selectors and targetPorts,
// CiliumNetworkPolicies (endpointSelector, fromEndpoints with some
// cross-namespace `k8s:io.kubernetes.pod.namespace` selectors, toPorts with
// string ports and upper-case protocols, egress to kube-dns with a DNS rule,
// some toEntities / toCIDRSet), CiliumClusterwideNetworkPolicies and
// networking.k8s.io/v1 NetworkPolicies (podSelector, namespaceSelector,
// ipBlock, ports). With include_pod_objects it also writes the Pod objects a
// `kubectl get pods -o yaml` dump holds (ownerReferences, pod-template-hash,
// status, managedFields noise), one document per Pod rather than one `kind:
// List`, so the stream can be read a document at a time.
//
// The output depends only on the ClusterSpec: the same seed gives the same bytes.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace netreach::bench {

struct ClusterSpec {
  uint64_t seed = 1;
  int namespaces = 10;
  int pods = 1000;               // spread over the namespaces
  int pods_per_deployment = 10;  // average replicas of a workload
  int policies = 100;            // ~70% CNP, ~10% CCNP, ~20% NetworkPolicy
  int services = -1;             // -1: one Service per workload
  bool include_pod_objects = false;
  bool include_workloads = true;  // Namespaces, Deployments, StatefulSets, Services
};

// Writes the cluster to `out`, buffered in large chunks.
void generate_cluster(const ClusterSpec& spec, std::ostream& out);
std::string generate_cluster(const ClusterSpec& spec);

}  // namespace netreach::bench
