// Brute-force reference evaluator for differential testing.
//
// Decides one flow straight from a Cluster's pods, namespaces and parsed
// policies, as a direct transcription of docs/semantics.md (decision procedure,
// identities, selectors, subjects, enforcement, endpoint peers, entities, CIDR
// rules, ports and protocols, deny and combination, Kubernetes NetworkPolicy):
// no identity table, no caches, no policy index, nothing shared with
// engine/query or engine/resolve. It is deliberately slow and simple: every
// call re-forms both peers' label sets and walks every rule of every policy.
//
// What it relies on from the engine: the parsed rule model (model/rule.h:
// selectors already carrying Cilium's namespace terms, KNP already translated,
// enableDefaultDeny already defaulted) and IpAddress::parse. Label filtering,
// label formation, selector matching, CIDR matching, entity matching, port and
// named-port resolution and the deny/allow/enforcement combination are all
// re-implemented here.
//
// Assumptions (the engine's defaults): cluster-name "default", enforcement mode
// "default", allow-localhost=always, policy-cidr-match-mode unset,
// policy-default-local-cluster off, single-stack IPv4, no host firewall.
// Services, hostNetwork pods and toFQDNs are judged from docs/semantics.md
// (#service-backends, #toservices, #hostnetwork-pods, #fqdn-peers,
// #dns-visibility): a Service destination is its backends on their
// targetPort; a hostNetwork pod is `host` or `remote-node` to the other end by
// placement (both placements judged when spec.nodeName does not decide); a
// `fqdn:NAME` destination is allowed by toFQDNs only when the subject's lookup
// of NAME is allowed to a DNS server through a rule with `rules.dns` matching
// it. L7 rules keep their L4 allow (docs/semantics.md#l7-verdict).
// Constructs it does not evaluate (toNodes, groups, authentication, listeners,
// kube-apiserver entity on nodes, DNS rules towards entities or CIDRs) make it
// return Verdict::Unknown; the generator does not emit them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/cidr.h"
#include "model/cluster.h"
#include "netreach.h"

namespace netreach::differential {

// One end of a flow.
struct BfPeer {
  enum class Kind : uint8_t { Pod, World, Host, RemoteNode, Fqdn };
  Kind kind = Kind::Pod;
  const Pod* pod = nullptr;  // Kind::Pod (a hostNetwork pod too: placement decides what it is)
  IpAddress ip;              // Kind::World: an address outside the cluster
  std::string fqdn;          // Kind::Fqdn: a name outside the cluster, lower-case, no trailing dot

  static BfPeer of(const Pod& p) { return BfPeer{Kind::Pod, &p, {}}; }
  static BfPeer world(const IpAddress& a) { return BfPeer{Kind::World, nullptr, a}; }
  static BfPeer host() { return BfPeer{Kind::Host, nullptr, {}}; }
  static BfPeer remote_node() { return BfPeer{Kind::RemoteNode, nullptr, {}}; }
  static BfPeer name(std::string n) { return BfPeer{Kind::Fqdn, nullptr, {}, std::move(n)}; }
};

// What a judged flow went through, so that a run can show it compared what it meant to.
struct BfTrace {
  size_t services_matched = 0;  // a toServices element selected the peer as a backend
  size_t fqdns_named = 0;       // a toFQDNs selector matched the destination name (DNS visibility judged)
  size_t fqdns_matched = 0;     // ... and the subject's lookups of it were seen: the element selected it
};

// allow_localhost: the agent's allow-localhost=always (docs/semantics.md#allow-localhost); false = "policy".
Verdict brute_force_verdict(const Cluster& cluster, const BfPeer& from, const BfPeer& to, uint16_t port,
                            Protocol protocol, bool allow_localhost = true, BfTrace* trace = nullptr);

inline Verdict brute_force_verdict(const Cluster& cluster, const Pod& from, const Pod& to, uint16_t port,
                                   Protocol protocol) {
  return brute_force_verdict(cluster, BfPeer::of(from), BfPeer::of(to), port, protocol);
}

// A connection to a Service port: one flow per backend on its targetPort; no backend serving it is a
// deny, backends that disagree are unknown (docs/semantics.md#service-backends).
Verdict brute_force_service_verdict(const Cluster& cluster, const BfPeer& from, const Service& service, uint16_t port,
                                    Protocol protocol, bool allow_localhost = true, BfTrace* trace = nullptr);

// The label set (source, key, value) an endpoint's identity carries (docs/semantics.md#identities), as
// "source:key=value" strings, sorted. Exposed for tests and mismatch reports.
std::vector<std::string> brute_force_identity(const Cluster& cluster, const BfPeer& peer);

}  // namespace netreach::differential
