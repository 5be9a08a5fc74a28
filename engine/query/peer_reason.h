// PeerFinding and PortFinding: what match_peer_rule decided about one rule
// element, and why, as data. A reason code with the arguments its words need
// (the requirement that failed and the label found, the namespace, the CIDR,
// the entity, the named port...); query/peer_words.h turns them into English,
// and only callers that show them pay for it. Pointers point into the Model
// and its rules, which outlive every match.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "resolve/model.h"

namespace netreach {

// Maybe: the answer depends on a fact the input lacks (an external address,
// a DNS answer, a cloud security group).
enum class Match : uint8_t { No, Yes, Maybe };

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
};

// Why one requirement of an endpoint selector fails for the peer.
enum class RequirementMiss : uint8_t {
  PolicyNamespace,        // added by Cilium (or a podSelector): the policy's namespace only
  ClusterwidePodsOnly,    // CCNP: the namespace key Exists, and the peer is not a pod
  Requires,               // a fromRequires/toRequires term of a rule selecting the subject
  NotReserved,            // `reserved:X`, and the peer is not that identity
  NamespaceLabelMissing,  // `io.cilium.k8s.namespace.labels.K=V`: the namespace lacks K
  NamespaceLabelDiffers,  // ... the namespace has K with another value
  NamespaceUnsatisfied,   // ... another operator the namespace's labels fail
  LabelMissingNotPod,     // K=V, the peer is not a pod and lacks K
  LabelFiltered,          // K=V, the pod has K but the label filter keeps it out of the identity
  LabelMissing,           // K=V, the pod lacks K
  LabelDiffers,           // K=V, the peer has K with another value
  Unsatisfied,            // another operator the peer's labels fail
};

struct RequirementFailure {
  RequirementMiss why = RequirementMiss::Unsatisfied;
  const Requirement* requirement = nullptr;
  const RuleRef* ref = nullptr;  // the element holding it (PolicyNamespace: the policy's kind and namespace)
  std::string_view found;        // *Differs: the value the peer (or its namespace) has, in the context's peer labels
  bool namespace_lookalike = false;  // LabelMissing: K looks like the namespace key
};

// Why a named port entry resolves to no number (docs/semantics.md#named-ports).
enum class NamedPortMiss : uint8_t {
  NoPod,           // ingress: the subject is not a pod, it has no containers
  OtherProtocol,   // ingress: the subject defines the name for another protocol
  Undefined,       // ingress: the subject's containers do not define the name
  NotInCluster,    // egress: no pod defines it for the protocol
  Ambiguous,       // egress: pods define it with different numbers
};

struct NamedPortFailure {
  NamedPortMiss why = NamedPortMiss::Undefined;
  const PortProtocol* entry = nullptr;
  Protocol defined = Protocol::TCP;                // OtherProtocol: the protocol the subject has it for
  const std::set<uint16_t>* numbers = nullptr;     // Ambiguous: the numbers pods give it
};

enum class PortReason : uint8_t {
  AllPorts,        // no toPorts, no icmps: every port and protocol
  Listed,          // a numbered entry (or an icmps type) covers the flow
  NamedPort,       // a named entry resolves to the flow's port
  IcmpTypeZero,    // an icmps field of type 0 covers every type of its family
  IcmpOnly,        // the rule has icmps only, the flow is not ICMP
  NoPortListed,    // toPorts lists no port
  PortNotListed,   // no entry covers the flow's port
  NotIcmp,         // an ICMP flow against toPorts only
  NoIcmpListed,    // icmps lists no field
  IcmpNotListed,   // no field has the flow's type
};

struct PortFinding {
  PortReason reason = PortReason::AllPorts;
  const PortProtocol* named = nullptr;   // NamedPort
  uint16_t number = 0;                   // NamedPort: what the name resolves to
  const IcmpField* icmp = nullptr;       // IcmpTypeZero
  std::vector<NamedPortFailure> named_failures;  // entries passed over, whatever the outcome
};

enum class PeerReason : uint8_t {
  // The peer matches.
  AnyPeer,             // no peer field, with toPorts or icmps
  SelectorSelects,     // `endpoint`'s selector
  CidrContains,        // `cidr` contains the address
  CidrCoversAll,       // `cidr` is every address, the address is unknown
  CidrGroupMatches,    // `group` / `group_match`: InGroup or CoversAll
  EntityIncludes,      // `entity`
  ServiceBackend,      // `service`: the peer is a backend of its Services
  ServicesUnresolved,  // toServices resolves to nothing: with L4 a wildcard
  FqdnSeen,            // `fqdn` matches the name, `dns` sees the lookups
  // It depends on a fact the input lacks.
  CidrAddressUnknown,  // `cidr`: whether the unknown address is in it
  CidrGroupUnknown,    // `group` / `group_match`
  SelectorlessService, // a Service without selector names addresses not in the input
  FqdnDnsUnknown,      // `fqdn` matches, `dns` cannot tell
  FqdnAnswerUnknown,   // an address (or world): whether DNS answers a name with it
  GroupsUnknown,       // fromGroups/toGroups
  NodesUnknown,        // fromNodes/toNodes
  // It does not.
  ExplicitEmpty,       // `fromEndpoints: []` and the like
  EmptyRule,           // no peer, no ports
  SelectorFails,       // `endpoint`, the closest selector: `failures`
  CidrNotExternal,     // CIDRs never match an identity in the cluster
  CidrNotIn,           // not in the CIDRs; `group_misses` for the groups
  CidrListEmpty,       // no CIDR, no group
  EntitiesMiss,        // the entities do not include the peer
  EntitiesEmpty,
  NoService,           // toServices matches no Service, without L4
  NotBackend,
  FqdnNotExternal,
  FqdnListEmpty,
  FqdnNoMatch,         // no selector matches the name
  FqdnNotSeen,         // `fqdn` matches, `dns`: the proxy never sees the lookups
  NeverPeers,          // fromGroups/toGroups or fromNodes/toNodes never include the peer
};

struct DnsVisibility;  // query/dns_visibility.h

struct PeerFinding {
  PeerReason reason = PeerReason::EmptyRule;
  const EndpointPeer* endpoint = nullptr;
  std::vector<RequirementFailure> failures;  // SelectorFails: the closest selector's failing terms
  const CidrPeer* cidr = nullptr;
  const CidrGroupPeer* group = nullptr;
  CidrGroupMatch group_match;
  std::vector<std::pair<const CidrGroupPeer*, CidrGroupMatch>> group_misses;  // CidrNotIn
  const EntityPeer* entity = nullptr;
  const ResolvedService* service = nullptr;
  const FqdnPeer* fqdn = nullptr;
  // toFQDNs: the DNS visibility decision, when one was made.
  std::shared_ptr<const DnsVisibility> dns;
};

}  // namespace netreach
