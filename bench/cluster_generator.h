// ClusterGenerator: synthetic Kubernetes clusters as multi-document YAML, for
// benchmarks and scale tests. Two shapes:
//
// Templates (the default): Namespaces with labels, Deployments and
// StatefulSets with pod templates (app.kubernetes.io/* labels, containers with
// named ports), Services with selectors and targetPorts,
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
// Envelope (envelope_spec()): the published Kubernetes scalability envelope as
// a pod dump. Namespaces, Services and policies, then one Pod object per pod
// (no workload objects: what `kubectl get pods -A -o yaml` prints, one
// document per Pod). At 150,000 pods: 2,000 namespaces, 10,000 workloads
// (Deployments mid-rollout with several ReplicaSets, StatefulSets, indexed
// Jobs, DaemonSets, some on the host network), so most pods carry labels
// Cilium's label filter drops (pod-template-hash, controller-revision-hash,
// statefulset.kubernetes.io/pod-name, apps.kubernetes.io/pod-index,
// batch.kubernetes.io/job-completion-index, controller-uid): about 130,000
// distinct pod label sets for about 10,000 identities. About 18,000 policies
// of every kind: a default CNP per namespace (same-namespace traffic, DNS with
// a DNS rule, Prometheus scraping by named port), per-workload CNPs with
// cross-namespace peers by namespace labels and by service account, entities,
// CIDR sets with except, ingressDeny/egressDeny with port ranges, toServices;
// NetworkPolicies with namespaceSelector, ipBlock with except, named ports and
// endPort; CiliumClusterwideNetworkPolicies by namespace label.
//
// The output depends only on the ClusterSpec: the same spec gives the same bytes.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace netreach::bench {

struct ClusterSpec {
  uint64_t seed = 1;
  int namespaces = 10;
  int pods = 1000;               // spread over the namespaces
  int pods_per_deployment = 10;  // average replicas of a workload (templates shape)
  int policies = 100;            // templates: ~70% CNP, ~10% CCNP, ~20% NetworkPolicy
  int services = -1;             // templates: -1 = one Service per workload
  bool include_pod_objects = false;
  bool include_workloads = true;  // templates: Namespaces, Deployments, StatefulSets, Services
  bool envelope = false;          // the envelope shape (above)
  int workloads = 0;              // envelope: workloads the pods belong to
};

// The envelope shape scaled to `pods` (150,000: the published envelope):
// namespaces pods/75, workloads pods/15, policies pods*3/25.
ClusterSpec envelope_spec(int pods, uint64_t seed = 1);

// What a generated cluster holds (counted while writing).
struct ClusterStats {
  long long bytes = 0, documents = 0;
  long long namespaces = 0, workloads = 0, pods = 0, services = 0;
  long long cnp = 0, ccnp = 0, knp = 0;
  long long distinct_pod_label_sets = 0;  // Pod objects' metadata.labels, as written
};

// One stream.
ClusterStats generate_cluster(const ClusterSpec& spec, std::ostream& out);
std::string generate_cluster(const ClusterSpec& spec);

// Files DIRECTORY/STEM-000.yaml, STEM-001.yaml, ... each at most part_bytes,
// split between documents (netreach refuses a file over 256 MiB). The paths
// written, in order, go to `paths`.
struct FileOutput {
  std::string directory;
  std::string stem = "cluster";
  long long part_bytes = 200ll << 20;
};
ClusterStats generate_cluster_files(const ClusterSpec& spec, const FileOutput& output, std::vector<std::string>& paths);

// An expectations file (apiVersion netreach/v1) over the cluster `spec`
// describes: `count` flows from its pods to its pods, Services, entities and
// addresses outside the cluster, stating ports every way an expectation can
// (numbers, NUMBER/PROTOCOL, a protocol field, named ports), half of them
// named, expecting allow or deny at random. The envelope shape only (its pod
// names do not depend on the cluster's writing).
void generate_expectations(const ClusterSpec& spec, int count, std::ostream& out);

}  // namespace netreach::bench
