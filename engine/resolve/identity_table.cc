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

namespace {

size_t hash_labels(const LabelSet& labels) {
  std::hash<std::string_view> h;
  size_t seed = labels.labels().size();
  for (const auto& l : labels.labels())
    seed = (seed * 1000003) ^ (h(l.source) + 31 * h(l.key) + 961 * h(l.value));
  return seed;
}

}  // namespace

IdentityId IdentityTable::intern_pod(LabelSet labels, const std::string& namespace_) {
  size_t hash = hash_labels(labels);
  auto [first, last] = by_labels_.equal_range(hash);
  for (auto it = first; it != last; ++it)
    if (identities_[it->second].labels == labels) return it->second;
  Identity identity;
  identity.id = static_cast<IdentityId>(identities_.size());
  identity.kind = IdentityKind::Pod;
  identity.labels = std::move(labels);
  identity.namespace_ = namespace_;
  by_labels_.emplace(hash, identity.id);
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
