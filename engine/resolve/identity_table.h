// IdentityTable: every identity of the cluster, each label set once.
//
// Evaluation works per identity, never per pod (docs/semantics.md#identities): the 30
// replicas of a Deployment, and every pod with the same labels in the same
// namespace, share one identity. Reserved identities (host, world, ...) are in
// the table too, so selectors and entities are judged the same way for all.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/identity.h"
#include "model/labels.h"

namespace netreach {

using IdentityId = uint32_t;

enum class IdentityKind : uint8_t { Pod, Reserved };

struct Identity {
  IdentityId id = 0;
  IdentityKind kind = IdentityKind::Pod;
  LabelSet labels;
  std::string namespace_;                   // pods only
  std::optional<ReservedIdentity> reserved;  // reserved only

  // Is this a Cilium endpoint, i.e. something that enforces policy?
  // Pods, and the health, ingress and init endpoints (docs/semantics.md#ccnp-subjects). Not host (no
  // host firewall), world, remote-node, kube-apiserver or unmanaged.
  bool is_endpoint() const;
};

class IdentityTable {
 public:
  IdentityTable();  // creates the reserved identities

  IdentityId intern_pod(LabelSet labels, const std::string& namespace_);
  IdentityId reserved(ReservedIdentity id) const { return reserved_ids_[static_cast<size_t>(id)]; }

  const Identity& operator[](IdentityId id) const { return identities_[id]; }
  const std::vector<Identity>& all() const { return identities_; }
  size_t size() const { return identities_.size(); }
  size_t pod_identity_count() const { return identities_.size() - reserved_count_; }
  // Pod identities of one namespace (empty when none).
  const std::vector<IdentityId>& in_namespace(const std::string& namespace_) const;

 private:
  std::vector<Identity> identities_;
  // Hash of a label set -> identities with that hash (the label sets are
  // compared in identities_, so each is stored once). A hash, not a
  // std::map<LabelSet>: ordering label sets compares strings pairwise at every
  // level of the tree, and 150,000 pods make it show.
  std::unordered_multimap<size_t, IdentityId> by_labels_;
  std::map<std::string, std::vector<IdentityId>, std::less<>> by_namespace_;
  std::vector<IdentityId> reserved_ids_;
  size_t reserved_count_ = 0;
};

}  // namespace netreach
