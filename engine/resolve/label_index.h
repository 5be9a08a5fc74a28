// LabelIndex: the identities carrying each label (key -> value -> ids).
//
// Matching a selector against every identity is what made the load and the
// graph quadratic at 150,000 pods (18,000 policies x 10,000 identities). A
// selector with an In requirement (matchLabels is one, and so is the
// namespace a CNP adds to its peers) can only match identities carrying one
// of that requirement's labels, so those are the candidates; the full
// selector still decides. Cilium's selector cache does the same job
// incrementally (pkg/policy/selectorcache.go).
//
// The index points into the table's label sets: it lives no longer than the
// IdentityTable it was built from, and that table must not change meanwhile.
#pragma once

#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/labels.h"
#include "resolve/identity_table.h"

namespace netreach {

class LabelIndex {
 public:
  explicit LabelIndex(const IdentityTable& identities);

  // The identities that can satisfy every one of `selectors` (they are
  // ANDed): those carrying a value of the In requirement with the fewest
  // such identities, sorted, each once. nullopt when no selector has an In
  // requirement: any identity may match.
  std::optional<std::vector<IdentityId>> candidates(const std::vector<const Selector*>& selectors) const;
  std::optional<std::vector<IdentityId>> candidates(const Selector& selector) const {
    return candidates(std::vector<const Selector*>{&selector});
  }

  // Does some identity satisfy `selector`? (`pods_only`: a pod identity.)
  bool any_match(const Selector& selector, bool pods_only) const;

 private:
  size_t count(const Requirement& in) const;
  const IdentityTable& identities_;
  std::unordered_map<std::string_view, std::unordered_map<std::string_view, std::vector<IdentityId>>> postings_;
};

}  // namespace netreach
