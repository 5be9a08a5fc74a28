// match_peer_rule: does one PeerRule (an element of ingress/egress/...Deny)
// cover the flow's peer and port? The decision and its reasons are data
// (query/peer_reason.h); render_peer_reason (query/peer_words.h) words them
// for a person (they become the "closest rules" of an explanation), so the
// graph, which wants the decision only, formats nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "query/peer_reason.h"
#include "query/side_evaluator.h"

namespace netreach {

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
  const PeerRule* rule = nullptr;
  Match peer = Match::No;
  Match port = Match::No;
  std::optional<RuleRef> element_ref;  // the peer element that matched, or came closest
  PeerFinding peer_finding;            // why the peer matches, may, or does not
  PortFinding port_finding;            // why the port does or does not
  // Closeness, for ranking near misses, from the decision alone: the port
  // and peer matching, the user's own selector terms that hold, less those
  // that fail. < 0: the rule allows nothing at all.
  int score = 0;
  // The toPorts entry that covers the port (null for an L3-only rule): its L7
  // rules decide the request (docs/semantics.md#http-rules).
  const PortProtocol* port_entry = nullptr;

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

// `ip`: the peer's address; nullopt for an external peer of unknown address.
CidrGroupMatch match_cidr_group(const Model& model, const CidrGroupPeer& entry, const std::optional<IpAddress>& ip);

// A label key a person may take for the namespace (`namespace`,
// `app.kubernetes.io/namespace`, `kubernetes.io/metadata.name`, ...): the
// explanation's hint when a pod lacks it, and lint's namespace-lookalike rule.
bool looks_like_namespace_key(std::string_view key);

// The written requirement of a peer selector that Cilium scoped to the
// policy's namespace (docs/semantics.md#cnp-peer-scoping) whose key looks like
// the namespace: the selector looks cross-namespace and is not. Null when none.
const Requirement* namespace_lookalike(const Selector& selector);

// The identities a peer element selects, when identities alone tell
// (endpoint selectors, entities, an L3 wildcard with ports): for comparing
// rule elements (lint) and listing an endpoint's peers (explain). Nullopt for
// CIDRs, toFQDNs, toServices, nodes and groups, for an element that selects
// nothing by its shape, and when fromRequires/toRequires narrow it.
struct PeerIdentities {
  bool all = false;               // every identity (and every address)
  std::vector<IdentityId> ids;    // sorted, when not all
};
std::optional<PeerIdentities> peer_identities(const Model& model, const PeerRule& rule);

// Entity semantics (pkg/policy/api/entity.go :: EntitySelectorMapping).
bool entity_matches(Entity entity, const LabelSet& peer, std::string_view cluster_name);

}  // namespace netreach
