// endpoint_match: which endpoint of the input one end of an observed flow is.
//
// In this order (the first that applies decides):
//   1. a pod (Hubble gave a namespace or a pod name):
//      a. a Pod object of the input with that namespace and name;
//      b. the workload Hubble names (flow.Endpoint.workloads), or that a Pod
//         object's ownerReferences name, when the input has it;
//      c. the workload whose controller made that pod name (a Deployment's
//         NAME-<template hash>-<5>, a StatefulSet's NAME-<ordinal>, a
//         DaemonSet's, Job's or ReplicaSet's NAME-<5>, a CronJob's
//         NAME-<schedule time>-<5>), the longest such name;
//      d. else its labels: the pods of the namespace whose labels (as
//         Cilium's label filter keeps them) and service account are the
//         flow's, when they all belong to one workload;
//      a pod none of these finds is unmatched: it is never judged as world.
//   2. a reserved identity (reserved:host, ..., or identity 1 to 10): that
//      entity; world with an address becomes the address, so CIDR rules apply;
//   3. an address without a pod (a CIDR identity, or nothing else known): the
//      address, a peer outside the cluster (world, or a CIDR rule's block).
#pragma once

#include <optional>
#include <string>

#include "replay/flow_reader.h"
#include "resolve/model.h"

namespace netreach {

struct MatchedEndpoint {
  std::string ref;    // as query() takes it: NS/KIND/NAME, NS/po/NAME, an entity, an address
  std::string group;  // the workload pair the report groups it under (the workload, not the pod)
  std::string how;    // "pod name", "workload", "generated pod name", "labels", "reserved identity", "address"
};

struct EndpointMatch {
  std::optional<MatchedEndpoint> endpoint;
  std::string unmatched;  // why not, when endpoint is absent
};

EndpointMatch match_endpoint(const Model& model, const ObservedEndpoint& observed, const std::string& ip);

// Does `pod_name` look like a pod the controller of `kind` named `workload`
// made? (pkg/controller names pods: the ReplicaSet NAME-<pod-template-hash>
// of a Deployment, then -<5 random characters>; a StatefulSet's -<ordinal>.)
bool is_generated_pod_name(const std::string& kind, const std::string& workload, const std::string& pod_name);

}  // namespace netreach
