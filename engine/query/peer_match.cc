// match_peer_rule and its parts decide; they build no text (the words are
// query/peer_words.cc's), so the graph's decision-only calls stay cheap.
#include "query/peer_match.h"

#include <algorithm>

#include "query/dns_visibility.h"

namespace netreach {
namespace {

bool has_reserved(const LabelSet& labels, std::string_view name) {
  return labels.has(SelectorKey{std::string(kSourceReserved), std::string(name)});
}

// Why requirement `req` (of origin `origin`) fails for the peer.
RequirementFailure classify_failure(const MatchContext& ctx, const Requirement& req, RequirementOrigin origin,
                                    const RuleRef& ref) {
  RequirementFailure f;
  f.requirement = &req;
  f.ref = &ref;
  const SidePeer& peer = ctx.peer;
  switch (origin) {
    case RequirementOrigin::PolicyNamespace: f.why = RequirementMiss::PolicyNamespace; return f;
    case RequirementOrigin::ClusterwideNamespace: f.why = RequirementMiss::ClusterwidePodsOnly; return f;
    case RequirementOrigin::Requires: f.why = RequirementMiss::Requires; return f;
    case RequirementOrigin::Translated:
    case RequirementOrigin::Written:
      break;
  }
  const Label* label = peer.labels.find(req.key);
  const std::string& key = req.key.key;
  if (req.key.source == kSourceReserved) {
    f.why = RequirementMiss::NotReserved;
    return f;
  }
  if (key.starts_with(kNamespaceLabelsPrefix) && peer.is_pod) {
    if (req.op == SelectorOp::In && req.values.size() == 1) {
      f.why = label ? RequirementMiss::NamespaceLabelDiffers : RequirementMiss::NamespaceLabelMissing;
      if (label) f.found = label->value;
    } else {
      f.why = RequirementMiss::NamespaceUnsatisfied;
    }
    return f;
  }
  if (req.op != SelectorOp::In) {
    f.why = RequirementMiss::Unsatisfied;
    return f;
  }
  if (label) {
    f.why = RequirementMiss::LabelDiffers;
    f.found = label->value;
    return f;
  }
  if (!peer.is_pod) {
    f.why = RequirementMiss::LabelMissingNotPod;
    return f;
  }
  bool on_pod = peer.pod && std::any_of(peer.pod->labels.begin(), peer.pod->labels.end(),
                                        [&](const auto& kv) { return kv.first == key; });
  f.why = on_pod ? RequirementMiss::LabelFiltered : RequirementMiss::LabelMissing;
  f.namespace_lookalike = !on_pod && looks_like_namespace_key(key);
  return f;
}

struct SelectorOutcome {
  bool matched = false;
  int written_matched = 0;
  std::vector<RequirementFailure> failures;
  int failed() const { return static_cast<int>(failures.size()); }
};

SelectorOutcome match_selector(const MatchContext& ctx, const Selector& selector,
                               const std::vector<const EndpointPeer*>& requires_, const RuleRef& ref) {
  SelectorOutcome out;
  auto check = [&](const Requirement& req, RequirementOrigin origin, const RuleRef& where) {
    if (req.matches(ctx.peer.labels)) {
      if (origin == RequirementOrigin::Written || origin == RequirementOrigin::Translated) ++out.written_matched;
      return;
    }
    out.failures.push_back(classify_failure(ctx, req, origin, where));
  };
  // Terms Cilium added (namespace scoping) explain more than the user's own: first.
  for (const auto& req : selector.requirements)
    if (req.origin != RequirementOrigin::Written) check(req, req.origin, ref);
  for (const auto& req : selector.requirements)
    if (req.origin == RequirementOrigin::Written) check(req, req.origin, ref);
  // A failing requirement counts as Cilium's (Requires), a holding one as nobody's.
  for (const EndpointPeer* r : requires_)
    for (const Requirement& req : r->selector.requirements)
      if (!req.matches(ctx.peer.labels)) out.failures.push_back(classify_failure(ctx, req, RequirementOrigin::Requires, r->ref));
  out.matched = out.failures.empty();
  return out;
}

std::optional<uint16_t> resolve_named_port(const MatchContext& ctx, const PortProtocol& pp, Protocol protocol,
                                           NamedPortFailure& failure) {
  failure.entry = &pp;
  const std::string& name = pp.name;
  if (ctx.direction == Direction::Ingress) {
    // Ingress: the destination's own containers (pkg/policy/l4.go :: toMapState).
    if (!ctx.subject.pod) {
      failure.why = NamedPortMiss::NoPod;
      return std::nullopt;
    }
    for (const auto& cp : ctx.subject.pod->ports)
      if (cp.name == name && cp.protocol == protocol) return cp.port;
    for (const auto& cp : ctx.subject.pod->ports)
      if (cp.name == name) {
        failure.why = NamedPortMiss::OtherProtocol;
        failure.defined = cp.protocol;
        return std::nullopt;
      }
    failure.why = NamedPortMiss::Undefined;
    return std::nullopt;
  }
  // Egress (v1.17): one cluster-wide map of every pod's named ports
  // (pkg/types/portmap.go :: namedPortMultiMap.GetNamedPort).
  auto it = ctx.model.named_ports.find(name);
  if (it == ctx.model.named_ports.end() || !it->second.count(protocol)) {
    failure.why = NamedPortMiss::NotInCluster;
    return std::nullopt;
  }
  const auto& numbers = it->second.at(protocol);
  if (numbers.size() > 1) {
    failure.why = NamedPortMiss::Ambiguous;
    failure.numbers = &numbers;
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
  PortFinding& why = out.port_finding;
  for (const auto& f : rule.icmps) {
    if (f.ipv6 != v6) continue;
    if (f.type == ctx.port) {
      out.port = Match::Yes;
      why.reason = PortReason::Listed;
      return;
    }
    if (f.type == 0) {
      out.port = Match::Yes;
      why.reason = PortReason::IcmpTypeZero;
      why.icmp = &f;
      return;
    }
  }
  out.port = Match::No;
  why.reason = !rule.has_icmps ? PortReason::NotIcmp : rule.icmps.empty() ? PortReason::NoIcmpListed : PortReason::IcmpNotListed;
}

// Port part of the rule.
void match_ports(const MatchContext& ctx, const PeerRule& rule, RuleMatchResult& out) {
  PortFinding& why = out.port_finding;
  // An L3-only rule (no toPorts, no icmps) is one entry of port 0 and
  // protocol ANY with a wildcarded protocol: every protocol, ICMP included
  // (pkg/policy/rule.go :: mergeIngress / mergeEgress, the L3-only branch).
  if (!rule.has_to_ports && !rule.has_icmps) {
    out.port = Match::Yes;
    why.reason = PortReason::AllPorts;
    return;
  }
  if (is_icmp(ctx.protocol)) {
    match_icmp(ctx, rule, out);
    return;
  }
  if (!rule.has_to_ports) {
    out.port = Match::No;
    why.reason = PortReason::IcmpOnly;
    return;
  }
  for (const auto& pp : rule.ports) {
    if (!pp.covers_protocol(ctx.protocol)) continue;
    if (pp.is_named()) {
      NamedPortFailure failure;
      auto number = resolve_named_port(ctx, pp, ctx.protocol, failure);
      if (!number) {
        why.named_failures.push_back(failure);
        continue;
      }
      PortProtocol resolved = pp;
      resolved.port = *number;
      resolved.name.clear();
      if (resolved.covers_number(ctx.port)) {
        out.port = Match::Yes;
        out.port_entry = &pp;
        why.reason = PortReason::NamedPort;
        why.named = &pp;
        why.number = *number;
        return;
      }
      continue;
    }
    if (pp.covers_number(ctx.port)) {
      out.port = Match::Yes;
      out.port_entry = &pp;
      why.reason = PortReason::Listed;
      return;
    }
  }
  out.port = Match::No;
  why.reason = rule.ports.empty() ? PortReason::NoPortListed : PortReason::PortNotListed;
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
  out.rule = &rule;
  const SidePeer& peer = ctx.peer;
  PeerFinding& why = out.peer_finding;

  match_ports(ctx, rule, out);

  auto finish = [&](PeerReason reason, int written_matched, int failed) {
    why.reason = reason;
    out.score = (out.port == Match::Yes ? 100 : 0) + (out.peer == Match::Yes ? 50 : 0) + 10 * written_matched - failed;
    return std::move(out);
  };
  // A rule that allows nothing ranks below every near miss.
  auto nothing = [&](PeerReason reason) {
    out.peer = Match::No;
    why.reason = reason;
    out.score = -1;
    return std::move(out);
  };

  if (rule.explicit_empty_peers) return nothing(PeerReason::ExplicitEmpty);

  switch (rule.peer_kind) {
    case PeerKind::Wildcard:
      if (!rule.has_to_ports && !rule.has_icmps) return nothing(PeerReason::EmptyRule);
      out.peer = Match::Yes;
      return finish(PeerReason::AnyPeer, 0, 0);

    case PeerKind::Endpoints: {
      SelectorOutcome best;
      const EndpointPeer* best_peer = nullptr;
      for (const auto& ep : rule.endpoints) {
        SelectorOutcome o = match_selector(ctx, ep.selector, requires_, ep.ref);
        if (o.matched) {
          out.peer = Match::Yes;
          out.element_ref = ep.ref;
          why.endpoint = &ep;
          return finish(PeerReason::SelectorSelects, o.written_matched, 0);
        }
        if (!best_peer || o.written_matched * 10 - o.failed() > best.written_matched * 10 - best.failed()) {
          best = std::move(o);
          best_peer = &ep;
        }
      }
      out.peer = Match::No;
      if (best_peer) {
        out.element_ref = best_peer->ref;
        why.endpoint = best_peer;
        why.failures = std::move(best.failures);
      }
      return finish(PeerReason::SelectorFails, best.written_matched, static_cast<int>(why.failures.size()));
    }

    case PeerKind::Cidr: {
      std::optional<RuleRef> first_ref = !rule.cidrs.empty()        ? std::optional<RuleRef>(rule.cidrs.front().ref)
                                         : !rule.cidr_groups.empty() ? std::optional<RuleRef>(rule.cidr_groups.front().ref)
                                                                     : std::nullopt;
      if (!peer.external) {
        // docs/semantics.md#cidr-scope: an identity in the cluster is never judged by its IP.
        out.peer = Match::No;
        out.element_ref = first_ref;
        return finish(PeerReason::CidrNotExternal, 0, 1);
      }
      // The first element that may match names the unknown fact.
      PeerReason maybe = PeerReason::CidrAddressUnknown;
      for (const auto& c : rule.cidrs) {
        if (peer.ip) {
          if (c.rule.matches(*peer.ip)) {
            out.peer = Match::Yes;
            out.element_ref = c.ref;
            why.cidr = &c;
            return finish(PeerReason::CidrContains, 1, 0);
          }
        } else if (c.rule.prefix.is_all() && c.rule.except.empty()) {
          out.peer = Match::Yes;
          out.element_ref = c.ref;
          why.cidr = &c;
          return finish(PeerReason::CidrCoversAll, 1, 0);
        } else if (out.peer != Match::Maybe) {
          out.peer = Match::Maybe;
          out.element_ref = c.ref;
          why.cidr = &c;
        }
      }
      for (const auto& g : rule.cidr_groups) {
        CidrGroupMatch m = match_cidr_group(ctx.model, g, peer.ip);
        if (m.match == Match::Yes) {
          out.peer = Match::Yes;
          out.element_ref = g.ref;
          why.group = &g;
          why.group_match = std::move(m);
          return finish(PeerReason::CidrGroupMatches, 1, 0);
        }
        if (m.match == Match::Maybe && out.peer != Match::Maybe) {
          out.peer = Match::Maybe;
          out.element_ref = g.ref;
          why.group = &g;
          why.group_match = std::move(m);
          maybe = PeerReason::CidrGroupUnknown;
        } else if (m.match == Match::No) {
          why.group_misses.emplace_back(&g, std::move(m));
        }
      }
      if (out.peer == Match::Maybe) return finish(maybe, 1, 0);
      out.peer = Match::No;
      out.element_ref = first_ref;
      return finish(rule.cidrs.empty() && why.group_misses.empty() ? PeerReason::CidrListEmpty : PeerReason::CidrNotIn, 0, 1);
    }

    case PeerKind::Entities: {
      for (const auto& e : rule.entities) {
        if (entity_matches(e.entity, peer.labels, ctx.model.cluster.cluster_name)) {
          out.peer = Match::Yes;
          out.element_ref = e.ref;
          why.entity = &e;
          return finish(PeerReason::EntityIncludes, 1, 0);
        }
      }
      out.peer = Match::No;
      if (!rule.entities.empty()) out.element_ref = rule.entities.front().ref;
      return finish(rule.entities.empty() ? PeerReason::EntitiesEmpty : PeerReason::EntitiesMiss, 0, 1);
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
              why.service = &it->second;
              return finish(PeerReason::ServiceBackend, 1, 0);
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
          return finish(PeerReason::ServicesUnresolved, 0, 0);
        }
        out.peer = Match::No;
        return finish(PeerReason::NoService, 0, 1);
      }
      if (selectorless > 0 && peer.external) {
        out.peer = Match::Maybe;
        return finish(PeerReason::SelectorlessService, 0, 0);
      }
      out.peer = Match::No;
      if (!rule.services.empty()) out.element_ref = rule.services.front().ref;
      return finish(PeerReason::NotBackend, 0, 1);
    }

    case PeerKind::Fqdns: {
      if (!rule.fqdns.empty()) out.element_ref = rule.fqdns.front().ref;
      if (!peer.external) {
        out.peer = Match::No;
        return finish(PeerReason::FqdnNotExternal, 0, 1);
      }
      if (rule.fqdns.empty()) {
        out.peer = Match::No;
        return finish(PeerReason::FqdnListEmpty, 0, 1);
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
          return finish(PeerReason::FqdnNoMatch, 0, 1);
        }
        out.element_ref = hit->ref;
        why.fqdn = hit;
        why.dns = std::make_shared<const DnsVisibility>(dns_visibility(ctx.model, ctx.subject, selecting, peer.fqdn));
        out.peer = why.dns->seen;
        switch (why.dns->seen) {
          case Match::Yes: return finish(PeerReason::FqdnSeen, 1, 0);
          case Match::Maybe: return finish(PeerReason::FqdnDnsUnknown, 1, 0);
          case Match::No: return finish(PeerReason::FqdnNotSeen, 1, 1);
        }
      }
      // An address, or world: allowed only if DNS answered one of the names
      // with it. Which addresses the names have is not in the input, and a
      // node's agent keeps one DNS cache and labels the learned addresses for
      // every toFQDNs selector of the node (pkg/fqdn/namemanager/manager.go
      // :: UpdateGenerateDNS), so this holds whatever the source's own
      // lookups are.
      out.peer = Match::Maybe;
      return finish(PeerReason::FqdnAnswerUnknown, 0, 0);
    }

    case PeerKind::Groups:
    case PeerKind::Nodes: {
      bool could = rule.peer_kind == PeerKind::Groups ? peer.external
                                                      : (has_reserved(peer.labels, "host") || has_reserved(peer.labels, "remote-node"));
      if (!could) {
        out.peer = Match::No;
        return finish(PeerReason::NeverPeers, 0, 1);
      }
      out.peer = Match::Maybe;
      return finish(rule.peer_kind == PeerKind::Groups ? PeerReason::GroupsUnknown : PeerReason::NodesUnknown, 0, 0);
    }
  }
  return out;
}

}  // namespace netreach
