// networking.k8s.io/v1 NetworkPolicy -> one Rule, translated as Cilium does
// (pkg/k8s/network_policy.go :: ParseNetworkPolicy, docs/semantics.md#kubernetes-networkpolicy).
#include <algorithm>

#include <fmt/format.h>

#include "policy/field_reader.h"
#include "policy/port_parser.h"
#include "policy/selector_parser.h"

namespace netreach {
namespace {

constexpr FieldHint kKnpSelectorHints[] = {
    {"matchLabel", "did you mean matchLabels?", "leaving a broader selector than written"},
    {"matchExpression", "did you mean matchExpressions?", "leaving a broader selector than written"},
};

constexpr FieldHint kKnpRuleHints[] = {
    {"port", "did you mean ports?", "so this rule now allows every port"},
    {"toPorts", "NetworkPolicy rules use ports", "so this rule now allows every port"},
    {"fromEndpoints", "NetworkPolicy rules use from: [{podSelector: ...}]", {}},
    {"toEndpoints", "NetworkPolicy rules use to: [{podSelector: ...}]", {}},
};

constexpr FieldHint kKnpPeerHints[] = {
    {"ipblock", "did you mean ipBlock?", {}},
    {"namespaceSelectors", "did you mean namespaceSelector?", {}},
    {"podSelectors", "did you mean podSelector?", {}},
};

constexpr FieldHint kKnpSpecHints[] = {
    {"endpointSelector", "NetworkPolicy uses podSelector", {}},
    {"ingres", "did you mean ingress?", {}},
    {"egres", "did you mean egress?", {}},
    {"policyType", "did you mean policyTypes?", {}},
};

std::string namespace_key() { return fmt::format("{}:{}", kSourceK8s, kPodNamespaceLabel); }

// parsePodSelector: pod labels with `k8s:` and the NP namespace, which
// overwrites a written io.kubernetes.pod.namespace matchLabel.
std::optional<Selector> parse_pod_selector(ParseContext& ctx, const YamlNode& node, const std::string& path,
                                           const std::string& ns, bool add_namespace) {
  SelectorParseOptions opts;
  opts.key_source = kSourceK8s;
  if (add_namespace) opts.drop_match_label = kPodNamespaceLabel;
  opts.hints = kKnpSelectorHints;
  opts.unknown_consequence = "leaving a broader selector than written";
  auto sel = parse_selector(ctx, node, path, opts);
  if (sel && add_namespace)
    sel->requirements.push_back(Requirement{SelectorKey::parse(namespace_key()), SelectorOp::In, {ns},
                                            RequirementOrigin::PolicyNamespace});
  return sel;
}


std::optional<PortProtocol> parse_knp_port(ParseContext& ctx, const YamlNode& node, const std::string& path,
                                           const RuleRef& base) {
  if (!expect_mapping(ctx, node, path)) return std::nullopt;
  MapReader r(ctx, node, path);
  PortProtocol port;
  port.ref = derive_ref(base, path, node.pos());
  port.protocol = Protocol::TCP;  // docs/semantics.md#knp-ports: protocol defaults to TCP
  bool ok = true;
  if (auto proto = r.string("protocol")) {
    auto p = parse_port_protocol(*proto);
    if (!p || *p == Protocol::Any) {
      ctx.reject(Rejecter::ApiServer, r.get("protocol")->pos(), r.child("protocol"),
                 fmt::format("unsupported protocol \"{}\": expected TCP, UDP or SCTP", *proto));
      ok = false;
    } else {
      port.protocol = *p;
    }
  } else if (r.get("protocol")) {
    ok = false;
  }
  bool numeric = false;
  if (const YamlNode* p = r.get("port")) {
    if (p->is_scalar() && p->scalar_type() == YamlNode::ScalarType::Int) {
      auto v = p->as_int();
      if (!v || *v < 1 || *v > 65535) {
        ctx.reject(Rejecter::ApiServer, p->pos(), r.child("port"),
                   fmt::format("port {} is outside 1-65535", p->text()));
        ok = false;
      } else {
        port.port = static_cast<uint16_t>(*v);
        numeric = true;
      }
    } else if (is_string_field(ctx, *p, r.child("port"))) {
      const std::string& name = p->text();
      bool lower = std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      if (!lower || !is_iana_service_name(name)) {
        std::string hint = parse_port_number(name) ? " (write a port number without quotes)" : "";
        ctx.reject(Rejecter::ApiServer, p->pos(), r.child("port"),
                   fmt::format("invalid port name \"{}\": at most 15 lower-case letters, digits and '-', with "
                               "at least one letter{}",
                               name, hint));
        ok = false;
      } else {
        port.name = name;
      }
    } else {
      ctx.reject(Rejecter::ApiServer, p->pos(), r.child("port"),
                 fmt::format("port must be an integer or a port name, not {}", p->type_name()));
      ok = false;
    }
  }
  if (auto end = r.integer("endPort")) {
    // ValidateNetworkPolicyPort (k8s.io/kubernetes pkg/apis/networking/validation).
    if (!numeric) {
      ctx.reject(Rejecter::ApiServer, r.get("endPort")->pos(), r.child("endPort"),
                 "endPort needs a numeric port");
      ok = false;
    } else if (*end < port.port || *end > 65535) {
      ctx.reject(Rejecter::ApiServer, r.get("endPort")->pos(), r.child("endPort"),
                 fmt::format("endPort {} must be between port {} and 65535", *end, port.port));
      ok = false;
    } else {
      port.end_port = static_cast<uint16_t>(*end);
    }
  } else if (r.get("endPort")) {
    ok = false;
  }
  r.finish({}, "so the port rule is broader than written");
  if (!ok) return std::nullopt;
  return port;
}

std::optional<CidrPeer> parse_ip_block(ParseContext& ctx, const YamlNode& node, const std::string& path,
                                       const RuleRef& ref) {
  if (!expect_mapping(ctx, node, path)) return std::nullopt;
  MapReader r(ctx, node, path);
  auto cidr_text = r.string("cidr");
  std::vector<std::pair<std::string, const YamlNode*>> excepts;
  if (const YamlNode* ex = r.sequence("except"))
    for (size_t i = 0; i < ex->items().size(); ++i)
      if (auto t = read_string(ctx, ex->items()[i], index_path(r.child("except"), i)))
        excepts.emplace_back(*t, &ex->items()[i]);
  r.finish();
  if (!cidr_text) {
    if (!r.get("cidr")) ctx.reject(Rejecter::ApiServer, node.pos(), r.child("cidr"), "cidr is required");
    return std::nullopt;
  }
  auto prefix = IpPrefix::parse(*cidr_text);
  if (!prefix) {
    ctx.reject(Rejecter::ApiServer, r.get("cidr")->pos(), r.child("cidr"),
               fmt::format("invalid CIDR \"{}\": expected a prefix like 10.0.0.0/8", *cidr_text));
    return std::nullopt;
  }
  CidrPeer peer{CidrRule{*prefix, {}}, ref};
  bool ok = true;
  for (size_t i = 0; i < excepts.size(); ++i) {
    const auto& [text, enode] = excepts[i];
    std::string ep = index_path(r.child("except"), i);
    auto except = IpPrefix::parse(text);
    if (!except) {
      ctx.reject(Rejecter::ApiServer, enode->pos(), ep, fmt::format("invalid CIDR \"{}\"", text));
      ok = false;
    } else if (!prefix->contains(*except) || except->length <= prefix->length) {
      // ValidateIPBlock: "must be a strict subset of `cidr`".
      ctx.reject(Rejecter::ApiServer, enode->pos(), ep,
                 fmt::format("except {} must be a strict subset of cidr {}", text, *cidr_text));
      ok = false;
    } else {
      peer.rule.except.push_back(*except);
    }
  }
  if (!ok) return std::nullopt;
  return peer;
}

// One from[]/to[] peer -> one PeerRule (docs/semantics.md#knp-peers, parseNetworkPolicyPeer).
std::optional<PeerRule> parse_peer(ParseContext& ctx, const YamlNode& node, const std::string& path,
                                   PeerRule rule, const std::string& ns) {
  rule.ref.path = path;
  rule.ref.pos = node.pos();
  if (!expect_mapping(ctx, node, path)) return std::nullopt;
  MapReader r(ctx, node, path);
  const YamlNode* pod = r.get("podSelector");
  const YamlNode* nsel = r.get("namespaceSelector");
  const YamlNode* ip = r.get("ipBlock");
  r.finish(kKnpPeerHints, "which may widen this rule");
  if (ip && (pod || nsel)) {
    ctx.reject(Rejecter::ApiServer, r.entry("ipBlock")->key_pos, r.child("ipBlock"),
               "a peer may have ipBlock or podSelector/namespaceSelector, not both");
    return std::nullopt;
  }
  if (!ip && !pod && !nsel) {
    ctx.reject(Rejecter::ApiServer, node.pos(), path,
               "a peer needs podSelector, namespaceSelector or ipBlock");
    return std::nullopt;
  }
  if (ip) {
    auto cidr = parse_ip_block(ctx, *ip, r.child("ipBlock"), rule.ref);
    if (!cidr) return std::nullopt;
    rule.peer_kind = PeerKind::Cidr;
    rule.cidrs.push_back(std::move(*cidr));
    return rule;
  }
  Selector selector;
  if (pod) {
    auto sel = parse_pod_selector(ctx, *pod, r.child("podSelector"), ns, /*add_namespace=*/!nsel);
    if (!sel) return std::nullopt;
    selector = std::move(*sel);
  }
  if (nsel) {
    SelectorParseOptions opts;
    opts.key_source = kSourceK8s;
    opts.key_prefix = kNamespaceLabelsPrefix;
    opts.origin = RequirementOrigin::Translated;
    opts.hints = kKnpSelectorHints;
    opts.unknown_consequence = "leaving a broader selector than written";
    auto sel = parse_selector(ctx, *nsel, r.child("namespaceSelector"), opts);
    if (!sel) return std::nullopt;
    if (sel->requirements.empty()) {
      // An empty namespaceSelector selects every namespace: the namespace
      // label exists (docs/semantics.md#knp-peers).
      sel->requirements.push_back(Requirement{SelectorKey::parse(namespace_key()), SelectorOp::Exists, {},
                                              RequirementOrigin::Translated});
    }
    for (auto& req : sel->requirements) selector.requirements.push_back(std::move(req));
  }
  rule.peer_kind = PeerKind::Endpoints;
  rule.endpoints.push_back(EndpointPeer{std::move(selector), rule.ref});
  return rule;
}

void parse_knp_rules(ParseContext& ctx, MapReader& spec, std::string_view key, Direction direction,
                     const Policy& policy, std::vector<PeerRule>& out) {
  const YamlNode* seq = spec.sequence(key);
  if (!seq) return;
  const bool ingress = direction == Direction::Ingress;
  const std::string_view peers_key = ingress ? "from" : "to";
  for (size_t i = 0; i < seq->items().size(); ++i) {
    const YamlNode& item = seq->items()[i];
    std::string path = index_path(spec.child(key), i);
    PeerRule base;
    base.direction = direction;
    base.ref = RuleRef{policy.kind, policy.namespace_, policy.name, path, item.pos()};
    if (!expect_mapping(ctx, item, path)) continue;
    MapReader r(ctx, item, path);
    if (const YamlNode* ports = r.sequence("ports")) {
      base.has_to_ports = !ports->items().empty();
      for (size_t j = 0; j < ports->items().size(); ++j)
        if (auto p = parse_knp_port(ctx, ports->items()[j], index_path(r.child("ports"), j), base.ref))
          base.ports.push_back(std::move(*p));
    }
    const YamlNode* peers = r.sequence(peers_key);
    r.finish(kKnpRuleHints, "which may widen this rule");
    if (!peers || peers->items().empty()) {
      // docs/semantics.md#knp-empty-peers: a missing or empty from/to is the true wildcard (no namespace
      // term): every identity, world and nodes included.
      base.peer_kind = PeerKind::Endpoints;
      base.endpoints.push_back(EndpointPeer{Selector{}, base.ref});
      out.push_back(std::move(base));
      continue;
    }
    for (size_t j = 0; j < peers->items().size(); ++j) {
      std::string peer_path = index_path(r.child(peers_key), j);
      if (auto rule = parse_peer(ctx, peers->items()[j], peer_path, base, policy.namespace_))
        out.push_back(std::move(*rule));
    }
  }
}

}  // namespace

void parse_k8s_policy_body(ParseContext& ctx, MapReader& top, Policy& policy,
                           const PolicyParseOptions& options) {
  (void)options;
  const YamlNode* spec_node = top.get("spec");
  if (!spec_node) {
    ctx.reject(Rejecter::ApiServer, top.node().pos(), "spec", "spec is required");
    return;
  }
  if (!expect_mapping(ctx, *spec_node, "spec")) return;
  MapReader spec(ctx, *spec_node, "spec");
  Rule rule;
  rule.ref = RuleRef{policy.kind, policy.namespace_, policy.name, "spec", spec_node->pos()};

  // docs/semantics.md#knp-subject: subject = podSelector with k8s: keys + the policy namespace.
  if (const YamlNode* pod = spec.get("podSelector")) {
    if (auto sel = parse_pod_selector(ctx, *pod, spec.child("podSelector"), policy.namespace_, true))
      rule.subject = std::move(*sel);
  } else {
    ctx.reject(Rejecter::ApiServer, spec_node->pos(), spec.child("podSelector"), "podSelector is required");
  }

  bool has_ingress_type = false, has_egress_type = false;
  const YamlNode* types = spec.sequence("policyTypes");
  if (types) {
    for (size_t i = 0; i < types->items().size(); ++i) {
      std::string p = index_path(spec.child("policyTypes"), i);
      auto t = read_string(ctx, types->items()[i], p);
      if (!t) continue;
      if (*t == "Ingress") has_ingress_type = true;
      else if (*t == "Egress") has_egress_type = true;
      else
        ctx.reject(Rejecter::ApiServer, types->items()[i].pos(), p,
                   fmt::format("unknown policy type \"{}\" (expected Ingress or Egress)", *t));
    }
  }

  parse_knp_rules(ctx, spec, "ingress", Direction::Ingress, policy, rule.ingress);
  parse_knp_rules(ctx, spec, "egress", Direction::Egress, policy, rule.egress);
  spec.finish(kKnpSpecHints, "so its content is ignored");

  // docs/semantics.md#knp-policytypes (network_policy.go :: ParseNetworkPolicy): Cilium translates both
  // lists whatever policyTypes says, and adds a deny-all `[{}]` rule for an
  // empty direction that the policy types enforce.
  auto deny_all = [&](Direction d) {
    PeerRule r;
    r.direction = d;
    r.ref = RuleRef{policy.kind, policy.namespace_, policy.name, types ? "spec.policyTypes" : "spec",
                    types ? types->pos() : spec_node->pos()};
    return r;
  };
  const YamlNode* ingress_node = spec_node->find("ingress");
  const YamlNode* egress_node = spec_node->find("egress");
  bool no_ingress = !ingress_node || !ingress_node->is_sequence() || ingress_node->items().empty();
  bool no_egress = !egress_node || !egress_node->is_sequence() || egress_node->items().empty();
  if (no_ingress && (has_ingress_type || !has_egress_type)) rule.ingress.push_back(deny_all(Direction::Ingress));
  if (no_egress && has_egress_type) rule.egress.push_back(deny_all(Direction::Egress));
  if (!has_egress_type && !no_egress && types)
    ctx.warn(types->pos(), "spec.policyTypes",
             "policyTypes does not list Egress, but Cilium enforces the egress rules anyway (docs/semantics.md#knp-policytypes)");
  if (!has_ingress_type && !no_ingress && types)
    ctx.warn(types->pos(), "spec.policyTypes",
             "policyTypes does not list Ingress, but Cilium enforces the ingress rules anyway (docs/semantics.md#knp-policytypes)");

  rule.default_deny = EnableDefaultDeny{true, true};
  policy.rules.push_back(std::move(rule));
}

}  // namespace netreach
