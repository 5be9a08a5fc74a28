// Cluster: everything loaded from the manifests, as plain values.
//
// Pods come from Pod objects and from the pod templates of workloads: a
// Deployment with 30 replicas is one Pod value here, because every replica
// carries the same labels and therefore the same identity (docs/semantics.md#identities).
// A Pod object owned (through ownerReferences, possibly via a ReplicaSet or a
// Job) by a workload in the input is reported under that workload.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/diagnostic.h"
#include "model/labels.h"
#include "model/protocol.h"
#include "model/rule.h"
#include "model/source.h"

namespace netreach {

// Labels as written on an object: key -> value, sorted by key.
using LabelMap = std::vector<std::pair<std::string, std::string>>;

struct Namespace {
  std::string name;
  LabelMap labels;        // includes kubernetes.io/metadata.name
  bool declared = false;  // false: only referenced by other objects
  SourcePos pos;
};

struct ContainerPort {
  std::string name;  // may be empty
  uint16_t port = 0;
  Protocol protocol = Protocol::TCP;
};

// A workload that makes pods (Deployment, StatefulSet, DaemonSet, ReplicaSet,
// ReplicationController, Job, CronJob).
struct Workload {
  std::string kind;  // as written: "Deployment"
  std::string namespace_;
  std::string name;
  SourcePos pos;
};

struct Pod {
  std::string namespace_;
  std::string name;                  // Pod name, or the workload's name for a template
  std::optional<uint32_t> workload;  // index into Cluster::workloads
  // The controller above a Pod object whose owner is not in the input (a pod
  // dump without its ReplicaSets): kind and name as Hubble infers them
  // (Cilium's pkg/k8s/utils/workload.go :: GetWorkloadMetaFromPod): a
  // ReplicaSet whose name ends in the pod's pod-template-hash stands for its
  // Deployment, a Job named NAME-<8 to 10 digits> for CronJob NAME, any other
  // controller for itself. Empty when `workload` is set or there is no owner.
  std::string owner_kind, owner_name;
  bool from_template = false;        // made from a workload's pod template
  LabelMap labels;
  std::string service_account = "default";
  std::vector<ContainerPort> ports;  // spec.containers[].ports only (not initContainers: docs/semantics.md#named-ports)
  bool host_network = false;
  std::string node_name;             // spec.nodeName, if known
  SourcePos pos;

  // "partner-cp/partner-api" or "partner-cp/deploy/partner-api" style display.
  std::string display(const struct Cluster& cluster) const;
  // NS/NAME as query() takes it: the workload's name, else the pod's own.
  std::string endpoint_name(const struct Cluster& cluster) const;
};

struct ServicePort {
  std::string name;
  uint16_t port = 0;
  Protocol protocol = Protocol::TCP;
  uint16_t target_port = 0;        // numeric targetPort (defaults to port)
  std::string target_port_name;    // named targetPort, resolved per backend
};

struct Service {
  std::string namespace_;
  std::string name;
  LabelMap labels;                  // the Service object's own labels (k8sServiceSelector)
  std::optional<LabelMap> selector; // absent: a Service without selector
  std::vector<ServicePort> ports;
  SourcePos pos;
};

struct Node {
  std::string name;
  LabelMap labels;
  SourcePos pos;
};

// A plain y/yes/on/n/no/off read where a string belongs (load/string_field.h:
// the string as written, a boolean to a raw `kubectl apply`).
struct Yaml11Word {
  SourcePos pos;
  std::string path;  // field path, may be empty
  std::string text;  // as written
};

// Objects read but not relevant to reachability, counted by kind.
struct IgnoredKind {
  std::string api_version_kind;  // "apps/v1 ConfigMap"
  size_t count = 0;
  std::string reason;
};

struct Cluster {
  // Owns every SourceFile that positions point into; shared so that
  // diagnostics can outlive a cluster that failed to load.
  std::shared_ptr<SourceTable> sources = std::make_shared<SourceTable>();
  std::string cluster_name = "default";
  std::vector<Namespace> namespaces;
  std::vector<Workload> workloads;
  std::vector<Pod> pods;
  std::vector<Service> services;
  std::vector<Node> nodes;
  std::vector<Policy> policies;
  std::vector<CidrGroup> cidr_groups;  // CiliumCIDRGroup objects, one per name
  // Accounting (`netreach summary`): documents read per kind and what was ignored.
  std::map<std::string, size_t> objects_by_kind;
  std::vector<IgnoredKind> ignored;
  size_t documents_read = 0;
  Diagnostics warnings;
  // Every YAML 1.1 boolean word read as a string (the warnings name only the
  // first of each file; `lint` reports each).
  std::vector<Yaml11Word> yaml11_words;

  const Namespace* find_namespace(std::string_view name) const;
};

}  // namespace netreach
