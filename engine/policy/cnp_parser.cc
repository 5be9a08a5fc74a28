// CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy: spec / specs -> Rules.
#include <algorithm>

#include <fmt/format.h>

#include "policy/cidr_group_parser.h"
#include "policy/field_reader.h"
#include "policy/port_parser.h"
#include "policy/selector_parser.h"

namespace netreach {
namespace {

constexpr std::string_view kWidens = "which may widen this rule";
constexpr std::string_view kAllPorts = "so this rule now allows every port";

constexpr FieldHint kIngressHints[] = {
    {"fromPorts", "did you mean toPorts? (ingress port rules are also written toPorts)", kAllPorts},
    {"toPort", "did you mean toPorts?", kAllPorts},
    {"ports", "ports go inside toPorts: [{ports: [...]}]", kAllPorts},
    {"port", "ports go inside toPorts: [{ports: [{port: \"80\"}]}]", kAllPorts},
    {"fromEndpoint", "did you mean fromEndpoints?", {}},
    {"fromEntity", "did you mean fromEntities?", {}},
    {"toEndpoints", "ingress rules use fromEndpoints", {}},
    {"toEntities", "ingress rules use fromEntities", {}},
    {"toCIDR", "ingress rules use fromCIDR", {}},
    {"toCIDRSet", "ingress rules use fromCIDRSet", {}},
    {"toRequires", "ingress rules use fromRequires", {}},
    {"toNodes", "ingress rules use fromNodes", {}},
    {"authentication", "deny rules have no authentication", {}},
    {"icmp", "did you mean icmps?", {}},
};

constexpr FieldHint kEgressHints[] = {
    {"toPort", "did you mean toPorts?", kAllPorts},
    {"fromPorts", "egress port rules are written toPorts", kAllPorts},
    {"ports", "ports go inside toPorts: [{ports: [...]}]", kAllPorts},
    {"port", "ports go inside toPorts: [{ports: [{port: \"80\"}]}]", kAllPorts},
    {"toEndpoint", "did you mean toEndpoints?", {}},
    {"toEntity", "did you mean toEntities?", {}},
    {"toFQDN", "did you mean toFQDNs?", {}},
    {"toFQDNs", "toFQDNs is not allowed in egressDeny (Cilium has no FQDN deny)",
     "so this deny now applies to every destination"},
    {"fromEndpoints", "egress rules use toEndpoints", {}},
    {"fromEntities", "egress rules use toEntities", {}},
    {"fromCIDR", "egress rules use toCIDR", {}},
    {"fromCIDRSet", "egress rules use toCIDRSet", {}},
    {"fromRequires", "egress rules use toRequires", {}},
    {"fromNodes", "egress rules use toNodes", {}},
    {"authentication", "deny rules have no authentication", {}},
    {"icmp", "did you mean icmps?", {}},
};

constexpr FieldHint kRuleHints[] = {
    {"ingres", "did you mean ingress?", "so there are no ingress rules and no ingress default deny"},
    {"egres", "did you mean egress?", "so there are no egress rules and no egress default deny"},
    {"endpointSelectors", "did you mean endpointSelector?", {}},
    {"podSelector", "Cilium policies use endpointSelector", {}},
    {"fromEndpoints", "fromEndpoints belongs inside an ingress rule", {}},
    {"toEndpoints", "toEndpoints belongs inside an egress rule", {}},
    {"toPorts", "toPorts belongs inside an ingress or egress rule", {}},
};


struct RuleContext {
  const Policy& policy;
  const PolicyParseOptions& options;
  bool subject_selects_init = false;  // CCNP exception, docs/semantics.md#ccnp-peer-scoping
  bool host_policy = false;           // nodeSelector subject
};

// The L3 peer fields of one rule, with the PeerKind each one counts as
// (docs/semantics.md#one-peer-kind-per-rule).
struct L3Field {
  std::string_view key;
  PeerKind kind;
};
constexpr L3Field kIngressL3[] = {
    {"fromEndpoints", PeerKind::Endpoints}, {"fromCIDR", PeerKind::Cidr},
    {"fromCIDRSet", PeerKind::Cidr},        {"fromEntities", PeerKind::Entities},
    {"fromNodes", PeerKind::Nodes},         {"fromGroups", PeerKind::Groups},
};
constexpr L3Field kEgressL3[] = {
    {"toEndpoints", PeerKind::Endpoints}, {"toCIDR", PeerKind::Cidr},
    {"toCIDRSet", PeerKind::Cidr},        {"toEntities", PeerKind::Entities},
    {"toNodes", PeerKind::Nodes},         {"toGroups", PeerKind::Groups},
    {"toServices", PeerKind::Services},   {"toFQDNs", PeerKind::Fqdns},
};

std::optional<CidrPeer> parse_cidr_string(ParseContext& ctx, const YamlNode& node,
                                          const std::string& path, const RuleRef& base) {
  auto text = read_string(ctx, node, path);
  if (!text) return std::nullopt;
  // api.CIDR.sanitize (rule_validation.go): toCIDR/fromCIDR accept a bare
  // address as a single host (docs/semantics.md#cidr-forms).
  auto prefix = IpPrefix::parse(*text, /*allow_bare_address=*/true);
  if (!prefix) {
    ctx.reject(Rejecter::ApiServer, node.pos(), path,
               fmt::format("invalid CIDR \"{}\": expected an address or a prefix like 10.0.0.0/8", *text));
    return std::nullopt;
  }
  return CidrPeer{CidrRule{*prefix, {}}, derive_ref(base, path, node.pos())};
}

// One CIDRRule (toCIDRSet[] / fromCIDRSet[]); CIDRRule.sanitize. An entry
// with cidrGroupRef / cidrGroupSelector goes to rule.cidr_groups.
std::optional<CidrPeer> parse_cidr_rule(ParseContext& ctx, const YamlNode& node,
                                        const std::string& path, PeerRule& rule) {
  if (!expect_mapping(ctx, node, path)) return std::nullopt;
  MapReader r(ctx, node, path);
  auto cidr_text = r.string("cidr");
  auto group_ref = r.string("cidrGroupRef");
  const YamlNode* group_selector = r.get("cidrGroupSelector");
  int set = (r.get("cidr") ? 1 : 0) + (r.get("cidrGroupRef") ? 1 : 0) + (group_selector ? 1 : 0);
  std::optional<Selector> group_sel;
  if (group_selector) group_sel = parse_selector(ctx, *group_selector, r.child("cidrGroupSelector"));
  if (group_ref && !is_dns_subdomain_name(*group_ref))
    ctx.reject(Rejecter::ApiServer, r.get("cidrGroupRef")->pos(), r.child("cidrGroupRef"),
               fmt::format("invalid cidrGroupRef \"{}\": must be a DNS subdomain name", *group_ref));
  std::vector<std::pair<std::string, const YamlNode*>> excepts;
  if (const YamlNode* ex = r.sequence("except")) {
    for (size_t i = 0; i < ex->items().size(); ++i) {
      std::string ep = index_path(r.child("except"), i);
      if (auto t = read_string(ctx, ex->items()[i], ep)) excepts.emplace_back(*t, &ex->items()[i]);
    }
  }
  r.finish({}, "which may widen this rule");
  if (set != 1) {
    ctx.reject(Rejecter::ApiServer, node.pos(), path,
               set == 0 ? "one of cidr, cidrGroupRef or cidrGroupSelector is required"
                        : "only one of cidr, cidrGroupRef or cidrGroupSelector may be set");
    return std::nullopt;
  }
  if (!cidr_text) {
    // A group entry: the groups' CIDRs minus the excepts. CIDRRule.Validate
    // checks excepts against `cidr` only, so here they need only parse
    // (the CRD's format: cidr); GetAsEndpointSelectors applies them on top
    // of the group selector all the same.
    if (!group_ref && !group_sel) return std::nullopt;
    CidrGroupPeer peer;
    peer.name = group_ref.value_or("");
    peer.selector = std::move(group_sel);
    peer.ref = derive_ref(rule.ref, path, node.pos());
    bool ok = true;
    for (size_t i = 0; i < excepts.size(); ++i) {
      const auto& [text, enode] = excepts[i];
      if (auto except = IpPrefix::parse(text)) {
        peer.except.push_back(*except);
      } else {
        ctx.reject(Rejecter::ApiServer, enode->pos(), index_path(r.child("except"), i),
                   fmt::format("invalid CIDR \"{}\"", text));
        ok = false;
      }
    }
    if (ok) rule.cidr_groups.push_back(std::move(peer));
    return std::nullopt;
  }
  // Only prefix notation here, unlike toCIDR (docs/semantics.md#cidr-forms).
  auto prefix = IpPrefix::parse(*cidr_text);
  if (!prefix) {
    std::string hint = IpPrefix::parse(*cidr_text, true)
                           ? fmt::format(" (toCIDRSet needs prefix notation: {}/{})", *cidr_text,
                                         cidr_text->find(':') != std::string::npos ? 128 : 32)
                           : std::string();
    ctx.reject(Rejecter::ApiServer, r.get("cidr")->pos(), r.child("cidr"),
               fmt::format("invalid CIDR \"{}\"{}", *cidr_text, hint));
    return std::nullopt;
  }
  CidrPeer peer{CidrRule{*prefix, {}}, derive_ref(rule.ref, path, node.pos())};
  bool ok = true;
  for (size_t i = 0; i < excepts.size(); ++i) {
    const auto& [text, enode] = excepts[i];
    std::string ep = index_path(r.child("except"), i);
    auto except = IpPrefix::parse(text);
    if (!except) {
      ctx.reject(Rejecter::ApiServer, enode->pos(), ep, fmt::format("invalid CIDR \"{}\"", text));
      ok = false;
    } else if (except->address.v6 != prefix->address.v6) {
      ctx.reject(Rejecter::Agent, enode->pos(), ep,
                 fmt::format("except {} is of another address family than cidr {}", text, *cidr_text));
      ok = false;
    } else if (!prefix->contains(except->address)) {
      ctx.reject(Rejecter::Agent, enode->pos(), ep,
                 fmt::format("except {} is not inside cidr {}", text, *cidr_text));
      ok = false;
    } else if (except->length <= prefix->length) {
      // CIDRRule.Validate (newer Cilium) requires a longer prefix; v1.17 only
      // checks containment and would except the whole range (docs/semantics.md#cidr-except).
      ctx.reject(Rejecter::Agent, enode->pos(), ep,
                 fmt::format("except {} must be a longer prefix than cidr {} (it would remove the whole range)",
                             text, *cidr_text));
      ok = false;
    } else {
      peer.rule.except.push_back(*except);
    }
  }
  if (!ok) return std::nullopt;
  return peer;
}

void parse_groups(ParseContext& ctx, const YamlNode& node, const std::string& path) {
  if (!expect_mapping(ctx, node, path)) return;
  MapReader r(ctx, node, path);
  if (const YamlNode* aws = r.mapping("aws")) {
    MapReader a(ctx, *aws, r.child("aws"));
    if (const YamlNode* labels = a.mapping("labels"))
      for (const auto& e : labels->entries())
        if (!e.value.is_null()) read_string(ctx, e.value, field_path(a.child("labels"), e.key));
    a.string("region");
    for (std::string_view key : {"securityGroupsIds", "securityGroupsNames"})
      if (const YamlNode* seq = a.sequence(key))
        for (size_t i = 0; i < seq->items().size(); ++i)
          read_string(ctx, seq->items()[i], index_path(a.child(key), i));
    a.finish();
  }
  r.finish();
}

std::optional<ServicePeer> parse_service(ParseContext& ctx, const YamlNode& node,
                                         const std::string& path, const RuleRef& base) {
  if (!expect_mapping(ctx, node, path)) return std::nullopt;
  MapReader r(ctx, node, path);
  ServicePeer peer;
  peer.ref = derive_ref(base, path, node.pos());
  const YamlNode* by_name = r.mapping("k8sService");
  const YamlNode* by_selector = r.mapping("k8sServiceSelector");
  if (by_name) {
    MapReader s(ctx, *by_name, r.child("k8sService"));
    peer.service_name = s.string("serviceName").value_or("");
    peer.service_namespace = s.string("namespace").value_or("");
    s.finish();
  }
  if (by_selector) {
    MapReader s(ctx, *by_selector, r.child("k8sServiceSelector"));
    peer.by_selector = true;
    if (const YamlNode* sel = s.get("selector")) {
      if (auto parsed = parse_selector(ctx, *sel, s.child("selector"))) peer.service_label_selector = *parsed;
    } else {
      ctx.reject(Rejecter::ApiServer, by_selector->pos(), s.child("selector"), "selector is required");
    }
    peer.service_namespace = s.string("namespace").value_or("");
    s.finish();
  }
  r.finish({}, kWidens);
  if (!by_name && !by_selector && !r.get("k8sService") && !r.get("k8sServiceSelector")) {
    ctx.reject(Rejecter::ApiServer, node.pos(), path, "one of k8sService or k8sServiceSelector is required");
    return std::nullopt;
  }
  if (by_name && by_selector) {
    ctx.reject(Rejecter::ApiServer, node.pos(), path, "only one of k8sService or k8sServiceSelector may be set");
    return std::nullopt;
  }
  return peer;
}

void parse_entity_item(ParseContext& ctx, const YamlNode& node, const std::string& path, PeerRule& rule) {
  auto text = read_string(ctx, node, path);
  if (!text) return;
  auto entity = netreach::parse_entity(*text);
  if (!entity) {
    ctx.reject(Rejecter::ApiServer, node.pos(), path,
               fmt::format("unknown entity \"{}\" (expected one of all, world, cluster, host, init, ingress, "
                           "unmanaged, remote-node, health, none, kube-apiserver)",
                           *text));
    return;
  }
  if (*entity == Entity::WorldIPv4 || *entity == Entity::WorldIPv6) {
    // Known to the agent (entity.go) but not in the v1.17 CRD enum (docs/semantics.md#api-server-validation).
    std::string message = fmt::format(
        "entity \"{}\" is not in the CiliumNetworkPolicy CRD enum of this Cilium version; use world", *text);
    if (ctx.lenient())
      ctx.warn(node.pos(), path, message + " (kept: newer API servers may accept it)");
    else
      ctx.reject(Rejecter::ApiServer, node.pos(), path, message);
    if (!ctx.lenient()) return;
  }
  rule.entities.push_back(EntityPeer{*entity, derive_ref(rule.ref, path, node.pos())});
}

PeerRule parse_peer_rule(ParseContext& ctx, const YamlNode& node, const std::string& path,
                         Direction direction, bool deny, const RuleContext& rc) {
  PeerRule rule;
  rule.direction = direction;
  rule.deny = deny;
  rule.ref = RuleRef{rc.policy.kind, rc.policy.namespace_, rc.policy.name, path, node.pos()};
  if (!expect_mapping(ctx, node, path)) return rule;
  MapReader r(ctx, node, path);
  const bool ingress = direction == Direction::Ingress;
  std::span<const L3Field> l3 = ingress ? std::span<const L3Field>(kIngressL3) : std::span<const L3Field>(kEgressL3);

  struct Present {
    std::string_view key;
    PeerKind kind;
    const YamlNode* value;
  };
  std::vector<Present> non_empty, empty;
  for (const auto& f : l3) {
    if (deny && f.key == "toFQDNs") continue;  // EgressDenyRule has no toFQDNs (docs/semantics.md#deny-rules)
    const YamlNode* v = r.sequence(f.key);
    if (!v) continue;
    (v->items().empty() ? empty : non_empty).push_back({f.key, f.kind, v});
  }

  // docs/semantics.md#one-peer-kind-per-rule: IngressCommonRule.sanitize / EgressCommonRule.sanitize.
  if (non_empty.size() > 1) {
    std::vector<std::string_view> keys;
    for (const auto& p : non_empty) keys.push_back(p.key);
    std::sort(keys.begin(), keys.end());
    const auto* second = r.entry(non_empty[1].key);
    ctx.reject(Rejecter::Agent, second->key_pos, field_path(path, non_empty[1].key),
               fmt::format("combining {} and {} is not supported (one L3 peer field per rule; "
                           "write separate rules)",
                           keys[0], keys[1]));
  }
  if (!non_empty.empty()) {
    rule.peer_kind = non_empty.front().kind;
  } else if (!empty.empty()) {
    // docs/semantics.md#rule-shapes (ingress.go :: SetAggregatedSelectors): an explicit empty list
    // selects nothing, even with toPorts.
    rule.peer_kind = empty.front().kind;
    rule.explicit_empty_peers = true;
  }

  auto scoped_selectors = [&](std::string_view key, bool requires_, bool scope,
                              std::vector<EndpointPeer>& out) {
    const YamlNode* seq = r.sequence(key);
    if (!seq) return;
    std::string base = r.child(key);
    SelectorParseOptions opts;  // default hints: namespaceSelector, podSelector, matchLabel...
    opts.unknown_consequence = "leaving a broader selector than written";
    for (size_t i = 0; i < seq->items().size(); ++i) {
      std::string p = index_path(base, i);
      auto sel = parse_selector(ctx, seq->items()[i], p, opts);
      if (!sel) continue;
      if (scope)
        scope_peer_selector(*sel, rc.policy.kind, rc.policy.namespace_, rc.subject_selects_init, requires_);
      out.push_back(EndpointPeer{std::move(*sel), derive_ref(rule.ref, p, seq->items()[i].pos())});
    }
  };
  const std::string_view pfx = ingress ? "from" : "to";
  auto key = [&](std::string_view suffix) { return fmt::format("{}{}", pfx, suffix); };

  scoped_selectors(key("Endpoints"), false, true, rule.endpoints);
  scoped_selectors(key("Requires"), true, true, rule.requires_);
  scoped_selectors(key("Nodes"), false, false, rule.nodes);
  if (!rule.nodes.empty() && !rc.options.enable_node_selector_labels)
    ctx.reject(Rejecter::Agent, r.entry(key("Nodes"))->key_pos, r.child(key("Nodes")),
               fmt::format("{} needs the enable-node-selector-labels agent option", key("Nodes")));

  if (const YamlNode* seq = r.sequence(key("CIDR")))
    for (size_t i = 0; i < seq->items().size(); ++i)
      if (auto c = parse_cidr_string(ctx, seq->items()[i], index_path(r.child(key("CIDR")), i), rule.ref))
        rule.cidrs.push_back(std::move(*c));
  if (const YamlNode* seq = r.sequence(key("CIDRSet")))
    for (size_t i = 0; i < seq->items().size(); ++i)
      if (auto c = parse_cidr_rule(ctx, seq->items()[i], index_path(r.child(key("CIDRSet")), i), rule))
        rule.cidrs.push_back(std::move(*c));
  if (const YamlNode* seq = r.sequence(key("Entities")))
    for (size_t i = 0; i < seq->items().size(); ++i)
      parse_entity_item(ctx, seq->items()[i], index_path(r.child(key("Entities")), i), rule);
  if (const YamlNode* seq = r.sequence(key("Groups"))) {
    for (size_t i = 0; i < seq->items().size(); ++i)
      parse_groups(ctx, seq->items()[i], index_path(r.child(key("Groups")), i));
    if (!seq->items().empty()) add_unevaluated(rule, Unevaluated::Groups);
  }
  if (!ingress) {
    if (const YamlNode* seq = r.sequence("toServices"))
      for (size_t i = 0; i < seq->items().size(); ++i)
        if (auto s = parse_service(ctx, seq->items()[i], index_path(r.child("toServices"), i), rule.ref))
          rule.services.push_back(std::move(*s));
    if (!deny) {
      if (const YamlNode* seq = r.sequence("toFQDNs")) {
        for (size_t i = 0; i < seq->items().size(); ++i) {
          std::string p = index_path(r.child("toFQDNs"), i);
          FqdnPeer peer;
          peer.ref = derive_ref(rule.ref, p, seq->items()[i].pos());
          if (parse_fqdn_selector(ctx, seq->items()[i], p, &peer)) rule.fqdns.push_back(std::move(peer));
        }
      }
    }
  }

  const YamlNode* to_ports = r.get("toPorts");
  if (to_ports)
    parse_to_ports(ctx, *to_ports, r.child("toPorts"),
                   PortRulesContext{direction, deny, rc.host_policy}, rule);
  const YamlNode* icmps = r.get("icmps");
  if (icmps) parse_icmps(ctx, *icmps, r.child("icmps"), rule);
  // IngressRule.sanitize: errUnsupportedICMPWithToPorts (docs/semantics.md#icmp).
  if (to_ports && icmps && to_ports->is_sequence() && icmps->is_sequence() && !to_ports->items().empty() &&
      !icmps->items().empty())
    ctx.reject(Rejecter::Agent, r.entry("icmps")->key_pos, r.child("icmps"),
               "icmps and toPorts cannot be combined in one rule; write separate rules");

  if (!deny) {
    if (const YamlNode* auth = r.mapping("authentication")) {
      MapReader a(ctx, *auth, r.child("authentication"));
      if (auto mode = a.string("mode")) {
        if (*mode == "required" || *mode == "test-always-fail")
          add_unevaluated(rule, Unevaluated::Authentication);
        else if (*mode != "disabled")
          ctx.reject(Rejecter::ApiServer, a.get("mode")->pos(), a.child("mode"),
                     fmt::format("unknown authentication mode \"{}\" (expected disabled, required or "
                                 "test-always-fail)",
                                 *mode));
      } else if (!a.get("mode")) {
        ctx.reject(Rejecter::ApiServer, auth->pos(), a.child("mode"), "mode is required");
      }
      a.finish();
    }
  }
  r.finish(ingress ? std::span<const FieldHint>(kIngressHints) : std::span<const FieldHint>(kEgressHints),
           kWidens);
  return rule;
}

std::vector<PeerRule> parse_peer_rules(ParseContext& ctx, MapReader& r, std::string_view key,
                                       Direction direction, bool deny, const RuleContext& rc) {
  std::vector<PeerRule> out;
  const YamlNode* seq = r.sequence(key);
  if (!seq) return out;
  for (size_t i = 0; i < seq->items().size(); ++i)
    out.push_back(parse_peer_rule(ctx, seq->items()[i], index_path(r.child(key), i), direction, deny, rc));
  return out;
}

void parse_rule_labels(ParseContext& ctx, MapReader& r) {
  const YamlNode* seq = r.sequence("labels");
  if (!seq) return;
  for (size_t i = 0; i < seq->items().size(); ++i) {
    std::string p = index_path(r.child("labels"), i);
    if (!expect_mapping(ctx, seq->items()[i], p)) continue;
    MapReader l(ctx, seq->items()[i], p);
    if (!l.string("key") && !l.get("key"))
      ctx.reject(Rejecter::ApiServer, seq->items()[i].pos(), l.child("key"), "key is required");
    l.string("value");
    l.string("source");
    l.finish();
  }
}

std::optional<Rule> parse_rule(ParseContext& ctx, const YamlNode& node, const std::string& path,
                               bool in_spec, const Policy& policy, const PolicyParseOptions& options) {
  if (!expect_mapping(ctx, node, path)) return std::nullopt;
  MapReader r(ctx, node, path);
  Rule rule;
  rule.ref = RuleRef{policy.kind, policy.namespace_, policy.name, path, node.pos()};
  const bool cnp = policy.kind == PolicyKind::CiliumNetworkPolicy;

  const YamlNode* endpoint_selector = r.get("endpointSelector");
  const YamlNode* node_selector = r.get("nodeSelector");
  if (endpoint_selector && node_selector) {
    ctx.reject(Rejecter::ApiServer, r.entry("nodeSelector")->key_pos, r.child("nodeSelector"),
               "a rule needs exactly one of endpointSelector or nodeSelector, not both");
  } else if (!endpoint_selector && !node_selector) {
    ctx.reject(Rejecter::ApiServer, node.pos(), path,
               "a rule needs exactly one of endpointSelector or nodeSelector");
  }
  if (node_selector && cnp && in_spec) {
    // CiliumNetworkPolicy.Parse (cnp_types.go) checks only `spec`, not
    // `specs[]` (a quirk, docs/semantics.md#node-selectors).
    ctx.reject(Rejecter::Agent, r.entry("nodeSelector")->key_pos, r.child("nodeSelector"),
               "rule cannot have NodeSelector: nodeSelector is for CiliumClusterwideNetworkPolicy");
  }
  if (endpoint_selector) {
    SelectorParseOptions opts;
    // docs/semantics.md#cnp-subjects (utils.go :: ParseToCiliumRule): the written k8s: namespace
    // matchLabel is overwritten by the policy namespace.
    std::string drop = fmt::format("{}:{}", kSourceK8s, kPodNamespaceLabel);
    if (cnp) opts.drop_match_label = drop;
    opts.unknown_consequence = "leaving a broader subject selector than written";
    if (auto sel = parse_selector(ctx, *endpoint_selector, r.child("endpointSelector"), opts)) {
      rule.subject = std::move(*sel);
      if (cnp) {
        if (const YamlNode* labels = endpoint_selector->find("matchLabels"); labels && labels->is_mapping())
          if (const YamlNode* ns = labels->find(drop); ns && ns->is_scalar() && ns->text() != policy.namespace_)
            ctx.warn(ns->pos(), field_path(r.child("endpointSelector.matchLabels"), drop),
                     fmt::format("overridden by the policy namespace \"{}\": a CiliumNetworkPolicy only "
                                 "selects pods in its own namespace (docs/semantics.md#cnp-subjects)",
                                 policy.namespace_));
        add_cnp_subject_namespace(rule.subject, policy.namespace_);
      }
    }
  } else if (node_selector) {
    rule.node_selector = true;
    if (auto sel = parse_selector(ctx, *node_selector, r.child("nodeSelector"))) rule.subject = std::move(*sel);
  }

  // The CRD's anyOf on Rule (kubebuilder:validation:AnyOf on Ingress,
  // IngressDeny, Egress and EgressDeny in pkg/policy/api/rule.go;
  // ciliumnetworkpolicies.yaml): one of them must be present. An empty list
  // counts; a null is pruned before validation, so it does not.
  bool any_direction = false;
  for (std::string_view key : {"ingress", "ingressDeny", "egress", "egressDeny"})
    if (const YamlNode* v = node.find(key); v && !v->is_null()) any_direction = true;
  if (!any_direction) {
    std::string message =
        "a rule needs at least one of ingress, ingressDeny, egress or egressDeny: the API server rejects "
        "this object (CRD anyOf), so it enforces nothing (for a default deny with no allows, write "
        "ingress: [{}] or egress: [{}])";
    ctx.reject(Rejecter::ApiServer, node.pos(), path, message);
  }

  RuleContext rc{policy, options};
  rc.host_policy = rule.node_selector;
  for (const auto& req : rule.subject.requirements)
    if (req.key.source == kSourceReserved && req.key.key == "init") rc.subject_selects_init = true;

  rule.ingress = parse_peer_rules(ctx, r, "ingress", Direction::Ingress, false, rc);
  rule.ingress_deny = parse_peer_rules(ctx, r, "ingressDeny", Direction::Ingress, true, rc);
  rule.egress = parse_peer_rules(ctx, r, "egress", Direction::Egress, false, rc);
  rule.egress_deny = parse_peer_rules(ctx, r, "egressDeny", Direction::Egress, true, rc);

  // docs/semantics.md#enabledefaultdeny (Rule.Sanitize): an unset direction defaults to "has rules in it".
  rule.default_deny.ingress = rule.has_rules(Direction::Ingress);
  rule.default_deny.egress = rule.has_rules(Direction::Egress);
  if (const YamlNode* dd = r.mapping("enableDefaultDeny")) {
    MapReader d(ctx, *dd, r.child("enableDefaultDeny"));
    if (auto v = d.boolean("ingress")) rule.default_deny.ingress = *v, rule.default_deny_written.ingress = *v;
    if (auto v = d.boolean("egress")) rule.default_deny.egress = *v, rule.default_deny_written.egress = *v;
    rule.default_deny_written.pos = dd->pos();
    d.finish();
  }
  if (!any_direction) rule.default_deny = EnableDefaultDeny{false, false};
  parse_rule_labels(ctx, r);
  r.string("description");
  r.finish(kRuleHints, "so its content is ignored");
  return rule;
}

}  // namespace

void parse_cilium_policy_body(ParseContext& ctx, MapReader& top, Policy& policy,
                              const PolicyParseOptions& options) {
  const YamlNode* spec = top.get("spec");
  const YamlNode* specs = top.get("specs");
  if (!spec && !specs) {
    // cnp_types.go :: Parse: ErrEmptyCNP (docs/semantics.md#whole-object-rejected).
    ctx.reject(Rejecter::Agent, top.node().pos(), "spec",
               fmt::format("a {} needs spec or specs (empty policy)", to_string(policy.kind)));
    return;
  }
  if (spec) {
    if (auto rule = parse_rule(ctx, *spec, "spec", true, policy, options)) policy.rules.push_back(std::move(*rule));
  }
  if (specs && expect_sequence(ctx, *specs, "specs")) {
    for (size_t i = 0; i < specs->items().size(); ++i)
      if (auto rule = parse_rule(ctx, specs->items()[i], index_path("specs", i), false, policy, options))
        policy.rules.push_back(std::move(*rule));
  }
}

}  // namespace netreach
