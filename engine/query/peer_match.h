// match_peer_rule: does one PeerRule (an element of ingress/egress/...Deny)
// cover the flow's peer and port? With the reasons when it does not, worded
// for a person (these become the "closest rules" of an explanation).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "query/side_evaluator.h"

namespace netreach {

// Maybe: the answer depends on a fact the input lacks (an external address,
// a DNS answer, a cloud security group).
enum class Match : uint8_t { No, Yes, Maybe };

struct MatchContext {
  const Model& model;
  Direction direction;
  const SideSubject& subject;
  const SidePeer& peer;
  uint16_t port;
  Protocol protocol;
  // The subject's rules in this direction (for toFQDNs: is DNS visible?).
  const std::vector<RuleHandle>* selecting = nullptr;
};

struct RuleMatchResult {
  Match peer = Match::No;
  Match port = Match::No;
  std::optional<RuleRef> element_ref;  // the peer element that matched, or came closest
  std::string description;             // when matched: what matched
  std::vector<std::string> reasons;    // when not: why, in plain words
  std::string unknown_fact;            // when Maybe: the missing fact
  int score = 0;                       // closeness, for ranking near misses; < 0: allows nothing

  Match overall() const {
    if (peer == Match::No || port == Match::No) return Match::No;
    if (peer == Match::Maybe || port == Match::Maybe) return Match::Maybe;
    return Match::Yes;
  }
};

// `requires_`: the fromRequires/toRequires selectors of every rule selecting
// the subject (docs/semantics.md#fromrequires-and-torequires), ANDed into endpoint selectors.
RuleMatchResult match_peer_rule(const MatchContext& ctx, const PeerRule& rule,
                                const std::vector<const EndpointPeer*>& requires_);

// Entity semantics (pkg/policy/api/entity.go :: EntitySelectorMapping).
bool entity_matches(Entity entity, const LabelSet& peer, std::string_view cluster_name);

}  // namespace netreach
