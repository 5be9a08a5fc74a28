// match_peer_rule: does one PeerRule (an element of ingress/egress/...Deny)
// cover the flow's peer and port? With the reasons when it does not, worded
// for a person (these become the "closest rules" of an explanation).
#pragma once

#include <memory>
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

struct DnsVisibility;  // query/dns_visibility.h

struct RuleMatchResult {
  Match peer = Match::No;
  Match port = Match::No;
  std::optional<RuleRef> element_ref;  // the peer element that matched, or came closest
  std::string description;             // when matched: what matched
  std::vector<std::string> reasons;    // when not: why, in plain words
  std::string unknown_fact;            // when Maybe: the missing fact
  int score = 0;                       // closeness, for ranking near misses; < 0: allows nothing
  // toFQDNs: the DNS visibility decision behind the result, when one was made.
  std::shared_ptr<const DnsVisibility> dns;
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

// How a toCIDRSet/fromCIDRSet group entry judges an external peer.
enum class CidrGroupOutcome : uint8_t {
  InGroup,          // the address is in a CIDR of a group the entry selects
  CoversAll,        // no address known, but a selected group covers every address
  Excepted,         // it is in a selected group, but one of the entry's excepts removes it
  NotInGroups,      // the entry selects groups of the input, none contains it
  LabelsDoNotMatch, // cidrGroupSelector: the groups containing the address carry labels it does not match
  GroupMissing,     // cidrGroupRef names a group the input does not have
  NoGroupSelected,  // cidrGroupSelector selects no group of the input
  AddressUnknown,   // no address known (world): it depends on it
};

struct CidrGroupMatch {
  Match match = Match::No;
  CidrGroupOutcome outcome = CidrGroupOutcome::NotInGroups;
  // The groups the entry selects (for a selector: those with a prefix whose
  // labels it matches); for a selector on an address in a group (InGroup,
  // Excepted, LabelsDoNotMatch): the groups containing the address.
  std::vector<const CidrGroup*> groups;
  LabelSet labels;                 // selector on an address: the address's cidrgroup labels
  std::optional<IpPrefix> prefix;  // InGroup / Excepted: the group CIDR containing the address
  std::optional<IpPrefix> except;  // Excepted: the except removing it

  // The decision in words: "203.0.113.5 is in CiliumCIDRGroup office (203.0.113.0/24)",
  // "whether world's address is in ...".
  std::string describe(const CidrGroupPeer& entry, const std::string& peer) const;
};

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
