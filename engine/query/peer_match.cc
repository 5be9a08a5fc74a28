#include "query/peer_match.h"

#include <algorithm>

#include <fmt/format.h>

#include "query/dns_visibility.h"

namespace netreach {
namespace {

bool has_reserved(const LabelSet& labels, std::string_view name) {
  return labels.has(SelectorKey{std::string(kSourceReserved), std::string(name)});
}

// "a", "a or b", "a, b or c"; callers never pass an empty list (an
// explanation never names an empty set), "nothing" guards it all the same.
std::string join_or(const std::vector<std::string>& items) {
  if (items.empty()) return "nothing";
  if (items.size() == 1) return items[0];
  return fmt::format("{} or {}", fmt::join(items.begin(), items.end() - 1, ", "), items.back());
}

// Why requirement `req` fails for the peer, in plain words.
std::string explain_requirement(const MatchContext& ctx, const Requirement& req, const RuleRef& ref) {
  const SidePeer& peer = ctx.peer;
  const std::string& pns = peer.namespace_;
  std::string field = ctx.direction == Direction::Ingress ? "fromEndpoints" : "toEndpoints";
  switch (req.origin) {
    case RequirementOrigin::PolicyNamespace: {
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
    case RequirementOrigin::ClusterwideNamespace:
      return fmt::format("in a CiliumClusterwideNetworkPolicy a selector without a namespace key selects pods only "
                         "(Cilium adds `k8s:io.kubernetes.pod.namespace` Exists); {} is not a pod: use entities or CIDRs for it",
                         peer.display);
    case RequirementOrigin::Requires:
      return fmt::format("a fromRequires/toRequires term of a policy selecting {} also requires `{}`, which {} does not satisfy "
                         "(requirements are ANDed into every endpoint selector, docs/semantics.md#fromrequires-and-torequires)",
                         ctx.subject.display, req.to_string(), peer.display);
    case RequirementOrigin::Translated:
    case RequirementOrigin::Written:
      break;
  }
  const Label* label = peer.labels.find(req.key);
  const std::string& key = req.key.key;
  if (req.key.source == kSourceReserved)
    return fmt::format("{} is not the reserved identity `reserved:{}`", peer.display, key);
  if (key.starts_with(kNamespaceLabelsPrefix) && peer.is_pod) {
    std::string ns_key = key.substr(kNamespaceLabelsPrefix.size());
    if (req.op == SelectorOp::In && req.values.size() == 1) {
      if (!label) return fmt::format("namespace {} has no label `{}` (wanted `{}: {}`)", pns, ns_key, ns_key, req.values[0]);
      return fmt::format("namespace {} has `{}: {}`, the selector wants `{}`", pns, ns_key, label->value, req.values[0]);
    }
    return fmt::format("namespace {} does not satisfy `{}`", pns, req.to_string());
  }
  if (req.op == SelectorOp::In) {
    std::string wanted = req.values.size() == 1 ? req.values[0] : fmt::format("one of {}", fmt::join(req.values, ", "));
    if (!label) {
      if (!peer.is_pod) return fmt::format("{} has no label `{}` (it is not a pod)", peer.display, req.key.to_string());
      bool on_pod = peer.pod && std::any_of(peer.pod->labels.begin(), peer.pod->labels.end(),
                                            [&](const auto& kv) { return kv.first == key; });
      if (on_pod)
        return fmt::format("{}'s pod label `{}` is dropped by Cilium's default label filter, so it is never part of the identity "
                           "and no selector can match it (docs/semantics.md#label-filter): select on another label",
                           peer.display, key);
      std::string text = fmt::format("{} has no label `{}`", peer.display, key);
      if (looks_like_namespace_key(key))
        text += fmt::format("; `{}` is an ordinary pod label, not the namespace: the namespace is selected with "
                            "`k8s:io.kubernetes.pod.namespace: {}`",
                            key, req.values.empty() ? "NAME" : req.values[0]);
      return text;
    }
    return fmt::format("{} has `{}: {}`, the selector wants {}", peer.display, key, label->value, wanted);
  }
  return fmt::format("{} does not satisfy `{}`", peer.display, req.to_string());
}

struct SelectorOutcome {
  bool matched = false;
  int failed = 0;
  int written_matched = 0;
  std::vector<std::string> reasons;
};

SelectorOutcome match_selector(const MatchContext& ctx, const Selector& selector,
                               const std::vector<const EndpointPeer*>& requires_, const RuleRef& ref) {
  SelectorOutcome out;
  auto check = [&](const Requirement& req, const RuleRef& where) {
    if (req.matches(ctx.peer.labels)) {
      if (req.origin == RequirementOrigin::Written || req.origin == RequirementOrigin::Translated) ++out.written_matched;
      return;
    }
    ++out.failed;
    out.reasons.push_back(explain_requirement(ctx, req, where));
  };
  // Terms Cilium added (namespace scoping) explain more than the user's own: first.
  for (const auto& req : selector.requirements)
    if (req.origin != RequirementOrigin::Written) check(req, ref);
  for (const auto& req : selector.requirements)
    if (req.origin == RequirementOrigin::Written) check(req, ref);
  for (const EndpointPeer* r : requires_) {
    for (Requirement req : r->selector.requirements) {
      if (req.matches(ctx.peer.labels)) continue;
      req.origin = RequirementOrigin::Requires;
      ++out.failed;
      out.reasons.push_back(explain_requirement(ctx, req, r->ref));
    }
  }
  out.matched = out.failed == 0;
  return out;
}

std::optional<uint16_t> resolve_named_port(const MatchContext& ctx, const std::string& name, Protocol protocol,
                                           std::string& problem) {
  if (ctx.direction == Direction::Ingress) {
    // Ingress: the destination's own containers (pkg/policy/l4.go :: toMapState).
    if (!ctx.subject.pod) {
      problem = fmt::format("named port `{}` cannot be resolved on {}", name, ctx.subject.display);
      return std::nullopt;
    }
    for (const auto& cp : ctx.subject.pod->ports)
      if (cp.name == name && cp.protocol == protocol) return cp.port;
    for (const auto& cp : ctx.subject.pod->ports)
      if (cp.name == name) {
        problem = fmt::format("named port `{}` is {} on {}, not {}", name, to_string(cp.protocol), ctx.subject.display,
                              to_string(protocol));
        return std::nullopt;
      }
    problem = fmt::format("named port `{}` is not defined by {}'s containers, so this entry allows nothing (docs/semantics.md#named-ports)", name,
                          ctx.subject.display);
    return std::nullopt;
  }
  // Egress (v1.17): one cluster-wide map of every pod's named ports
  // (pkg/types/portmap.go :: namedPortMultiMap.GetNamedPort).
  auto it = ctx.model.named_ports.find(name);
  if (it == ctx.model.named_ports.end() || !it->second.count(protocol)) {
    problem = fmt::format("no pod in the cluster defines a {} port named `{}`, so this entry allows nothing (docs/semantics.md#named-ports)",
                          to_string(protocol), name);
    return std::nullopt;
  }
  const auto& numbers = it->second.at(protocol);
  if (numbers.size() > 1) {
    problem = fmt::format("pods in the cluster define the {} port `{}` with different numbers ({}): Cilium cannot resolve it "
                          "on egress and drops the entry (docs/semantics.md#named-ports); use the number",
                          to_string(protocol), name, fmt::join(numbers, ", "));
    return std::nullopt;
  }
  return *numbers.begin();
}

// The ICMP part of a rule, for an ICMP flow. Each icmps field is a port
// entry whose protocol is its family and whose port is its type
// (pkg/policy/api/icmp.go :: ICMPField.PortProtocol); toPorts and icmps are
// separate L4 entries of one rule, ORed (pkg/policy/utils/utils.go ::
// RulesToPolicyEntries), and toPorts never covers ICMP: ANY is TCP, UDP and
// SCTP (pkg/policy/api/l4.go). Type 0 becomes port "0", which Cilium reads
// as every port of the protocol (pkg/policy/l4.go): a field of type 0
// (EchoReply) covers every type of its family (issue cilium#41304, open).
void match_icmp(const MatchContext& ctx, const PeerRule& rule, RuleMatchResult& out) {
  const bool v6 = ctx.protocol == Protocol::ICMPv6;
  std::vector<std::string> listed;
  for (const auto& f : rule.icmps) {
    listed.push_back(fmt::format("{}:{}", f.ipv6 ? "icmpv6" : "icmp", f.type));
    if (f.ipv6 != v6) continue;
    if (f.type == ctx.port) {
      out.port = Match::Yes;
      return;
    }
    if (f.type == 0) {
      out.port = Match::Yes;
      if (!out.description.empty()) out.description += ", ";
      out.description += fmt::format("{} type 0 ({}) is port 0 to Cilium, which covers every {} type (issue cilium#41304; docs/semantics.md#icmp)",
                                     v6 ? "ICMPv6" : "ICMP", f.ref.path, v6 ? "ICMPv6" : "ICMP");
      return;
    }
  }
  out.port = Match::No;
  if (!rule.has_icmps)
    out.reasons.push_back(fmt::format("its toPorts cover TCP, UDP and SCTP only, never ICMP (toPorts ANY is TCP, UDP and SCTP; docs/semantics.md#icmp), so not {}",
                                      flow_port_text(ctx.port, ctx.protocol)));
  else if (listed.empty())
    out.reasons.push_back("its icmps entries list no field, so it allows no ICMP type");
  else
    out.reasons.push_back(fmt::format("it allows {} only, not {}", join_or(listed), flow_port_text(ctx.port, ctx.protocol)));
}

// Port part of the rule.
void match_ports(const MatchContext& ctx, const PeerRule& rule, RuleMatchResult& out) {
  // An L3-only rule (no toPorts, no icmps) is one entry of port 0 and
  // protocol ANY with a wildcarded protocol: every protocol, ICMP included
  // (pkg/policy/rule.go :: mergeIngress / mergeEgress, the L3-only branch).
  if (!rule.has_to_ports && !rule.has_icmps) {
    out.port = Match::Yes;
    return;
  }
  if (is_icmp(ctx.protocol)) {
    match_icmp(ctx, rule, out);
    return;
  }
  if (!rule.has_to_ports) {
    out.port = Match::No;
    out.reasons.push_back("this rule allows ICMP only (icmps), no port");
    return;
  }
  std::vector<std::string> listed;
  for (const auto& pp : rule.ports) {
    listed.push_back(pp.to_string());
    if (!pp.covers_protocol(ctx.protocol)) continue;
    if (pp.is_named()) {
      std::string problem;
      auto number = resolve_named_port(ctx, pp.name, ctx.protocol, problem);
      if (!number) {
        out.reasons.push_back(problem);
        continue;
      }
      PortProtocol resolved = pp;
      resolved.port = *number;
      resolved.name.clear();
      if (resolved.covers_number(ctx.port)) {
        out.port = Match::Yes;
        out.port_entry = &pp;
        if (!out.description.empty()) out.description += ", ";
        out.description += fmt::format("port {} (named port `{}` = {})", ctx.port, pp.name, *number);
        return;
      }
      continue;
    }
    if (pp.covers_number(ctx.port)) {
      out.port = Match::Yes;
      out.port_entry = &pp;
      return;
    }
  }
  out.port = Match::No;
  if (listed.empty())
    out.reasons.push_back("its toPorts entries list no port, so it allows no port");
  else
    out.reasons.push_back(fmt::format("it allows {} only, not {}", join_or(listed), flow_port_text(ctx.port, ctx.protocol)));
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

}  // namespace

bool looks_like_namespace_key(std::string_view key) {
  return key.find("namespace") != std::string_view::npos || key == "kubernetes.io/metadata.name";
}

const Requirement* namespace_lookalike(const Selector& selector) {
  bool scoped = std::any_of(selector.requirements.begin(), selector.requirements.end(),
                            [](const Requirement& r) { return r.origin == RequirementOrigin::PolicyNamespace; });
  if (!scoped) return nullptr;
  for (const auto& req : selector.requirements)
    if (req.origin == RequirementOrigin::Written && req.key.source != kSourceReserved && looks_like_namespace_key(req.key.key))
      return &req;
  return nullptr;
}

CidrGroupMatch match_cidr_group(const Model& model, const CidrGroupPeer& entry, const std::optional<IpAddress>& ip) {
  CidrGroupMatch m;
  // The groups the entry names: by name (the group-name label Exists), or
  // by the selector over each group's labels (pkg/policy/api/cidr.go ::
  // GetAsEndpointSelectors).
  if (!entry.selector) {
    const CidrGroup* g = model.cidr_group(entry.name);
    if (!g) {
      m.match = Match::Maybe;
      m.outcome = CidrGroupOutcome::GroupMissing;
      return m;
    }
    m.groups.push_back(g);
  } else {
    // A group is selected when one of its prefixes has labels the selector
    // matches: the prefix's identity carries the labels of every group
    // containing it (Model::cidr_group_labels).
    for (const auto& g : model.cluster.cidr_groups)
      if (std::any_of(g.cidrs.begin(), g.cidrs.end(),
                      [&](const IpPrefix& p) { return entry.selector->matches(model.cidr_group_labels(p)); }))
        m.groups.push_back(&g);
  }

  if (!ip) {
    if (entry.selector && m.groups.empty()) {
      m.match = Match::Maybe;
      m.outcome = CidrGroupOutcome::NoGroupSelected;
      return m;
    }
    bool any_cidr = false;
    for (const CidrGroup* g : m.groups) {
      for (const auto& c : g->cidrs) {
        any_cidr = true;
        if (c.is_all() && entry.except.empty()) {
          m.match = Match::Yes;
          m.outcome = CidrGroupOutcome::CoversAll;
          m.prefix = c;
          return m;
        }
      }
    }
    m.match = any_cidr ? Match::Maybe : Match::No;
    m.outcome = any_cidr ? CidrGroupOutcome::AddressUnknown : CidrGroupOutcome::NotInGroups;
    return m;
  }

  if (!entry.selector) {
    const IpPrefix* p = m.groups.front()->containing(*ip);
    if (!p) {
      m.outcome = CidrGroupOutcome::NotInGroups;
      return m;
    }
    m.prefix = *p;
  } else {
    // The selector sees the labels of the address's identity: those of every
    // group containing it, merged (Model::cidr_group_labels), so it may match
    // an address two groups share although neither group matches alone.
    m.labels = model.cidr_group_labels(*ip);
    bool matched = !m.labels.empty() && entry.selector->matches(m.labels);
    if (!matched && m.groups.empty()) {
      m.match = Match::Maybe;
      m.outcome = CidrGroupOutcome::NoGroupSelected;
      return m;
    }
    if (!matched && m.labels.empty()) {
      m.outcome = CidrGroupOutcome::NotInGroups;
      return m;
    }
    m.groups.clear();
    for (const auto& g : model.cluster.cidr_groups)
      if (const IpPrefix* p = g.containing(*ip)) {
        m.groups.push_back(&g);
        if (!m.prefix || p->length > m.prefix->length) m.prefix = *p;
      }
    if (!matched) {
      m.outcome = CidrGroupOutcome::LabelsDoNotMatch;
      return m;
    }
  }
  // Each except is a `cidr:` DoesNotExist on top of the group selector.
  for (const auto& e : entry.except)
    if (e.contains(*ip)) {
      m.outcome = CidrGroupOutcome::Excepted;
      m.except = e;
      return m;
    }
  m.match = Match::Yes;
  m.outcome = CidrGroupOutcome::InGroup;
  return m;
}

std::string CidrGroupMatch::describe(const CidrGroupPeer& entry, const std::string& peer) const {
  switch (outcome) {
    case CidrGroupOutcome::InGroup:
      if (entry.selector)
        return fmt::format("{} is in {}, whose labels {}match cidrGroupSelector `{}`", peer, group_list(groups),
                           groups.size() > 1 ? "together " : "", entry.selector->to_string());
      return fmt::format("{} is in CiliumCIDRGroup {} ({})", peer, entry.name, prefix ? prefix->to_string() : "");
    case CidrGroupOutcome::CoversAll:
      return fmt::format("{} covers every external address ({})", selected_groups(entry, groups),
                         prefix ? prefix->to_string() : "");
    case CidrGroupOutcome::Excepted:
      return fmt::format("{} is in {} ({}), but this entry's except {} removes it", peer,
                         entry.selector ? group_list(groups) : "CiliumCIDRGroup " + entry.name,
                         prefix ? prefix->to_string() : "", except ? except->to_string() : "");
    case CidrGroupOutcome::NotInGroups:
      return fmt::format("{} is not in {}", peer, selected_groups(entry, groups));
    case CidrGroupOutcome::LabelsDoNotMatch: {
      std::vector<std::string> names, shown;
      for (const CidrGroup* g : groups) names.push_back(g->name);
      for (const auto& l : labels.labels())
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
      return fmt::format("whether {}'s address is in {}{}", peer, selected_groups(entry, groups), except_text(entry));
  }
  return peer;
}

std::optional<PeerIdentities> peer_identities(const Model& model, const PeerRule& pr) {
  PeerIdentities out;
  if (pr.explicit_empty_peers || !pr.requires_.empty()) return std::nullopt;
  auto collect = [&](auto&& selects) {
    for (const auto& id : model.identities.all())
      if (selects(id.labels)) out.ids.push_back(id.id);
  };
  switch (pr.peer_kind) {
    case PeerKind::Wildcard:
      if (!pr.has_to_ports && !pr.has_icmps) return std::nullopt;
      out.all = true;
      return out;
    case PeerKind::Endpoints:
      collect([&](const LabelSet& labels) {
        return std::any_of(pr.endpoints.begin(), pr.endpoints.end(), [&](const EndpointPeer& ep) { return ep.selector.matches(labels); });
      });
      return out;
    case PeerKind::Entities:
      if (std::any_of(pr.entities.begin(), pr.entities.end(), [](const EntityPeer& e) { return e.entity == Entity::All; })) {
        out.all = true;
        return out;
      }
      collect([&](const LabelSet& labels) {
        return std::any_of(pr.entities.begin(), pr.entities.end(),
                           [&](const EntityPeer& e) { return entity_matches(e.entity, labels, model.cluster.cluster_name); });
      });
      return out;
    default:
      return std::nullopt;
  }
}

bool entity_matches(Entity entity, const LabelSet& peer, std::string_view cluster_name) {
  switch (entity) {
    case Entity::All: return true;
    case Entity::None: return false;
    case Entity::World:
      return has_reserved(peer, "world") || has_reserved(peer, "world-ipv4") || has_reserved(peer, "world-ipv6");
    case Entity::WorldIPv4: return has_reserved(peer, "world-ipv4");
    case Entity::WorldIPv6: return has_reserved(peer, "world-ipv6");
    case Entity::Host: return has_reserved(peer, "host");
    case Entity::RemoteNode: return has_reserved(peer, "remote-node");
    case Entity::KubeApiserver: return has_reserved(peer, "kube-apiserver");
    case Entity::Health: return has_reserved(peer, "health");
    case Entity::Init: return has_reserved(peer, "init");
    case Entity::Ingress: return has_reserved(peer, "ingress");
    case Entity::Unmanaged: return has_reserved(peer, "unmanaged");
    case Entity::Cluster: {
      for (auto name : {"host", "remote-node", "init", "ingress", "health", "unmanaged", "kube-apiserver"})
        if (has_reserved(peer, name)) return true;
      const Label* cluster = peer.find(SelectorKey{std::string(kSourceK8s), std::string(kClusterLabel)});
      return cluster && cluster->value == cluster_name;
    }
  }
  return false;
}

RuleMatchResult match_peer_rule(const MatchContext& ctx, const PeerRule& rule,
                                const std::vector<const EndpointPeer*>& requires_) {
  RuleMatchResult out;
  const SidePeer& peer = ctx.peer;
  std::string field_prefix = ctx.direction == Direction::Ingress ? "from" : "to";

  match_ports(ctx, rule, out);
  std::vector<std::string> port_reasons = std::move(out.reasons);
  out.reasons.clear();
  // What the port match has to say (a named port's number, an ICMP type 0)
  // follows what the peer match says.
  std::string port_description = std::move(out.description);
  out.description.clear();

  auto finish = [&](int written_matched, int failed) {
    out.reasons.insert(out.reasons.end(), port_reasons.begin(), port_reasons.end());
    if (!port_description.empty()) out.description += (out.description.empty() ? "" : "; ") + port_description;
    out.score = (out.port == Match::Yes ? 100 : 0) + (out.peer == Match::Yes ? 50 : 0) + 10 * written_matched - failed;
    return out;
  };

  if (rule.explicit_empty_peers) {
    out.peer = Match::No;
    out.reasons.push_back(fmt::format("its {} peer list is an explicit empty list `[]`, which selects nothing (docs/semantics.md#rule-shapes)",
                                      to_string(rule.peer_kind)));
    out.score = -1;
    return out;
  }

  switch (rule.peer_kind) {
    case PeerKind::Wildcard:
      if (!rule.has_to_ports && !rule.has_icmps) {
        out.peer = Match::No;
        out.reasons.push_back("an empty rule (no peer, no ports) allows nothing; it only turns on default deny (docs/semantics.md#rule-shapes)");
        out.score = -1;
        return out;
      }
      out.peer = Match::Yes;
      out.description = fmt::format("no {} peer field, so any peer ({} only)", field_prefix,
                                    rule.ports.empty() ? "ICMP" : "these ports");
      return finish(0, 0);

    case PeerKind::Endpoints: {
      SelectorOutcome best;
      const EndpointPeer* best_peer = nullptr;
      for (const auto& ep : rule.endpoints) {
        SelectorOutcome o = match_selector(ctx, ep.selector, requires_, ep.ref);
        if (o.matched) {
          out.peer = Match::Yes;
          out.element_ref = ep.ref;
          out.description = fmt::format("{} selects {}", ep.selector.to_string(), peer.display);
          return finish(o.written_matched, 0);
        }
        if (!best_peer || o.written_matched * 10 - o.failed > best.written_matched * 10 - best.failed) {
          best = std::move(o);
          best_peer = &ep;
        }
      }
      out.peer = Match::No;
      if (best_peer) {
        out.element_ref = best_peer->ref;
        out.reasons = best.reasons;
      }
      return finish(best.written_matched, best.failed);
    }

    case PeerKind::Cidr: {
      std::optional<RuleRef> first_ref = !rule.cidrs.empty()        ? std::optional<RuleRef>(rule.cidrs.front().ref)
                                         : !rule.cidr_groups.empty() ? std::optional<RuleRef>(rule.cidr_groups.front().ref)
                                                                     : std::nullopt;
      if (!peer.external) {
        out.peer = Match::No;
        out.element_ref = first_ref;
        out.reasons.push_back(fmt::format("CIDR rules match only addresses outside the cluster; {} is judged by its identity, "
                                          "never by its IP (docs/semantics.md#cidr-scope)",
                                          peer.display));
        return finish(0, 1);
      }
      for (const auto& c : rule.cidrs) {
        if (peer.ip) {
          if (c.rule.matches(*peer.ip)) {
            out.peer = Match::Yes;
            out.element_ref = c.ref;
            out.description = fmt::format("{} contains {}", c.rule.to_string(), peer.ip->to_string());
            return finish(1, 0);
          }
        } else if (c.rule.prefix.is_all() && c.rule.except.empty()) {
          out.peer = Match::Yes;
          out.element_ref = c.ref;
          out.description = fmt::format("{} covers every external address", c.rule.to_string());
          return finish(1, 0);
        } else if (out.peer != Match::Maybe) {
          out.peer = Match::Maybe;
          out.element_ref = c.ref;
          out.unknown_fact = fmt::format("whether {}'s address is in {}", peer.display, c.rule.to_string());
        }
      }
      std::string who = peer.ip ? peer.ip->to_string() : peer.display;
      std::vector<std::string> group_misses;
      for (const auto& g : rule.cidr_groups) {
        CidrGroupMatch m = match_cidr_group(ctx.model, g, peer.ip);
        if (m.match == Match::Yes) {
          out.peer = Match::Yes;
          out.element_ref = g.ref;
          out.description = m.describe(g, who);
          return finish(1, 0);
        }
        if (m.match == Match::Maybe && out.peer != Match::Maybe) {
          out.peer = Match::Maybe;
          out.element_ref = g.ref;
          out.unknown_fact = m.describe(g, who);
        } else if (m.match == Match::No) {
          group_misses.push_back(m.describe(g, who));
        }
      }
      if (out.peer == Match::Maybe) return finish(1, 0);
      out.peer = Match::No;
      out.element_ref = first_ref;
      std::vector<std::string> cidrs;
      for (const auto& c : rule.cidrs) cidrs.push_back(c.rule.to_string());
      if (!cidrs.empty()) out.reasons.push_back(fmt::format("{} is not in {}", who, join_or(cidrs)));
      out.reasons.insert(out.reasons.end(), group_misses.begin(), group_misses.end());
      if (out.reasons.empty()) out.reasons.push_back("this rule's CIDR list names no address, so it selects nothing");
      return finish(0, 1);
    }

    case PeerKind::Entities: {
      std::vector<std::string> names;
      for (const auto& e : rule.entities) {
        names.emplace_back(to_string(e.entity));
        if (entity_matches(e.entity, peer.labels, ctx.model.cluster.cluster_name)) {
          out.peer = Match::Yes;
          out.element_ref = e.ref;
          out.description = fmt::format("entity {} includes {}", to_string(e.entity), peer.display);
          return finish(1, 0);
        }
      }
      out.peer = Match::No;
      if (!rule.entities.empty()) out.element_ref = rule.entities.front().ref;
      std::string why = names.empty() ? std::string("its entity list names nothing, so it selects nothing")
                                      : fmt::format("the entities {} do not include {}", fmt::join(names, ", "), peer.display);
      if (peer.is_pod && std::find(names.begin(), names.end(), "world") != names.end())
        why += " (world never includes pods or nodes, docs/semantics.md#entities)";
      out.reasons.push_back(why);
      return finish(0, 1);
    }

    case PeerKind::Services: {
      // Egress deny rules never resolve toServices (docs/semantics.md#unresolved-toservices), and a
      // toServices that resolves to nothing leaves the rule without peers: with toPorts it becomes
      // an L3 wildcard (issue cilium#20067).
      size_t selectors = 0, selectorless = 0;
      if (!rule.deny) {
        for (const auto& sp : rule.services) {
          auto it = ctx.model.services.find(&sp);
          if (it == ctx.model.services.end()) continue;
          selectors += it->second.selectors.size();
          selectorless += it->second.selectorless;
          for (const auto& sel : it->second.selectors) {
            if (sel.matches(peer.labels)) {
              out.peer = Match::Yes;
              out.element_ref = sp.ref;
              out.description = fmt::format("toServices {} selects the backend {}", fmt::join(it->second.services, ", "), peer.display);
              return finish(1, 0);
            }
          }
        }
      }
      if (selectors == 0 && selectorless == 0) {
        // icmps wildcard an empty peer list as toPorts do (pkg/policy/rule.go ::
        // mergeEgress, the icmp.Iterate beside toPorts.Iterate).
        if (rule.has_to_ports || rule.has_icmps) {
          out.peer = Match::Yes;
          out.element_ref = rule.services.empty() ? rule.ref : rule.services.front().ref;
          const char* l4 = rule.has_to_ports ? "toPorts it" : "icmps it";
          const char* what = rule.has_to_ports ? "those ports" : "those ICMP types";
          out.description = rule.deny ? fmt::format("toServices in an egressDeny rule is never resolved, so with {} denies {} to every peer (docs/semantics.md#unresolved-toservices)", l4, what)
                                      : fmt::format("toServices matches no Service in the input, which leaves the rule without peers: with {} allows {} to every peer (docs/semantics.md#unresolved-toservices)", l4, what);
          return finish(0, 0);
        }
        out.peer = Match::No;
        out.reasons.push_back("toServices matches no Service in the input, so this rule selects nothing");
        return finish(0, 1);
      }
      if (selectorless > 0 && peer.external) {
        out.peer = Match::Maybe;
        out.unknown_fact = "the addresses of a Service without selector (its EndpointSlices are not evaluated)";
        return finish(0, 0);
      }
      out.peer = Match::No;
      if (!rule.services.empty()) out.element_ref = rule.services.front().ref;
      out.reasons.push_back(fmt::format("{} is not a backend of the Services named by toServices", peer.display));
      return finish(0, 1);
    }

    case PeerKind::Fqdns: {
      std::vector<std::string> written;
      for (const auto& f : rule.fqdns) written.push_back(f.match_name.empty() ? f.match_pattern : f.match_name);
      if (!rule.fqdns.empty()) out.element_ref = rule.fqdns.front().ref;
      if (!peer.external) {
        out.peer = Match::No;
        out.reasons.push_back(fmt::format("toFQDNs selects only addresses outside the cluster; {} is not one (docs/semantics.md#fqdn-peers)", peer.display));
        return finish(0, 1);
      }
      if (written.empty()) {
        out.peer = Match::No;
        out.reasons.push_back("this rule's toFQDNs list names nothing, so it selects nothing");
        return finish(0, 1);
      }
      static const std::vector<RuleHandle> kNoRules;
      const std::vector<RuleHandle>& selecting = ctx.selecting ? *ctx.selecting : kNoRules;
      if (!peer.fqdn.empty()) {
        // Decidable offline for a name: a selector must match it, and the DNS
        // proxy must see its lookups, or it never learns the addresses.
        const FqdnPeer* hit = nullptr;
        for (const auto& f : rule.fqdns)
          if (!hit && f.matches(peer.fqdn)) hit = &f;
        if (!hit) {
          out.peer = Match::No;
          out.reasons.push_back(fmt::format("toFQDNs {} does not match {} (`*` never crosses a dot, docs/semantics.md#fqdn-matching)",
                                            join_or(written), peer.fqdn));
          return finish(0, 1);
        }
        out.element_ref = hit->ref;
        std::string selector = hit->match_name.empty() ? hit->match_pattern : hit->match_name;
        auto dns = std::make_shared<const DnsVisibility>(dns_visibility(ctx.model, ctx.subject, selecting, peer.fqdn));
        std::string dns_text = dns->describe(ctx.subject.display);
        out.dns = dns;
        switch (dns->seen) {
          case Match::Yes:
            out.peer = Match::Yes;
            out.description = fmt::format("toFQDNs {} matches {}, whose lookups go through Cilium's DNS proxy ({})", selector,
                                          peer.fqdn, dns->describe_flow());
            return finish(1, 0);
          case Match::Maybe:
            out.peer = Match::Maybe;
            out.unknown_fact = dns_text;
            return finish(1, 0);
          case Match::No:
            out.peer = Match::No;
            out.reasons.push_back(fmt::format("toFQDNs {} matches {}, but Cilium's DNS proxy never learns its addresses, so this "
                                              "rule allows nothing: {}",
                                              selector, peer.fqdn, dns_text));
            return finish(1, 1);
        }
      }
      // An address, or world: allowed only if DNS answered one of the names
      // with it. Which addresses the names have is not in the input, and a
      // node's agent keeps one DNS cache and labels the learned addresses for
      // every toFQDNs selector of the node (pkg/fqdn/namemanager/manager.go
      // :: UpdateGenerateDNS), so this holds whatever the source's own
      // lookups are.
      out.peer = Match::Maybe;
      out.unknown_fact = fmt::format("whether DNS answers {} with {} (toFQDNs allows only the addresses of DNS answers "
                                     "for its names)",
                                     join_or(written), peer.ip ? peer.ip->to_string() : fmt::format("the address behind {}", peer.display));
      return finish(0, 0);
    }

    case PeerKind::Groups:
    case PeerKind::Nodes: {
      bool could = rule.peer_kind == PeerKind::Groups ? peer.external
                                                      : (has_reserved(peer.labels, "host") || has_reserved(peer.labels, "remote-node"));
      if (!could) {
        out.peer = Match::No;
        out.reasons.push_back(fmt::format("{} peers never include {}", to_string(rule.peer_kind), peer.display));
        return finish(0, 1);
      }
      out.peer = Match::Maybe;
      out.unknown_fact = rule.peer_kind == PeerKind::Groups ? "the addresses of cloud security groups (fromGroups/toGroups)"
                                                            : "the labels of the node behind this peer (fromNodes/toNodes)";
      return finish(0, 0);
    }
  }
  return out;
}

}  // namespace netreach
