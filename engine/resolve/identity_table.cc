#include "resolve/identity_table.h"

namespace netreach {

bool Identity::is_endpoint() const {
  if (kind == IdentityKind::Pod) return true;
  return reserved == ReservedIdentity::Health || reserved == ReservedIdentity::Ingress ||
         reserved == ReservedIdentity::Init;
}

IdentityTable::IdentityTable() {
  for (auto r : {ReservedIdentity::Host, ReservedIdentity::World, ReservedIdentity::Unmanaged,
                 ReservedIdentity::Health, ReservedIdentity::Init, ReservedIdentity::RemoteNode,
                 ReservedIdentity::KubeApiserver, ReservedIdentity::Ingress}) {
    Identity identity;
    identity.id = static_cast<IdentityId>(identities_.size());
    identity.kind = IdentityKind::Reserved;
    identity.labels = reserved_identity_labels(r);
    identity.reserved = r;
    if (reserved_ids_.size() <= static_cast<size_t>(r)) reserved_ids_.resize(static_cast<size_t>(r) + 1);
    reserved_ids_[static_cast<size_t>(r)] = identity.id;
    identities_.push_back(std::move(identity));
  }
  reserved_count_ = identities_.size();
}

IdentityId IdentityTable::intern_pod(LabelSet labels, const std::string& namespace_) {
  auto it = by_labels_.find(labels);
  if (it != by_labels_.end()) return it->second;
  Identity identity;
  identity.id = static_cast<IdentityId>(identities_.size());
  identity.kind = IdentityKind::Pod;
  identity.labels = labels;
  identity.namespace_ = namespace_;
  by_labels_.emplace(std::move(labels), identity.id);
  by_namespace_[namespace_].push_back(identity.id);
  identities_.push_back(std::move(identity));
  return identities_.back().id;
}

const std::vector<IdentityId>& IdentityTable::in_namespace(const std::string& namespace_) const {
  static const std::vector<IdentityId> empty;
  auto it = by_namespace_.find(namespace_);
  return it == by_namespace_.end() ? empty : it->second;
}

}  // namespace netreach
