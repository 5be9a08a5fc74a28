// The internal rule model: CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy
// and Kubernetes NetworkPolicy all become Policy values made of Rules.
//
// The model is "as Cilium reads it", after the agent's defaulting but before
// resolving against a cluster:
//  - peer and subject selectors already carry the namespace terms Cilium adds
//    (docs/semantics.md#cnp-subjects, #cnp-peer-scoping, #ccnp-peer-scoping), tagged with RequirementOrigin so explanations can
//    tell what the user wrote from what Cilium added;
//  - a KNP is translated to the same shape (docs/semantics.md#kubernetes-networkpolicy);
//  - enableDefaultDeny is defaulted (docs/semantics.md#enabledefaultdeny).
// Every piece keeps a RuleRef (policy, rule path, position; model/rule_ref.h)
// for explanations.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/cidr.h"
#include "model/http_rule.h"
#include "model/labels.h"
#include "model/protocol.h"
#include "model/rule_ref.h"
#include "model/source.h"

namespace netreach {

// Entities (pkg/policy/api/entity.go). WorldIPv4/WorldIPv6 are known to the
// agent but not in the CRD enum; strict validation rejects them (docs/semantics.md#api-server-validation).
enum class Entity : uint8_t {
  All, World, WorldIPv4, WorldIPv6, Cluster, Host, Init, Ingress, Unmanaged, RemoteNode, Health,
  None, KubeApiserver
};
std::string_view to_string(Entity entity);
std::optional<Entity> parse_entity(std::string_view text);  // exact, case-sensitive

// toFQDNs entry, also the items of a toPorts `rules.dns` list (docs/semantics.md#tofqdns-and-dns).
struct FqdnPeer {
  std::string match_name;     // lower-cased, without trailing dot
  std::string match_pattern;  // lower-cased
  RuleRef ref;

  // matchName: equal, ignoring case; matchPattern: `*` stands for any run of
  // [-a-z0-9_] and never crosses a dot (pkg/fqdn/matchpattern :: ToAnchoredRegexp).
  bool matches(std::string_view name) const;
};

// One `ports[]` entry of a toPorts rule, after defaulting.
struct PortProtocol {
  uint16_t port = 0;        // 0 = all ports (when name is empty)
  uint16_t end_port = 0;    // inclusive end of a range; 0 or <= port = single port
  std::string name;         // a named port (lower-cased); port is then 0 until resolved
  Protocol protocol = Protocol::Any;
  RuleRef ref;
  // The `rules.dns` of its toPorts item (egress only): DNS lookups on this port
  // go through Cilium's DNS proxy, which lets these names through and learns
  // their addresses for toFQDNs (docs/semantics.md#fqdn-peers). Empty: no DNS visibility here.
  std::vector<FqdnPeer> dns;
  // The L7 rules of its toPorts item: `l7` for any kind (http, kafka, dns,
  // l7proto), `http` the HTTP ones (ORed: a request passes when one matches).
  bool l7 = false;
  std::vector<HttpRule> http;

  bool is_named() const { return !name.empty(); }
  // Numeric ports only: does [port, end_port] contain p (port 0 = every port)?
  bool covers_number(uint16_t p) const;
  bool covers_protocol(Protocol p) const;  // Any covers TCP/UDP/SCTP, never ICMP
  std::string to_string() const;           // "5555/TCP", "8000-8080/ANY", "http/TCP"
};

// ICMP `fields[]` entry (docs/semantics.md#icmp).
struct IcmpField {
  bool ipv6 = false;
  uint8_t type = 0;
  RuleRef ref;
};

// The kinds of L3 peer a rule can name (docs/semantics.md#one-peer-kind-per-rule: at most one per rule).
enum class PeerKind : uint8_t {
  Wildcard,   // no L3 field at all: every identity (docs/semantics.md#rule-shapes)
  Endpoints,  // fromEndpoints / toEndpoints, and KNP podSelector/namespaceSelector
  Cidr,       // fromCIDR / fromCIDRSet / toCIDR / toCIDRSet / ipBlock
  Entities,   // fromEntities / toEntities
  Nodes,      // fromNodes / toNodes
  Services,   // toServices
  Fqdns,      // toFQDNs
  Groups,     // fromGroups / toGroups
};
std::string_view to_string(PeerKind kind);

struct EndpointPeer {
  Selector selector;
  RuleRef ref;  // path like "spec.egress[0].toEndpoints[1]"
};

struct CidrPeer {
  CidrRule rule;
  RuleRef ref;
};

// A toCIDRSet/fromCIDRSet entry that names CiliumCIDRGroups instead of a
// prefix: it selects the addresses in the groups' externalCIDRs, minus its
// excepts (pkg/policy/api/cidr.go :: CIDRRuleSlice.GetAsEndpointSelectors:
// the group label Exists, each except a `cidr:` DoesNotExist).
struct CidrGroupPeer {
  std::string name;                  // cidrGroupRef; empty with a selector
  std::optional<Selector> selector;  // cidrGroupSelector, over the groups' labels
  std::vector<IpPrefix> except;
  RuleRef ref;

  // "cidrGroupRef office", "cidrGroupSelector env=prod", with " except ..." when set.
  std::string to_string() const;
};

struct EntityPeer {
  Entity entity;
  RuleRef ref;
};

// toServices entry (docs/semantics.md#toservices). Resolved against the cluster's Services in resolve/.
struct ServicePeer {
  bool by_selector = false;           // k8sServiceSelector instead of k8sService
  std::string service_name;           // k8sService.serviceName
  std::string service_namespace;      // empty = any namespace (docs/semantics.md#toservices)
  Selector service_label_selector;    // k8sServiceSelector.selector (Service's own labels)
  RuleRef ref;
};

// Constructs netreach parses and validates but does not evaluate yet. A verdict
// that a rule carrying one of them could change says so (never silently).
enum class Unevaluated : uint8_t {
  L7Rules,          // toPorts[].rules: the L4 allow holds, requests are filtered by the proxy
  Authentication,   // authentication.mode: required
  Listener,         // toPorts[].listener
  TlsInspection,    // terminatingTLS / originatingTLS / serverNames
  Groups,           // fromGroups / toGroups (cloud security groups, resolved at runtime)
};
std::string_view to_string(Unevaluated what);

// One element of ingress / ingressDeny / egress / egressDeny.
struct PeerRule {
  Direction direction = Direction::Ingress;
  bool deny = false;
  RuleRef ref;  // "spec.ingress[0]"

  PeerKind peer_kind = PeerKind::Wildcard;
  // True when the L3 field was present as an explicit empty list
  // (`fromEndpoints: []`): selects nothing, even with toPorts (docs/semantics.md#rule-shapes).
  bool explicit_empty_peers = false;
  std::vector<EndpointPeer> endpoints;
  std::vector<CidrPeer> cidrs;
  std::vector<CidrGroupPeer> cidr_groups;  // toCIDRSet/fromCIDRSet entries with a group (PeerKind::Cidr)
  std::vector<EntityPeer> entities;
  std::vector<EndpointPeer> nodes;     // fromNodes / toNodes selectors (node labels)
  std::vector<ServicePeer> services;
  std::vector<FqdnPeer> fqdns;
  std::vector<EndpointPeer> requires_; // fromRequires / toRequires (docs/semantics.md#fromrequires-and-torequires)

  // toPorts flattened: every ports[] entry of every toPorts item. Empty with
  // has_to_ports == false means "no toPorts": all ports and protocols (docs/semantics.md#rule-shapes).
  bool has_to_ports = false;
  std::vector<PortProtocol> ports;
  bool has_icmps = false;
  std::vector<IcmpField> icmps;

  std::vector<Unevaluated> unevaluated;  // deduplicated
};

struct EnableDefaultDeny {
  bool ingress = true;
  bool egress = true;
};

// One rule: `spec`, one of `specs[]`, or a translated NetworkPolicy.
struct Rule {
  RuleRef ref;                    // "spec" / "specs[2]"
  bool node_selector = false;     // subject is nodes (host firewall), not endpoints
  Selector subject;               // endpointSelector / nodeSelector, namespace term included for CNP
  std::vector<PeerRule> ingress;
  std::vector<PeerRule> ingress_deny;
  std::vector<PeerRule> egress;
  std::vector<PeerRule> egress_deny;
  // Whether the lists were present and non-empty in the input (docs/semantics.md#default-deny: `[{}]`
  // counts, `[]` does not).
  EnableDefaultDeny default_deny;  // after defaulting (docs/semantics.md#enabledefaultdeny)
  // The directions enableDefaultDeny sets true as written, and where (lint:
  // true on a direction without rules does nothing).
  struct {
    bool ingress = false, egress = false;
    SourcePos pos;
  } default_deny_written;

  bool has_rules(Direction d) const {
    return d == Direction::Ingress ? !(ingress.empty() && ingress_deny.empty())
                                   : !(egress.empty() && egress_deny.empty());
  }
};

// A policy object as loaded: kind, identity, rules and where it came from.
struct Policy {
  PolicyKind kind = PolicyKind::CiliumNetworkPolicy;
  std::string namespace_;  // empty for CCNP
  std::string name;
  SourcePos pos;           // the object's `kind:` line or document start
  std::vector<Rule> rules;
  // A hash of spec/specs as written (keys sorted, positions left out): equal
  // hashes mean the same rules, so `diff` can tell a modified policy from an
  // unchanged one.
  size_t content_hash = 0;
};

}  // namespace netreach

template <>
struct fmt::formatter<netreach::Entity> : fmt::formatter<std::string_view> {
  auto format(netreach::Entity e, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(netreach::to_string(e), ctx);
  }
};
