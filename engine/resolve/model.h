// Model: a loaded cluster with its policies resolved per identity.
//
// Built once by resolve_model(); immutable afterwards, so queries may share it.
//  - every pod gets its identity (IdentityTable);
//  - every rule's subject selector is matched once against the candidate
//    identities (the policy's namespace for CNP/KNP, every endpoint for CCNP),
//    giving, per identity, the rules that select it (PolicyIndex);
//  - toServices entries are resolved against the cluster's Services (docs/semantics.md#toservices);
//  - the cluster-wide named-port map used by egress rules is built (docs/semantics.md#named-ports);
//  - CiliumCIDRGroups are indexed by name, for cidrGroupRef / cidrGroupSelector.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/cluster.h"
#include "model/options.h"
#include "resolve/identity_table.h"

namespace netreach {

// One rule of one policy.
struct RuleHandle {
  uint32_t policy = 0;
  uint32_t rule = 0;
};

// A toServices entry resolved to selectors over backend pods (docs/semantics.md#toservices).
struct ResolvedService {
  std::vector<std::string> services;  // "ns/name" of every matching Service
  std::vector<Selector> selectors;    // one per Service with a selector
  size_t selectorless = 0;            // matching Services without selector (need EndpointSlices)
};

class Model {
 public:
  Options options;
  Cluster cluster;
  IdentityTable identities;
  std::vector<IdentityId> pod_identity;  // parallel to cluster.pods (hostNetwork pods: unused)
  // Rules selecting each identity as subject, in a stable order.
  std::vector<std::vector<RuleHandle>> rules_selecting;
  std::map<const ServicePeer*, ResolvedService> services;
  // Cluster-wide named ports: name -> protocol -> numbers (docs/semantics.md#named-ports, egress).
  std::map<std::string, std::map<Protocol, std::set<uint16_t>>> named_ports;

  // Endpoint lookup for query() (a linear scan of 150,000 pods per endpoint
  // costs more than judging the flow). Keys are "namespace/name"; every list
  // is in cluster order, and callers still compare namespace and name, so a
  // key that collides (a name holding '/') only adds candidates.
  std::unordered_map<std::string, std::vector<uint32_t>> workloads_by_name;  // -> cluster.workloads
  std::unordered_map<std::string, std::vector<uint32_t>> pods_by_name;       // -> cluster.pods
  std::unordered_map<std::string, std::vector<uint32_t>> services_by_name;   // -> cluster.services
  std::unordered_map<std::string, std::vector<uint32_t>> pods_by_namespace;  // -> cluster.pods
  std::vector<std::vector<uint32_t>> pods_of_workload;                      // workload -> cluster.pods
  static std::string endpoint_key(std::string_view ns, std::string_view name);

  // CiliumCIDRGroups by name (-> cluster.cidr_groups).
  std::unordered_map<std::string, uint32_t> cidr_groups_by_name;
  const CidrGroup* cidr_group(const std::string& name) const;
  // The `cidrgroup:` labels of the identity Cilium gives the prefix `p` (an
  // address: its host prefix): those of every group with a CIDR containing it
  // (cidr_group_identity_labels; pkg/ipcache/metadata.go :: mergeParentLabels
  // gives a prefix the labels of every enclosing one, the longest prefix
  // winning a key two groups both set). Empty when no group contains `p`.
  LabelSet cidr_group_labels(const IpPrefix& p) const;
  LabelSet cidr_group_labels(const IpAddress& ip) const;

  const Policy& policy(RuleHandle h) const { return cluster.policies[h.policy]; }
  const Rule& rule(RuleHandle h) const { return cluster.policies[h.policy].rules[h.rule]; }
};

// The `cidrgroup:` labels Cilium gives the prefixes of one CiliumCIDRGroup:
// `io.cilium.policy.cidrgroupname/NAME` and the group's own labels, except
// the `io.cilium.k8s.policy` ones (pkg/policy/k8s/cilium_cidr_group.go ::
// applyCIDRGroup, pkg/k8s/utils :: RemoveCiliumLabels).
LabelSet cidr_group_identity_labels(const CidrGroup& group);

// Takes the cluster and resolves it.
std::shared_ptr<Model> resolve_model(Cluster cluster, const Options& options);

}  // namespace netreach
