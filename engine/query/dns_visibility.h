// dns_visibility: does Cilium's DNS proxy see a source's lookups of a name?
//
// toFQDNs allows only the addresses the proxy learned from DNS answers, and the
// proxy sees a lookup only when an egress rule of the source with `rules.dns`
// matching the name covers the DNS server on port 53 (pkg/policy/l4.go: such a
// rule redirects the port to the proxy, which refuses names outside its
// patterns; pkg/policy/api/fqdn.go: a toFQDNs selector selects nothing until
// names resolve). So this judges the actual DNS flow, both sides, with the
// ordinary evaluator: the source's egress to the DNS servers that rule names
// (the pods its toEndpoints / toServices select; the cluster DNS, pods
// `k8s-app: kube-dns` in kube-system, for a rule without peers or with
// cluster-wide entities; an address for toCIDR / toEntities world) on 53/UDP
// and 53/TCP, and the server's ingress from the source.
//
// A flow to `fqdn:NAME` is the source connecting to what it resolved, so its
// own lookup of NAME decides. (A node's DNS proxy shares what it learns among
// its endpoints' toFQDNs selectors, pkg/fqdn/namemanager/manager.go, which is why a flow
// to an address is judged on the DNS answers instead, in peer_match.cc.)
//
// The decision is data (an outcome, the rules, the flow judged); describe()
// puts it in words.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "query/peer_match.h"

namespace netreach {

enum class DnsOutcome : uint8_t {
  Seen,          // a lookup through a rule with matching rules.dns is allowed on both sides
  NoDnsRule,         // no egress rule of the source has rules.dns on port 53 matching the name
  NoServerSelected,  // the DNS rules select no DNS server of the input (the cluster DNS is judged instead)
  FlowDenied,        // every lookup through a DNS rule is denied on one side
  FlowUnknown,       // no lookup through a DNS rule is allowed, and one depends on a fact the input lacks
  NoServer,          // the DNS rules select no DNS server of the input, and the input has no cluster DNS pods
};

// One DNS lookup flow, judged on both sides.
struct DnsFlow {
  std::string from, to;  // display names
  Protocol protocol = Protocol::UDP;  // the port is 53
  bool through_dns_rule = false;      // a rule with matching rules.dns covers it on egress
  SideVerdict egress, ingress;
  Verdict verdict = Verdict::Deny;    // both sides, and through_dns_rule
};

struct DnsVisibility {
  Match seen = Match::No;
  DnsOutcome outcome = DnsOutcome::NoDnsRule;
  std::string name;                   // the name looked up; empty: any name
  std::vector<RuleRef> dns_rules;     // egress rules with rules.dns on 53 matching the name
  std::optional<DnsFlow> flow;        // the flow that decides (absent: none to judge)
  // Why the DNS rules do not cover the cluster DNS, when it was judged instead
  // of a server they select (for each rule: "CNP a/x spec.egress[0]: <why>").
  std::vector<std::string> rule_misses;

  // "DNS flow judged: a/app -> kube-system/coredns 53/UDP: allowed (...)"; empty without a flow.
  std::string describe_flow() const;
  // The whole decision in one sentence (for reasons and unknown facts).
  std::string describe(const std::string& source) const;
};

// `name`: nullopt asks about lookups of any name (an address against a
// matchPattern: which names resolve to it is unknown).
DnsVisibility dns_visibility(const Model& model, const SideSubject& source,
                             const std::vector<RuleHandle>& selecting, const std::optional<std::string>& name);

}  // namespace netreach
