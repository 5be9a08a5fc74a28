// Seeded generator of small random clusters and policies, as YAML text, for
// differential testing (brute_force.h vs netreach::query).
//
// A cluster has 2-4 namespaces, 3-8 Pods (some hostNetwork, some placed on
// one of two nodes by spec.nodeName), often a cluster DNS pod in kube-system,
// 0-3 Services (selector or none, numeric or named targetPort) and 1-6
// policies (CNP, CCNP, KNP) drawn from small vocabularies so that selectors
// hit; CNP egress rules name Services (toServices), names (toFQDNs) and the
// DNS proxy (toPorts on 53 with rules.dns). Every generated
// manifest is meant to be valid under netreach's strict validation.
//
// The generator builds a YAML tree first; `reordered()` shuffles documents,
// every list and every mapping's key order (all are order-insensitive in the
// manifests generated), which the reorder test uses to check that verdicts do
// not depend on order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace netreach::differential {

// A minimal YAML tree: scalar, sequence or mapping (ordered).
struct YNodeEntry;

// (Entries are a separate type, defined below, because a vector of pairs
// holding the enclosing type is incomplete for clang's libstdc++ checks.)
struct YNode {
  enum class Kind : uint8_t { Scalar, Seq, Map };
  Kind kind = Kind::Scalar;
  std::string scalar;
  bool quoted = true;  // scalars are double-quoted unless plain (numbers, booleans)
  std::vector<YNode> items;         // Seq
  std::vector<YNodeEntry> entries;  // Map

  static YNode str(std::string s);
  static YNode plain(std::string s);
  static YNode seq();
  static YNode map();
  YNode& add(YNode item);
  YNode& set(std::string key, YNode value);
};

// A mapping entry; `first`/`second` as in the std::pair it replaces.
struct YNodeEntry {
  std::string first;
  YNode second;
};

inline YNode YNode::str(std::string s) { return YNode{Kind::Scalar, std::move(s), true, {}, {}}; }
inline YNode YNode::plain(std::string s) { return YNode{Kind::Scalar, std::move(s), false, {}, {}}; }
inline YNode YNode::seq() { return YNode{Kind::Seq, {}, false, {}, {}}; }
inline YNode YNode::map() { return YNode{Kind::Map, {}, false, {}, {}}; }
inline YNode& YNode::add(YNode item) {
  items.push_back(std::move(item));
  return items.back();
}
inline YNode& YNode::set(std::string key, YNode value) {
  entries.push_back(YNodeEntry{std::move(key), std::move(value)});
  return entries.back().second;
}

struct GeneratedCluster {
  uint64_t seed = 0;
  std::vector<YNode> documents;
  // Query vocabulary.
  std::vector<std::string> pods;          // "ns/name", every Pod
  std::vector<std::string> external_ips;  // addresses outside the cluster
  // "ns/svc/name" with the number and protocol of each of its ports ("80/TCP").
  struct ServiceTarget {
    std::string service;
    std::string port;  // "80/TCP"
  };
  std::vector<ServiceTarget> service_targets;
  std::vector<std::string> fqdn_names;  // "fqdn:NAME" destinations

  std::string yaml() const;
  // The same cluster with documents, lists and mapping keys shuffled by `shuffle_seed`.
  GeneratedCluster reordered(uint64_t shuffle_seed) const;
};

GeneratedCluster generate_cluster(uint64_t seed);

std::string to_yaml(const YNode& node);

}  // namespace netreach::differential
