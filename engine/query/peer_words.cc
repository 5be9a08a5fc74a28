// The words of a rule match. Every sentence the explanation shows about one
// rule element is here, built from the reason codes match_peer_rule returns;
// what a sentence cites (docs/semantics.md, Cilium sources) is the rule the
// matcher applied.
#include "query/peer_words.h"

#include <algorithm>

#include <fmt/format.h>

#include "query/dns_visibility.h"

namespace netreach {
namespace {

// "a", "a or b", "a, b or c"; callers never pass an empty list (an
// explanation never names an empty set), "nothing" guards it all the same.
std::string join_or(const std::vector<std::string>& items) {
  if (items.empty()) return "nothing";
  if (items.size() == 1) return items[0];
  return fmt::format("{} or {}", fmt::join(items.begin(), items.end() - 1, ", "), items.back());
}

std::string requirement_words(const MatchContext& ctx, const RequirementFailure& f) {
  const SidePeer& peer = ctx.peer;
  const Requirement& req = *f.requirement;
  const RuleRef& ref = *f.ref;
  const std::string& pns = peer.namespace_;
  const std::string& key = req.key.key;
  std::string field = ctx.direction == Direction::Ingress ? "fromEndpoints" : "toEndpoints";
  switch (f.why) {
    case RequirementMiss::PolicyNamespace: {
      const std::string& ns = req.values.empty() ? ref.policy_namespace : req.values[0];
      if (ref.kind == PolicyKind::NetworkPolicy) {
        if (!peer.is_pod)
          return fmt::format("a podSelector peer selects pods of namespace {} only; {} is not a pod (use an ipBlock for addresses outside the cluster)", ns, peer.display);
        return fmt::format("a podSelector without a namespaceSelector selects pods of the policy's namespace {} only; to select pods in {}, "
                           "add `namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: {}}}}}` to the same peer",
                           ns, pns, pns);
      }
      if (!peer.is_pod)
        return fmt::format("endpoint selectors of a CiliumNetworkPolicy select pods of namespace {} only (Cilium adds the policy's namespace); "
                           "{} is not a pod: select it with {} or {}",
                           ns, peer.display, ctx.direction == Direction::Ingress ? "fromEntities" : "toEntities",
                           ctx.direction == Direction::Ingress ? "fromCIDR" : "toCIDR");
      return fmt::format("this selector is scoped to namespace {} because it has no `k8s:io.kubernetes.pod.namespace` key "
                         "(Cilium adds the policy's namespace to every {} selector of a CiliumNetworkPolicy); "
                         "to select pods in {}, add `k8s:io.kubernetes.pod.namespace: {}`",
                         ns, field, pns, pns);
    }
    case RequirementMiss::ClusterwidePodsOnly:
      return fmt::format("in a CiliumClusterwideNetworkPolicy a selector without a namespace key selects pods only "
                         "(Cilium adds `k8s:io.kubernetes.pod.namespace` Exists); {} is not a pod: use entities or CIDRs for it",
                         peer.display);
    case RequirementMiss::Requires:
      return fmt::format("a fromRequires/toRequires term of a policy selecting {} also requires `{}`, which {} does not satisfy "
                         "(requirements are ANDed into every endpoint selector, docs/semantics.md#fromrequires-and-torequires)",
                         ctx.subject.display, req.to_string(), peer.display);
    case RequirementMiss::NotReserved:
      return fmt::format("{} is not the reserved identity `reserved:{}`", peer.display, key);
    case RequirementMiss::NamespaceLabelMissing: {
      std::string ns_key = key.substr(kNamespaceLabelsPrefix.size());
      return fmt::format("namespace {} has no label `{}` (wanted `{}: {}`)", pns, ns_key, ns_key, req.values[0]);
    }
    case RequirementMiss::NamespaceLabelDiffers: {
      std::string ns_key = key.substr(kNamespaceLabelsPrefix.size());
      return fmt::format("namespace {} has `{}: {}`, the selector wants `{}`", pns, ns_key, f.found, req.values[0]);
    }
    case RequirementMiss::NamespaceUnsatisfied:
      return fmt::format("namespace {} does not satisfy `{}`", pns, req.to_string());
    case RequirementMiss::LabelMissingNotPod:
      return fmt::format("{} has no label `{}` (it is not a pod)", peer.display, req.key.to_string());
    case RequirementMiss::LabelFiltered:
      return fmt::format("{}'s pod label `{}` is dropped by Cilium's default label filter, so it is never part of the identity "
                         "and no selector can match it (docs/semantics.md#label-filter): select on another label",
                         peer.display, key);
    case RequirementMiss::LabelMissing: {
      std::string text = fmt::format("{} has no label `{}`", peer.display, key);
      if (f.namespace_lookalike)
        text += fmt::format("; `{}` is an ordinary pod label, not the namespace: the namespace is selected with "
                            "`k8s:io.kubernetes.pod.namespace: {}`",
                            key, req.values.empty() ? "NAME" : req.values[0]);
      return text;
    }
    case RequirementMiss::LabelDiffers: {
      std::string wanted = req.values.size() == 1 ? req.values[0] : fmt::format("one of {}", fmt::join(req.values, ", "));
      return fmt::format("{} has `{}: {}`, the selector wants {}", peer.display, key, f.found, wanted);
    }
    case RequirementMiss::Unsatisfied:
      break;
  }
  return fmt::format("{} does not satisfy `{}`", peer.display, req.to_string());
}

std::string named_port_words(const MatchContext& ctx, const NamedPortFailure& f) {
  const std::string& name = f.entry->name;
  switch (f.why) {
    case NamedPortMiss::NoPod:
      return fmt::format("named port `{}` cannot be resolved on {}", name, ctx.subject.display);
    case NamedPortMiss::OtherProtocol:
      return fmt::format("named port `{}` is {} on {}, not {}", name, to_string(f.defined), ctx.subject.display,
                         to_string(ctx.protocol));
    case NamedPortMiss::Undefined:
      return fmt::format("named port `{}` is not defined by {}'s containers, so this entry allows nothing (docs/semantics.md#named-ports)", name,
                         ctx.subject.display);
    case NamedPortMiss::NotInCluster:
      return fmt::format("no pod in the cluster defines a {} port named `{}`, so this entry allows nothing (docs/semantics.md#named-ports)",
                         to_string(ctx.protocol), name);
    case NamedPortMiss::Ambiguous:
      return fmt::format("pods in the cluster define the {} port `{}` with different numbers ({}): Cilium cannot resolve it "
                         "on egress and drops the entry (docs/semantics.md#named-ports); use the number",
                         to_string(ctx.protocol), name, fmt::join(*f.numbers, ", "));
  }
  return name;
}

// What the port match adds to a match's description; empty when nothing.
std::string port_description(const MatchContext& ctx, const PortFinding& f) {
  if (f.reason == PortReason::NamedPort) return fmt::format("port {} (named port `{}` = {})", ctx.port, f.named->name, f.number);
  if (f.reason == PortReason::IcmpTypeZero) {
    const char* family = ctx.protocol == Protocol::ICMPv6 ? "ICMPv6" : "ICMP";
    return fmt::format("{} type 0 ({}) is port 0 to Cilium, which covers every {} type (issue cilium#41304; docs/semantics.md#icmp)",
                       family, f.icmp->ref.path, family);
  }
  return "";
}

// Why the port does not match; empty when it does.
std::string port_miss(const MatchContext& ctx, const PeerRule& rule, const PortFinding& f) {
  std::vector<std::string> listed;
  switch (f.reason) {
    case PortReason::IcmpOnly:
      return "this rule allows ICMP only (icmps), no port";
    case PortReason::NoPortListed:
      return "its toPorts entries list no port, so it allows no port";
    case PortReason::PortNotListed:
      for (const auto& pp : rule.ports) listed.push_back(pp.to_string());
      return fmt::format("it allows {} only, not {}", join_or(listed), flow_port_text(ctx.port, ctx.protocol));
    case PortReason::NotIcmp:
      return fmt::format("its toPorts cover TCP, UDP and SCTP only, never ICMP (toPorts ANY is TCP, UDP and SCTP; docs/semantics.md#icmp), so not {}",
                         flow_port_text(ctx.port, ctx.protocol));
    case PortReason::NoIcmpListed:
      return "its icmps entries list no field, so it allows no ICMP type";
    case PortReason::IcmpNotListed:
      for (const auto& f : rule.icmps) listed.push_back(fmt::format("{}:{}", f.ipv6 ? "icmpv6" : "icmp", f.type));
      return fmt::format("it allows {} only, not {}", join_or(listed), flow_port_text(ctx.port, ctx.protocol));
    case PortReason::AllPorts:
    case PortReason::Listed:
    case PortReason::NamedPort:
    case PortReason::IcmpTypeZero:
      break;
  }
  return "";
}

std::string group_list(const std::vector<const CidrGroup*>& groups) {
  std::vector<std::string> names;
  for (const CidrGroup* g : groups) names.push_back(fmt::format("{} ({})", g->name, g->cidrs_text()));
  return fmt::format("CiliumCIDRGroup{} {}", groups.size() == 1 ? "" : "s", fmt::join(names, ", "));
}

// The groups `entry` selects, in words: "CiliumCIDRGroup office (203.0.113.0/24)".
std::string selected_groups(const CidrGroupPeer& entry, const std::vector<const CidrGroup*>& groups) {
  if (!entry.selector) return groups.empty() ? fmt::format("CiliumCIDRGroup {}", entry.name) : group_list(groups);
  if (groups.empty()) return fmt::format("a CiliumCIDRGroup matching `{}`", entry.selector->to_string());
  return fmt::format("the {} that cidrGroupSelector `{}` selects", group_list(groups), entry.selector->to_string());
}

std::string except_text(const CidrGroupPeer& entry) {
  if (entry.except.empty()) return "";
  std::vector<std::string> ex;
  for (const auto& e : entry.except) ex.push_back(e.to_string());
  return fmt::format(" except {}", fmt::join(ex, ", "));
}

// A group entry's decision: "203.0.113.5 is in CiliumCIDRGroup office
// (203.0.113.0/24)", "whether world's address is in ...".
std::string group_words(const CidrGroupMatch& m, const CidrGroupPeer& entry, const std::string& peer) {
  switch (m.outcome) {
    case CidrGroupOutcome::InGroup:
      if (entry.selector)
        return fmt::format("{} is in {}, whose labels {}match cidrGroupSelector `{}`", peer, group_list(m.groups),
                           m.groups.size() > 1 ? "together " : "", entry.selector->to_string());
      return fmt::format("{} is in CiliumCIDRGroup {} ({})", peer, entry.name, m.prefix ? m.prefix->to_string() : "");
    case CidrGroupOutcome::CoversAll:
      return fmt::format("{} covers every external address ({})", selected_groups(entry, m.groups),
                         m.prefix ? m.prefix->to_string() : "");
    case CidrGroupOutcome::Excepted:
      return fmt::format("{} is in {} ({}), but this entry's except {} removes it", peer,
                         entry.selector ? group_list(m.groups) : "CiliumCIDRGroup " + entry.name,
                         m.prefix ? m.prefix->to_string() : "", m.except ? m.except->to_string() : "");
    case CidrGroupOutcome::NotInGroups:
      return fmt::format("{} is not in {}", peer, selected_groups(entry, m.groups));
    case CidrGroupOutcome::LabelsDoNotMatch: {
      std::vector<std::string> names, shown;
      for (const CidrGroup* g : m.groups) names.push_back(g->name);
      for (const auto& l : m.labels.labels())
        if (!l.key.starts_with("io.cilium.policy.cidrgroupname/"))  // the names, listed already
          shown.push_back(l.value.empty() ? l.key : fmt::format("{}={}", l.key, l.value));
      if (shown.empty()) shown.push_back("no labels but their names");
      return fmt::format("{} is in CiliumCIDRGroup{} {}, and its labels ({}; an address takes the labels of every group "
                         "containing it, the longest prefix winning a key) do not match cidrGroupSelector `{}`",
                         peer, names.size() == 1 ? "" : "s", fmt::join(names, ", "), fmt::join(shown, ", "),
                         entry.selector ? entry.selector->to_string() : "");
    }
    case CidrGroupOutcome::GroupMissing:
      return fmt::format("whether {} is in CiliumCIDRGroup {}{}: the input has no CiliumCIDRGroup {}", peer, entry.name,
                         except_text(entry), entry.name);
    case CidrGroupOutcome::NoGroupSelected:
      return fmt::format("whether {} is in a CiliumCIDRGroup matching cidrGroupSelector `{}`{}: no CiliumCIDRGroup of "
                         "the input matches it",
                         peer, entry.selector ? entry.selector->to_string() : "", except_text(entry));
    case CidrGroupOutcome::AddressUnknown:
      return fmt::format("whether {}'s address is in {}{}", peer, selected_groups(entry, m.groups), except_text(entry));
  }
  return peer;
}

std::vector<std::string> fqdn_names(const PeerRule& rule) {
  std::vector<std::string> written;
  for (const auto& f : rule.fqdns) written.push_back(f.match_name.empty() ? f.match_pattern : f.match_name);
  return written;
}

// The peer's part: fills `w`; false when the port has nothing to add
// (a rule that allows nothing is explained by its shape alone).
bool peer_words(const MatchContext& ctx, const RuleMatchResult& r, PeerWords& w) {
  const PeerRule& rule = *r.rule;
  const PeerFinding& f = r.peer_finding;
  const SidePeer& peer = ctx.peer;
  const std::string who = peer.ip ? peer.ip->to_string() : peer.display;
  switch (f.reason) {
    case PeerReason::ExplicitEmpty:
      w.reasons.push_back(fmt::format("its {} peer list is an explicit empty list `[]`, which selects nothing (docs/semantics.md#rule-shapes)",
                                      to_string(rule.peer_kind)));
      return false;
    case PeerReason::EmptyRule:
      w.reasons.push_back("an empty rule (no peer, no ports) allows nothing; it only turns on default deny (docs/semantics.md#rule-shapes)");
      return false;
    case PeerReason::AnyPeer:
      w.description = fmt::format("no {} peer field, so any peer ({} only)", ctx.direction == Direction::Ingress ? "from" : "to",
                                  rule.ports.empty() ? "ICMP" : "these ports");
      break;
    case PeerReason::SelectorSelects:
      w.description = fmt::format("{} selects {}", f.endpoint->selector.to_string(), peer.display);
      break;
    case PeerReason::SelectorFails:
      for (const auto& failure : f.failures) w.reasons.push_back(requirement_words(ctx, failure));
      break;
    case PeerReason::CidrContains:
      w.description = fmt::format("{} contains {}", f.cidr->rule.to_string(), peer.ip->to_string());
      break;
    case PeerReason::CidrCoversAll:
      w.description = fmt::format("{} covers every external address", f.cidr->rule.to_string());
      break;
    case PeerReason::CidrAddressUnknown:
      w.unknown_fact = fmt::format("whether {}'s address is in {}", peer.display, f.cidr->rule.to_string());
      break;
    case PeerReason::CidrGroupMatches:
      w.description = group_words(f.group_match, *f.group, who);
      break;
    case PeerReason::CidrGroupUnknown:
      w.unknown_fact = group_words(f.group_match, *f.group, who);
      break;
    case PeerReason::CidrNotExternal:
      w.reasons.push_back(fmt::format("CIDR rules match only addresses outside the cluster; {} is judged by its identity, "
                                      "never by its IP (docs/semantics.md#cidr-scope)",
                                      peer.display));
      break;
    case PeerReason::CidrNotIn: {
      std::vector<std::string> cidrs;
      for (const auto& c : rule.cidrs) cidrs.push_back(c.rule.to_string());
      if (!cidrs.empty()) w.reasons.push_back(fmt::format("{} is not in {}", who, join_or(cidrs)));
      for (const auto& [group, m] : f.group_misses) w.reasons.push_back(group_words(m, *group, who));
      break;
    }
    case PeerReason::CidrListEmpty:
      w.reasons.push_back("this rule's CIDR list names no address, so it selects nothing");
      break;
    case PeerReason::EntityIncludes:
      w.description = fmt::format("entity {} includes {}", to_string(f.entity->entity), peer.display);
      break;
    case PeerReason::EntitiesEmpty:
      w.reasons.push_back("its entity list names nothing, so it selects nothing");
      break;
    case PeerReason::EntitiesMiss: {
      std::vector<std::string> names;
      for (const auto& e : rule.entities) names.emplace_back(to_string(e.entity));
      std::string why = fmt::format("the entities {} do not include {}", fmt::join(names, ", "), peer.display);
      if (peer.is_pod && std::find(names.begin(), names.end(), "world") != names.end())
        why += " (world never includes pods or nodes, docs/semantics.md#entities)";
      w.reasons.push_back(why);
      break;
    }
    case PeerReason::ServiceBackend:
      w.description = fmt::format("toServices {} selects the backend {}", fmt::join(f.service->services, ", "), peer.display);
      break;
    case PeerReason::ServicesUnresolved: {
      const char* l4 = rule.has_to_ports ? "toPorts it" : "icmps it";
      const char* what = rule.has_to_ports ? "those ports" : "those ICMP types";
      w.description = rule.deny ? fmt::format("toServices in an egressDeny rule is never resolved, so with {} denies {} to every peer (docs/semantics.md#unresolved-toservices)", l4, what)
                                : fmt::format("toServices matches no Service in the input, which leaves the rule without peers: with {} allows {} to every peer (docs/semantics.md#unresolved-toservices)", l4, what);
      break;
    }
    case PeerReason::NoService:
      w.reasons.push_back("toServices matches no Service in the input, so this rule selects nothing");
      break;
    case PeerReason::SelectorlessService:
      w.unknown_fact = "the addresses of a Service without selector (its EndpointSlices are not evaluated)";
      break;
    case PeerReason::NotBackend:
      w.reasons.push_back(fmt::format("{} is not a backend of the Services named by toServices", peer.display));
      break;
    case PeerReason::FqdnNotExternal:
      w.reasons.push_back(fmt::format("toFQDNs selects only addresses outside the cluster; {} is not one (docs/semantics.md#fqdn-peers)", peer.display));
      break;
    case PeerReason::FqdnListEmpty:
      w.reasons.push_back("this rule's toFQDNs list names nothing, so it selects nothing");
      break;
    case PeerReason::FqdnNoMatch:
      w.reasons.push_back(fmt::format("toFQDNs {} does not match {} (`*` never crosses a dot, docs/semantics.md#fqdn-matching)",
                                      join_or(fqdn_names(rule)), peer.fqdn));
      break;
    case PeerReason::FqdnSeen:
    case PeerReason::FqdnDnsUnknown:
    case PeerReason::FqdnNotSeen: {
      const std::string& selector = f.fqdn->match_name.empty() ? f.fqdn->match_pattern : f.fqdn->match_name;
      if (f.reason == PeerReason::FqdnSeen)
        w.description = fmt::format("toFQDNs {} matches {}, whose lookups go through Cilium's DNS proxy ({})", selector,
                                    peer.fqdn, f.dns->describe_flow());
      else if (f.reason == PeerReason::FqdnDnsUnknown)
        w.unknown_fact = f.dns->describe(ctx.subject.display);
      else
        w.reasons.push_back(fmt::format("toFQDNs {} matches {}, but Cilium's DNS proxy never learns its addresses, so this "
                                        "rule allows nothing: {}",
                                        selector, peer.fqdn, f.dns->describe(ctx.subject.display)));
      break;
    }
    case PeerReason::FqdnAnswerUnknown:
      w.unknown_fact = fmt::format("whether DNS answers {} with {} (toFQDNs allows only the addresses of DNS answers "
                                   "for its names)",
                                   join_or(fqdn_names(rule)), peer.ip ? peer.ip->to_string() : fmt::format("the address behind {}", peer.display));
      break;
    case PeerReason::NeverPeers:
      w.reasons.push_back(fmt::format("{} peers never include {}", to_string(rule.peer_kind), peer.display));
      break;
    case PeerReason::GroupsUnknown:
      w.unknown_fact = "the addresses of cloud security groups (fromGroups/toGroups)";
      break;
    case PeerReason::NodesUnknown:
      w.unknown_fact = "the labels of the node behind this peer (fromNodes/toNodes)";
      break;
  }
  return true;
}

}  // namespace

PeerWords render_peer_reason(const MatchContext& ctx, const RuleMatchResult& result) {
  PeerWords w;
  if (!peer_words(ctx, result, w)) return w;
  // What the port match has to say follows what the peer match says.
  for (const auto& failure : result.port_finding.named_failures) w.reasons.push_back(named_port_words(ctx, failure));
  if (result.port == Match::No) w.reasons.push_back(port_miss(ctx, *result.rule, result.port_finding));
  std::string port = port_description(ctx, result.port_finding);
  if (!port.empty()) w.description += (w.description.empty() ? "" : "; ") + port;
  return w;
}

}  // namespace netreach
