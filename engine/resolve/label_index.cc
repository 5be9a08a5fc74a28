#include "resolve/label_index.h"

#include <algorithm>
#include <cstdint>

namespace netreach {

LabelIndex::LabelIndex(const IdentityTable& identities) : identities_(identities) {
  for (const auto& identity : identities.all())
    for (const auto& label : identity.labels.labels()) postings_[label.key][label.value].push_back(identity.id);
}

size_t LabelIndex::count(const Requirement& in) const {
  size_t n = 0;
  if (auto by_key = postings_.find(in.key.key); by_key != postings_.end())
    for (const auto& value : in.values)
      if (auto ids = by_key->second.find(value); ids != by_key->second.end()) n += ids->second.size();
  return n;
}

std::optional<std::vector<IdentityId>> LabelIndex::candidates(const std::vector<const Selector*>& selectors) const {
  const Requirement* best = nullptr;
  size_t best_count = SIZE_MAX;
  for (const Selector* selector : selectors)
    for (const auto& req : selector->requirements) {
      if (req.op != SelectorOp::In) continue;
      const size_t n = count(req);
      if (n < best_count) best = &req, best_count = n;
    }
  if (!best) return std::nullopt;
  std::vector<IdentityId> out;
  out.reserve(best_count);
  if (auto by_key = postings_.find(best->key.key); by_key != postings_.end())
    for (const auto& value : best->values)
      if (auto ids = by_key->second.find(value); ids != by_key->second.end())
        out.insert(out.end(), ids->second.begin(), ids->second.end());
  // Several sources may carry the same key and value: each identity once.
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool LabelIndex::any_match(const Selector& selector, bool pods_only) const {
  auto matches = [&](const Identity& identity) {
    return (!pods_only || identity.kind == IdentityKind::Pod) && selector.matches(identity.labels);
  };
  if (auto ids = candidates(selector))
    return std::any_of(ids->begin(), ids->end(), [&](IdentityId id) { return matches(identities_[id]); });
  const auto& all = identities_.all();
  return std::any_of(all.begin(), all.end(), matches);
}

}  // namespace netreach
