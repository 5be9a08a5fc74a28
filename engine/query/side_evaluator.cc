#include "query/side_evaluator.h"

#include <algorithm>

#include <fmt/format.h>

#include "query/peer_match.h"
#include "query/peer_words.h"

namespace netreach {
namespace {

std::string direction_word(Direction d) { return d == Direction::Ingress ? "ingress" : "egress"; }

// Whether a PeerRule carries something we cannot judge offline; printed as a
// caveat on any verdict it takes part in.
void add_caveats(const PeerRule& pr, std::vector<std::string>& caveats, bool l7_decided = false) {
  for (auto u : pr.unevaluated) {
    if (u == Unevaluated::L7Rules && l7_decided) continue;
    std::string text;
    switch (u) {
      case Unevaluated::L7Rules:
        text = fmt::format("{} ({}) has L7 rules: the connection is allowed, requests are filtered by Cilium's proxy (not evaluated by netreach{})",
                           pr.ref.path, pr.ref.policy_display(),
                           std::any_of(pr.ports.begin(), pr.ports.end(), [](const PortProtocol& p) { return !p.http.empty(); })
                               ? " without a request: ask with --http METHOD PATH"
                               : "");
        break;
      case Unevaluated::Authentication:
        text = fmt::format("{} ({}) requires mutual authentication: traffic flows only after the SPIFFE handshake succeeds",
                           pr.ref.path, pr.ref.policy_display());
        break;
      default:
        text = fmt::format("{} ({}) uses {}, which netreach does not evaluate yet", pr.ref.path,
                           pr.ref.policy_display(), to_string(u));
    }
    if (std::find(caveats.begin(), caveats.end(), text) == caveats.end()) caveats.push_back(std::move(text));
  }
}

struct Candidate {
  const PeerRule* rule;
  RuleMatchResult result;
};

// Labels that identify a pod for a suggested selector.
std::vector<std::pair<std::string, std::string>> identifying_labels(const SidePeer& peer) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!peer.pod) return out;
  for (std::string_view key : {"app.kubernetes.io/name", "app", "k8s-app", "name", "app.kubernetes.io/component", "component"}) {
    for (const auto& [k, v] : peer.pod->labels)
      if (k == key && label_filter_keeps(k)) {
        out.emplace_back(k, v);
        return out;
      }
  }
  for (const auto& [k, v] : peer.pod->labels)
    if (label_filter_keeps(k) && !k.starts_with(kCiliumLabelPrefix)) out.emplace_back(k, v);
  if (out.empty()) out.emplace_back(std::string(kServiceAccountLabel), peer.pod->service_account);
  return out;
}

std::string quote_if_needed(const std::string& v) {
  bool plain = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '/'; });
  bool looks_special = v == "true" || v == "false" || v == "yes" || v == "no" || v == "on" || v == "off" ||
                       v == "null" || std::all_of(v.begin(), v.end(), ::isdigit);
  return plain && !looks_special ? v : fmt::format("\"{}\"", v);
}

// A rule that would allow the flow, as YAML to paste under `spec:`.
// The namespace is always written out: a selector without it would be scoped
// to the policy's namespace (docs/semantics.md#cnp-peer-scoping), which is the mistake we are explaining.
// The L4 part of a suggested rule: toPorts for a port, icmps for an ICMP
// type (toPorts cannot name ICMP, pkg/policy/api/l4.go; Cilium rejects the two
// in one rule, so a rule allowing ICMP carries icmps only).
std::string suggest_l4(uint16_t port, Protocol protocol) {
  if (is_icmp(protocol))
    return fmt::format("  icmps:\n  - fields:\n    - family: {}\n      type: {}\n", protocol == Protocol::ICMPv6 ? "IPv6" : "IPv4", port);
  return fmt::format("  toPorts:\n  - ports:\n    - port: \"{}\"\n      protocol: {}\n", port, to_string(protocol));
}

std::string suggest_rule(const SidePeer& peer, Direction d, uint16_t port, Protocol protocol) {
  std::string field_prefix = d == Direction::Ingress ? "from" : "to";
  std::string out = fmt::format("{}:\n", direction_word(d));
  if (peer.is_pod) {
    out += fmt::format("- {}Endpoints:\n  - matchLabels:\n", field_prefix);
    out += fmt::format("      k8s:io.kubernetes.pod.namespace: {}\n", peer.namespace_);
    for (const auto& [k, v] : identifying_labels(peer)) out += fmt::format("      {}: {}\n", k, quote_if_needed(v));
  } else if (peer.local_host) {
    out += fmt::format("- {}Entities:\n  - host\n", field_prefix);
  } else if (peer.labels.has(SelectorKey{"reserved", "remote-node"})) {
    out += fmt::format("- {}Entities:\n  - remote-node\n", field_prefix);
  } else if (peer.external && peer.ip) {
    out += fmt::format("- {}CIDR:\n  - {}/{}\n", field_prefix, peer.ip->to_string(), peer.ip->v6 ? 128 : 32);
  } else if (!peer.fqdn.empty() && d == Direction::Egress) {
    // toFQDNs learns addresses only from lookups the DNS proxy sees: the
    // rule is useless without a DNS rule naming the cluster DNS.
    out += fmt::format("- toFQDNs:\n  - matchName: {}\n", peer.fqdn);
    out += suggest_l4(port, protocol);
    out += "- toEndpoints:\n  - matchLabels:\n      k8s:io.kubernetes.pod.namespace: kube-system\n      k8s:k8s-app: kube-dns\n";
    out += fmt::format("  toPorts:\n  - ports:\n    - port: \"53\"\n      protocol: ANY\n    rules:\n      dns:\n      - matchName: {}\n",
                       peer.fqdn);
    return out;
  } else if (peer.external) {
    out += fmt::format("- {}Entities:\n  - world\n", field_prefix);
  } else {
    std::string entity = "cluster";
    for (auto name : {"health", "ingress", "init", "unmanaged", "kube-apiserver"})
      if (peer.labels.has(SelectorKey{"reserved", name})) entity = name;
    out += fmt::format("- {}Entities:\n  - {}\n", field_prefix, entity);
  }
  out += suggest_l4(port, protocol);
  return out;
}

// The toPorts entries of an allow that cover the port: the one the match
// found and any other numeric entry of the rule on the same port and protocol
// (each toPorts item carries its own L7 rules).
std::vector<const PortProtocol*> covering_entries(const Candidate& c, uint16_t port, Protocol protocol) {
  std::vector<const PortProtocol*> out;
  if (!c.result.port_entry) return out;
  out.push_back(c.result.port_entry);
  for (const auto& pp : c.rule->ports)
    if (&pp != c.result.port_entry && !pp.is_named() && pp.covers_protocol(protocol) && pp.covers_number(port)) out.push_back(&pp);
  return out;
}

std::string allow_text(const Candidate& c) {
  const RuleRef& el = c.result.element_ref ? *c.result.element_ref : c.rule->ref;
  return fmt::format("{} {} ({})", c.rule->ref.policy_display(), el.path, el.pos.to_string());
}

// The request against the HTTP rules of every allow covering the flow
// (docs/semantics.md#http-rules). Cilium keeps, per port, the L7 rules of each
// peer selector: an allow of the same peer and port without L7 rules (or an
// L3-only allow) wildcards them (pkg/policy/rule.go :: wildcardL3L4Rule; in
// Envoy's policy, pkg/envoy/server.go :: getPortNetworkPolicyRule gives such a
// selector a rule without L7 matchers, which passes every request), and the
// HTTP rules of all selectors matching the peer are ORed.
void decide_http(SideVerdict& v, const MatchContext& ctx, const std::vector<Candidate>& allows, const HttpRequest& request,
                 uint16_t port, Protocol protocol) {
  for (const Candidate& c : allows) {
    auto entries = covering_entries(c, port, protocol);
    bool plain = entries.empty() || std::any_of(entries.begin(), entries.end(), [](const PortProtocol* p) { return !p->l7; });
    if (!plain) continue;
    v.verdict = Verdict::Allow;
    v.decisive = c.result.element_ref ? *c.result.element_ref : c.rule->ref;
    v.reason = fmt::format("allowed by {}: {}; it has no L7 rules on {}, so every request passes, {} included "
                           "(an allow without L7 rules for the same peer and port wildcards the HTTP rules of others, "
                           "docs/semantics.md#http-rules)",
                           allow_text(c), render_peer_reason(ctx, c.result).description, flow_port_text(port, protocol), request.to_string());
    add_caveats(*c.rule, v.caveats, true);
    return;
  }
  struct Tried {
    const Candidate* c;
    const HttpRule* rule;
    HttpRuleMatch m;
  };
  std::vector<Tried> tried;
  std::vector<const Candidate*> other_l7;
  for (const Candidate& c : allows) {
    for (const PortProtocol* e : covering_entries(c, port, protocol)) {
      if (e->http.empty()) {
        other_l7.push_back(&c);
        continue;
      }
      for (const HttpRule& r : e->http) {
        HttpRuleMatch m = match_http_rule(r, request);
        if (m.outcome == HttpRuleMatch::Outcome::Match) {
          v.verdict = Verdict::Allow;
          v.decisive = r.ref;
          v.reason = fmt::format("allowed by {}: {}; the request {} matches its HTTP rule {} ({}) {}{}{}", allow_text(c),
                                 render_peer_reason(ctx, c.result).description, request.to_string(), r.ref.path, r.ref.pos.to_string(), r.to_string(),
                                 m.matched.empty() ? "" : ": ", fmt::join(m.matched, ", "));
          add_caveats(*c.rule, v.caveats, true);
          return;
        }
        tried.push_back(Tried{&c, &r, std::move(m)});
      }
    }
  }
  for (const Tried& t : tried) {
    if (t.m.outcome != HttpRuleMatch::Outcome::Unknown) continue;
    v.verdict = Verdict::Unknown;
    v.decisive = t.rule->ref;
    v.reason = fmt::format("may be allowed by {}: the request {} matches its HTTP rule {} ({}) {} except for a fact the input lacks: {}",
                           allow_text(*t.c), request.to_string(), t.rule->ref.path, t.rule->ref.pos.to_string(), t.rule->to_string(),
                           t.m.unknown_fact);
    add_caveats(*t.c->rule, v.caveats, true);
    return;
  }
  if (!other_l7.empty()) {
    const Candidate& c = *other_l7.front();
    v.verdict = Verdict::Unknown;
    v.decisive = c.result.element_ref ? *c.result.element_ref : c.rule->ref;
    v.reason = fmt::format("the connection is allowed by {}, whose L7 rules on {} are not HTTP rules (kafka, dns or l7proto): "
                           "netreach does not judge a request against them",
                           allow_text(c), flow_port_text(port, protocol));
    add_caveats(*c.rule, v.caveats);
    return;
  }
  // The proxy answers such a request itself (HTTP 403), it never reaches the server.
  std::stable_sort(tried.begin(), tried.end(), [](const Tried& a, const Tried& b) {
    return a.m.matched.size() > b.m.matched.size() ||
           (a.m.matched.size() == b.m.matched.size() && a.m.differences.size() < b.m.differences.size());
  });
  const Tried& nearest = tried.front();
  v.verdict = Verdict::Deny;
  v.decisive = nearest.rule->ref;
  v.reason = fmt::format("the connection is allowed by {}, but no HTTP rule on {} matches {}: Cilium's proxy refuses it (403); "
                         "nearest {} ({}) {}: {}",
                         allow_text(*nearest.c), flow_port_text(port, protocol), request.to_string(), nearest.rule->ref.path,
                         nearest.rule->ref.pos.to_string(), nearest.rule->to_string(), fmt::join(nearest.m.differences, "; "));
  for (size_t i = 0; i < tried.size() && v.near_misses.size() < 3; ++i) {
    NearMiss nm;
    nm.rule = tried[i].c->rule->ref;
    nm.rule.path = tried[i].rule->ref.path;
    nm.rule.pos = tried[i].rule->ref.pos;
    nm.element = fmt::format("{} {}", tried[i].rule->ref.path, tried[i].rule->to_string());
    nm.peer_matched = nm.port_matched = true;
    nm.request_checked = true;
    nm.reasons = tried[i].m.differences;
    v.near_misses.push_back(std::move(nm));
  }
  v.suggestion = fmt::format("add an HTTP rule matching {} beside {} in {}, or widen that rule",
                             request.to_string(), nearest.rule->ref.path, nearest.rule->ref.policy_display());
}

}  // namespace

SideSubject pod_subject(const Model& model, const Pod& pod, std::string display) {
  SideSubject s;
  s.pod = &pod;
  s.display = std::move(display);
  if (!pod.host_network) s.identity = model.pod_identity[static_cast<size_t>(&pod - model.cluster.pods.data())];
  return s;
}

SidePeer pod_peer(const Model& model, const Pod& pod, std::string display) {
  SidePeer p;
  p.display = std::move(display);
  p.is_pod = true;
  p.pod = &pod;
  p.namespace_ = pod.namespace_;
  p.labels = model.identities[model.pod_identity[static_cast<size_t>(&pod - model.cluster.pods.data())]].labels;
  return p;
}

SidePeer subject_as_peer(const Model& model, const SideSubject& subject) {
  SidePeer p;
  p.display = subject.display;
  if (subject.identity) p.labels = model.identities[*subject.identity].labels;
  if (subject.pod && !subject.pod->host_network) {
    p.is_pod = true;
    p.pod = subject.pod;
    p.namespace_ = subject.pod->namespace_;
  }
  return p;
}

SideVerdict evaluate_side(const Model& model, Direction d, const SideSubject& subject,
                          const SidePeer& peer, uint16_t port, Protocol protocol, const HttpRequest* http) {
  SideVerdict v;
  v.direction = d;
  v.endpoint = subject.display;
  v.peer = peer.display;

  if (!subject.identity) {
    v.enforcement = Enforcement::NotAnEndpoint;
    v.verdict = Verdict::Allow;
    v.reason = fmt::format("{} is not a Cilium endpoint: no {} policy is enforced for it", subject.display,
                           direction_word(d));
    return v;
  }
  if (model.options.enforcement == EnforcementMode::Never) {
    v.enforcement = Enforcement::NeverMode;
    v.verdict = Verdict::Allow;
    v.reason = "policy enforcement mode is \"never\"";
    return v;
  }

  const Identity& self = model.identities[*subject.identity];
  // The rules that select the subject and have rules in this direction.
  std::vector<RuleHandle> selecting;
  for (RuleHandle h : model.rules_selecting[*subject.identity])
    if (model.rule(h).has_rules(d)) selecting.push_back(h);
  for (RuleHandle h : selecting) v.selecting.push_back(model.rule(h).ref);

  bool is_init = self.reserved == ReservedIdentity::Init;  // always enforcing (docs/semantics.md#enforcement-mode)
  if (selecting.empty() && model.options.enforcement != EnforcementMode::Always && !is_init) {
    v.enforcement = Enforcement::NotSelected;
    v.verdict = Verdict::Allow;
    v.reason = fmt::format("no policy with {} rules selects {}: {} is not enforced (default allow)",
                           direction_word(d), subject.display, direction_word(d));
    return v;
  }
  // docs/semantics.md#enabledefaultdeny: default deny when at least one selecting rule with rules in this
  // direction enables it (pkg/policy/repository.go :: computePolicyEnforcementAndRules).
  bool default_deny = model.options.enforcement == EnforcementMode::Always || is_init;
  for (RuleHandle h : selecting) {
    const Rule& r = model.rule(h);
    if (d == Direction::Ingress ? r.default_deny.ingress : r.default_deny.egress) default_deny = true;
  }
  v.enforcement = model.options.enforcement == EnforcementMode::Always ? Enforcement::AlwaysMode
                  : default_deny                                      ? Enforcement::DefaultDeny
                                                                      : Enforcement::DenyOnly;

  // fromRequires / toRequires of every selecting rule, kept apart for allow and deny rules
  // (docs/semantics.md#fromrequires-and-torequires, pkg/policy/rules.go :: resolveL4IngressPolicy).
  std::vector<const EndpointPeer*> allow_requires, deny_requires;
  for (RuleHandle h : selecting) {
    const Rule& r = model.rule(h);
    for (const auto& pr : d == Direction::Ingress ? r.ingress : r.egress)
      for (const auto& req : pr.requires_) allow_requires.push_back(&req);
    for (const auto& pr : d == Direction::Ingress ? r.ingress_deny : r.egress_deny)
      for (const auto& req : pr.requires_) deny_requires.push_back(&req);
  }

  MatchContext ctx{model, d, subject, peer, port, protocol, &selecting};

  // Deny wins over every allow (docs/semantics.md#deny-wins, pkg/policy/mapstate.go).
  std::optional<Candidate> maybe_deny;
  for (RuleHandle h : selecting) {
    const Rule& r = model.rule(h);
    for (const auto& pr : d == Direction::Ingress ? r.ingress_deny : r.egress_deny) {
      RuleMatchResult m = match_peer_rule(ctx, pr, deny_requires);
      if (m.overall() == Match::Yes) {
        v.verdict = Verdict::Deny;
        v.decisive = m.element_ref ? *m.element_ref : pr.ref;
        v.reason = fmt::format("denied by {} {} ({}): {}", pr.ref.policy_display(), v.decisive->path,
                               v.decisive->pos.to_string(), render_peer_reason(ctx, m).description);
        v.suggestion = fmt::format("deny rules win over every allow (docs/semantics.md#deny-wins): to let this flow through, narrow or remove {} in {}",
                                   pr.ref.path, pr.ref.policy_display());
        return v;
      }
      if (m.overall() == Match::Maybe && !maybe_deny) maybe_deny = Candidate{&pr, m};
    }
  }

  std::optional<Candidate> allow, maybe_allow;
  std::vector<Candidate> allows;  // every allow covering the flow: their L7 rules combine
  std::vector<Candidate> misses;
  for (RuleHandle h : selecting) {
    const Rule& r = model.rule(h);
    for (const auto& pr : d == Direction::Ingress ? r.ingress : r.egress) {
      RuleMatchResult m = match_peer_rule(ctx, pr, allow_requires);
      Match overall = m.overall();
      if (overall == Match::Yes) {
        if (!allow) allow = Candidate{&pr, m};
        allows.push_back(Candidate{&pr, m});
      } else if (overall == Match::Maybe && !maybe_allow) maybe_allow = Candidate{&pr, m};
      else if (overall == Match::No) misses.push_back(Candidate{&pr, std::move(m)});
    }
  }

  auto unknown_from = [&](const Candidate& c, std::string_view what) {
    v.verdict = Verdict::Unknown;
    v.decisive = c.result.element_ref ? *c.result.element_ref : c.rule->ref;
    v.reason = fmt::format("{} by {} {} ({}) depending on a fact the input lacks: {}", what,
                           c.rule->ref.policy_display(), v.decisive->path, v.decisive->pos.to_string(),
                           render_peer_reason(ctx, c.result).unknown_fact);
  };

  if (allow) {
    if (maybe_deny) {
      unknown_from(*maybe_deny, "may be denied");
      return v;
    }
    if (http && protocol == Protocol::TCP) {
      decide_http(v, ctx, allows, *http, port, protocol);
      // An allow the input cannot decide (an address behind world, a DNS
      // answer) may bring its own L7 rules or none: the refusal is not certain.
      if (v.verdict == Verdict::Deny && maybe_allow) {
        unknown_from(*maybe_allow, "the request may be allowed");
        v.near_misses.clear();
        v.suggestion.clear();
      }
      return v;
    }
    v.verdict = Verdict::Allow;
    v.decisive = allow->result.element_ref ? *allow->result.element_ref : allow->rule->ref;
    v.reason = fmt::format("allowed by {} {} ({}): {}", allow->rule->ref.policy_display(), v.decisive->path,
                           v.decisive->pos.to_string(), render_peer_reason(ctx, allow->result).description);
    add_caveats(*allow->rule, v.caveats);
    return v;
  }
  if (v.enforcement == Enforcement::DenyOnly) {
    if (maybe_deny) {
      unknown_from(*maybe_deny, "may be denied");
      return v;
    }
    v.verdict = Verdict::Allow;
    v.reason = fmt::format("the rules selecting {} all set enableDefaultDeny.{}: false, so everything not denied is allowed (docs/semantics.md#enabledefaultdeny)",
                           subject.display, direction_word(d));
    return v;
  }
  // Kubelet probes: the local host reaches its pods whatever ingress policy
  // says, unless denied (pkg/policy/mapstate.go :: determineAllowLocalhostIngress).
  if (d == Direction::Ingress && peer.local_host && model.options.allow_localhost) {
    v.verdict = Verdict::Allow;
    v.reason = "the local host may always reach the endpoints of its node (allow-localhost=always, docs/semantics.md#allow-localhost)";
    return v;
  }
  if (maybe_allow) {
    unknown_from(*maybe_allow, "may be allowed");
    return v;
  }

  v.verdict = Verdict::Deny;
  v.reason = fmt::format("default deny: {} is selected by {} rule{} with {} rules, and none of them allows {} on {}",
                         subject.display, selecting.size(), selecting.size() == 1 ? "" : "s", direction_word(d),
                         peer.display, flow_port_text(port, protocol));
  std::stable_sort(misses.begin(), misses.end(),
                   [](const Candidate& a, const Candidate& b) { return a.result.score > b.result.score; });
  for (size_t i = 0; i < misses.size() && v.near_misses.size() < 3; ++i) {
    const Candidate& c = misses[i];
    if (c.result.score < 0) continue;  // rules that allow nothing at all say nothing useful
    NearMiss nm;
    nm.rule = c.rule->ref;
    nm.element = c.result.element_ref ? c.result.element_ref->path : "";
    nm.peer_matched = c.result.peer == Match::Yes;
    nm.port_matched = c.result.port == Match::Yes;
    nm.reasons = render_peer_reason(ctx, c.result).reasons;
    v.near_misses.push_back(std::move(nm));
  }
  v.suggestion = suggest_rule(peer, d, port, protocol);
  return v;
}

}  // namespace netreach
