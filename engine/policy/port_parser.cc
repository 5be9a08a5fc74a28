#include "policy/port_parser.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "model/protocol.h"

namespace netreach {
namespace {

// Both limits: the CRD's maxItems and the agent's maxPorts / maxICMPFields
// (pkg/policy/api/rule_validation.go).
constexpr size_t kMaxPorts = 40;
constexpr size_t kMaxIcmpFields = 40;

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct L7Summary {
  bool http = false, kafka = false, dns = false, l7proto = false, l7 = false;
  int types() const { return http + kafka + dns + l7proto; }
  bool any() const { return http || kafka || dns || l7proto || l7; }
};

// CRD patterns ^([-a-zA-Z0-9_]+[.]?)+$ and ^([-a-zA-Z0-9_*]+[.]?)+$, <= 255.
bool fqdn_text_ok(const std::string& text, bool pattern) {
  if (text.empty() || text.size() > 255 || text.front() == '.' || text.find("..") != std::string::npos)
    return false;
  for (char c : text)
    if (!(is_letter(c) || is_digit(c) || c == '-' || c == '_' || c == '.' || (pattern && c == '*')))
      return false;
  return true;
}

void parse_secret(ParseContext& ctx, const YamlNode& node, const std::string& path) {
  if (!expect_mapping(ctx, node, path)) return;
  MapReader r(ctx, node, path);
  if (!r.string("name")) {
    if (!r.get("name")) ctx.reject(Rejecter::ApiServer, node.pos(), r.child("name"), "name is required");
  }
  r.string("namespace");
  r.finish();
}

void parse_tls(ParseContext& ctx, const YamlNode& node, const std::string& path) {
  if (!expect_mapping(ctx, node, path)) return;
  MapReader r(ctx, node, path);
  if (const YamlNode* secret = r.get("secret"))
    parse_secret(ctx, *secret, r.child("secret"));
  else
    ctx.reject(Rejecter::ApiServer, node.pos(), r.child("secret"), "secret is required");
  r.string("trustedCA");
  r.string("certificate");
  r.string("privateKey");
  r.finish();
}

void parse_listener(ParseContext& ctx, const YamlNode& node, const std::string& path) {
  if (!expect_mapping(ctx, node, path)) return;
  MapReader r(ctx, node, path);
  if (const YamlNode* env = r.mapping("envoyConfig")) {
    MapReader e(ctx, *env, r.child("envoyConfig"));
    if (auto kind = e.string("kind")) {
      if (*kind != "CiliumEnvoyConfig" && *kind != "CiliumClusterwideEnvoyConfig")
        ctx.reject(Rejecter::ApiServer, e.get("kind")->pos(), e.child("kind"),
                   fmt::format("unknown kind \"{}\" (expected CiliumEnvoyConfig or "
                               "CiliumClusterwideEnvoyConfig)", *kind));
    }
    auto name = e.string("name");
    if (!e.get("name") || (name && name->empty()))
      ctx.reject(Rejecter::ApiServer, env->pos(), e.child("name"), "name is required and must not be empty");
    e.finish();
  } else if (!r.get("envoyConfig")) {
    ctx.reject(Rejecter::ApiServer, node.pos(), r.child("envoyConfig"), "envoyConfig is required");
  }
  auto name = r.string("name");
  if (!r.get("name") || (name && name->empty()))
    ctx.reject(Rejecter::ApiServer, node.pos(), r.child("name"), "name is required and must not be empty");
  if (auto prio = r.integer("priority"); prio && (*prio < 1 || *prio > 100))
    ctx.reject(Rejecter::ApiServer, r.get("priority")->pos(), r.child("priority"),
               fmt::format("priority {} is outside 1-100", *prio));
  r.finish();
}

// An HTTP rule's method, path or host: a regular expression in RE2 syntax
// (Envoy is given them as google_re2 safe_regex matchers, pkg/envoy/server.go
// :: getHTTPRule; the agent compiles path and method with Go's regexp, which
// is RE2 too: pkg/policy/api/http.go :: PortRuleHTTP.Sanitize).
void check_http_regex(ParseContext& ctx, MapReader& r, std::string_view key, std::string& out) {
  auto text = r.string(key);
  if (!text) return;
  std::string problem = http_regex_problem(*text);
  if (!problem.empty())
    ctx.reject(Rejecter::Agent, r.get(key)->pos(), r.child(key),
               fmt::format("invalid regular expression \"{}\": {} (RE2 syntax, docs/semantics.md#http-rules)", *text, problem));
  out = *text;
}

void parse_http_rule(ParseContext& ctx, const YamlNode& node, const std::string& path, const RuleRef& base,
                     std::vector<HttpRule>& out) {
  if (!expect_mapping(ctx, node, path)) return;
  MapReader h(ctx, node, path);
  HttpRule rule;
  rule.ref = derive_ref(base, path, node.pos());
  check_http_regex(ctx, h, "path", rule.path);
  check_http_regex(ctx, h, "method", rule.method);
  check_http_regex(ctx, h, "host", rule.host);
  if (const YamlNode* seq = h.sequence("headers"))
    for (size_t i = 0; i < seq->items().size(); ++i)
      if (auto text = read_string(ctx, seq->items()[i], index_path(h.child("headers"), i))) rule.headers.push_back(*text);
  if (const YamlNode* hm = h.sequence("headerMatches")) {
    for (size_t j = 0; j < hm->items().size(); ++j) {
      std::string mp = index_path(h.child("headerMatches"), j);
      if (!expect_mapping(ctx, hm->items()[j], mp)) continue;
      MapReader m(ctx, hm->items()[j], mp);
      HttpHeaderMatch match;
      match.ref = derive_ref(base, mp, hm->items()[j].pos());
      auto name = m.string("name");
      if (!m.get("name"))
        ctx.reject(Rejecter::ApiServer, hm->items()[j].pos(), m.child("name"), "name is required");
      else if (name && name->empty())
        ctx.reject(Rejecter::Agent, m.get("name")->pos(), m.child("name"), "header name missing (pkg/policy/api/http.go :: PortRuleHTTP.Sanitize)");
      if (name) match.name = *name;
      if (auto value = m.string("value")) match.value = *value;
      if (const YamlNode* sec = m.get("secret")) {
        parse_secret(ctx, *sec, m.child("secret"));
        const YamlNode* sn = sec->is_mapping() ? sec->find("name") : nullptr;
        const YamlNode* sns = sec->is_mapping() ? sec->find("namespace") : nullptr;
        match.secret = fmt::format("{}{}", sns ? sns->text() + "/" : std::string(), sn ? sn->text() : std::string());
      }
      if (auto mm = m.string("mismatch")) {
        if (*mm != "LOG" && *mm != "ADD" && *mm != "DELETE" && *mm != "REPLACE")
          ctx.reject(Rejecter::ApiServer, m.get("mismatch")->pos(), m.child("mismatch"),
                     fmt::format("unknown mismatch action \"{}\" (expected LOG, ADD, DELETE or REPLACE)", *mm));
        match.mismatch = *mm;
      }
      m.finish();
      rule.header_matches.push_back(std::move(match));
    }
  }
  h.finish();
  out.push_back(std::move(rule));
}

L7Summary parse_l7_rules(ParseContext& ctx, const YamlNode& node, const std::string& path, const RuleRef& base,
                         std::vector<FqdnPeer>& dns_out, std::vector<HttpRule>& http_out) {
  L7Summary s;
  if (!expect_mapping(ctx, node, path)) return s;
  MapReader r(ctx, node, path);
  if (const YamlNode* http = r.sequence("http")) {
    s.http = !http->items().empty();
    for (size_t i = 0; i < http->items().size(); ++i)
      parse_http_rule(ctx, http->items()[i], index_path(r.child("http"), i), base, http_out);
  }
  if (const YamlNode* kafka = r.sequence("kafka")) {
    s.kafka = !kafka->items().empty();
    for (size_t i = 0; i < kafka->items().size(); ++i) {
      std::string p = index_path(r.child("kafka"), i);
      if (!expect_mapping(ctx, kafka->items()[i], p)) continue;
      MapReader k(ctx, kafka->items()[i], p);
      if (auto role = k.string("role"); role && *role != "produce" && *role != "consume")
        ctx.reject(Rejecter::ApiServer, k.get("role")->pos(), k.child("role"),
                   fmt::format("unknown kafka role \"{}\" (expected produce or consume)", *role));
      k.string("apiKey");
      k.string("apiVersion");
      k.string("clientID");
      if (auto topic = k.string("topic"); topic && topic->size() > 255)
        ctx.reject(Rejecter::ApiServer, k.get("topic")->pos(), k.child("topic"),
                   "topic must be at most 255 characters");
      k.finish();
    }
  }
  if (const YamlNode* dns = r.sequence("dns")) {
    s.dns = !dns->items().empty();
    for (size_t i = 0; i < dns->items().size(); ++i) {
      std::string p = index_path(r.child("dns"), i);
      if (!expect_mapping(ctx, dns->items()[i], p)) continue;
      FqdnPeer pattern;
      if (parse_fqdn_selector(ctx, dns->items()[i], p, &pattern)) dns_out.push_back(std::move(pattern));
    }
  }
  if (auto proto = r.string("l7proto")) s.l7proto = !proto->empty();
  if (const YamlNode* l7 = r.sequence("l7")) {
    s.l7 = !l7->items().empty();
    for (size_t i = 0; i < l7->items().size(); ++i) {
      std::string p = index_path(r.child("l7"), i);
      if (!expect_mapping(ctx, l7->items()[i], p)) continue;
      for (const auto& e : l7->items()[i].entries())
        if (!e.value.is_null()) read_string(ctx, e.value, field_path(p, e.key));
    }
  }
  r.finish();
  // L7Rules.sanitize (rule_validation.go).
  if (s.l7 && !s.l7proto)
    ctx.reject(Rejecter::Agent, node.pos(), field_path(path, "l7"),
               "'l7' may only be specified together with 'l7proto'");
  if (s.types() > 1)
    ctx.reject(Rejecter::ApiServer, node.pos(), path,
               "only one L7 rule type (http, kafka, dns or l7proto) is allowed per port rule");
  return s;
}

struct PortSpec {
  PortProtocol port;
  bool zero = false;
  bool range = false;
};

// One ports[] entry (PortProtocol.sanitize, docs/semantics.md#port-syntax, #protocols, #port-ranges).
std::optional<PortSpec> parse_port_entry(ParseContext& ctx, const YamlNode& node,
                                            const std::string& path) {
  if (!expect_mapping(ctx, node, path)) return std::nullopt;
  MapReader r(ctx, node, path);
  PortSpec spec;
  bool ok = true;
  auto text = r.string("port");
  if (!r.get("port")) {
    ctx.reject(Rejecter::ApiServer, node.pos(), r.child("port"), "port is required");
    ok = false;
  } else if (!text) {
    ok = false;
  } else if (is_iana_service_name(*text)) {
    spec.port.name = to_lower_ascii(*text);
  } else if (auto n = parse_port_number(*text)) {
    spec.port.port = *n;
    spec.zero = *n == 0;
  } else {
    ctx.reject(Rejecter::Agent, r.get("port")->pos(), r.child("port"),
               fmt::format("invalid port \"{}\": must be a number 0-65535 or an IANA service name "
                           "(at most 15 letters, digits and '-', with at least one letter)",
                           *text));
    ok = false;
  }
  if (auto end = r.integer("endPort")) {
    if (*end < 0 || *end > 65535) {
      ctx.reject(Rejecter::ApiServer, r.get("endPort")->pos(), r.child("endPort"),
                 fmt::format("endPort {} is outside 0-65535", *end));
      ok = false;
    } else {
      spec.port.end_port = static_cast<uint16_t>(*end);
      spec.range = spec.port.end_port > spec.port.port;
      if (spec.port.is_named() && *end > 0)
        ctx.warn(r.get("endPort")->pos(), r.child("endPort"),
                 "endPort with a named port: the range runs from the resolved number to endPort (docs/semantics.md#named-ports)");
    }
  } else if (r.get("endPort")) {
    ok = false;
  }
  spec.port.protocol = Protocol::Any;
  if (auto proto = r.string("protocol")) {
    if (auto p = parse_port_protocol(*proto)) {
      spec.port.protocol = *p;
    } else {
      std::string upper = *proto;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      std::string hint = parse_port_protocol(upper)
                             ? fmt::format(" (the CRD enum is upper case: write {})", upper)
                             : std::string();
      ctx.reject(Rejecter::ApiServer, r.get("protocol")->pos(), r.child("protocol"),
                 fmt::format("unknown protocol \"{}\": expected TCP, UDP, SCTP or ANY{}", *proto, hint));
      ok = false;
    }
  } else if (r.get("protocol")) {
    ok = false;
  }
  r.finish({}, "so the port rule is broader than written");
  if (!ok) return std::nullopt;
  return spec;
}

constexpr FieldHint kPortRuleHints[] = {
    {"port", "port belongs inside ports: [{port: \"80\"}]", "so this rule now allows every port"},
    {"protocol", "protocol belongs inside ports: [{port: \"80\", protocol: TCP}]", "so this rule now allows every protocol"},
    {"toPorts", "toPorts is a list of {ports: [...]}; nesting it is not allowed", "so this rule now allows every port"},
};

constexpr FieldHint kPortDenyRuleHints[] = {
    {"rules", "deny rules cannot have L7 rules: PortDenyRule has only ports", {}},
    {"listener", "deny rules have only ports", {}},
    {"terminatingTLS", "deny rules have only ports", {}},
    {"originatingTLS", "deny rules have only ports", {}},
    {"serverNames", "deny rules have only ports", {}},
    {"port", "port belongs inside ports: [{port: \"80\"}]", "so this deny now covers every port"},
};

}  // namespace

// FQDNSelector (toFQDNs[] and rules.dns[]): exactly one of matchName /
// matchPattern (CRD oneOf; pkg/policy/api/fqdn.go :: FQDNSelector.sanitize).
bool parse_fqdn_selector(ParseContext& ctx, const YamlNode& node, const std::string& path,
                         FqdnPeer* out) {
  if (!expect_mapping(ctx, node, path)) return false;
  MapReader r(ctx, node, path);
  auto n = r.string("matchName");
  auto p = r.string("matchPattern");
  bool ok = true;
  auto check = [&](std::string_view key, const std::string& text, bool pattern) {
    if (!fqdn_text_ok(text, pattern)) {
      ctx.reject(Rejecter::ApiServer, r.get(key)->pos(), r.child(key),
                 fmt::format("invalid {} \"{}\": at most 255 characters of letters, digits, '-', '_'{} "
                             "separated by single dots",
                             key, text, pattern ? ", '*'" : ""));
      ok = false;
    }
  };
  if (n) check("matchName", *n, false);
  if (p) check("matchPattern", *p, true);
  if (n && p) {
    ctx.reject(Rejecter::ApiServer, node.pos(), path, "only one of matchName or matchPattern is allowed");
    ok = false;
  } else if (!r.get("matchName") && !r.get("matchPattern")) {
    ctx.reject(Rejecter::ApiServer, node.pos(), path, "one of matchName or matchPattern is required");
    ok = false;
  }
  r.finish();
  if (!ok || !out || (!n && !p)) return ok;
  // Matching is case-insensitive with an implied trailing dot (docs/semantics.md#fqdn-matching).
  std::string text = to_lower_ascii(n ? *n : *p);
  if (text.size() > 1 && text.back() == '.') text.pop_back();
  (n ? out->match_name : out->match_pattern) = std::move(text);
  return ok;
}

bool is_iana_service_name(std::string_view text) {
  if (text.empty() || text.size() > 15) return false;
  if (text.front() == '-' || text.back() == '-') return false;
  if (text.find("--") != std::string_view::npos) return false;
  bool letter = false;
  for (char c : text) {
    if (is_letter(c)) letter = true;
    else if (!is_digit(c) && c != '-') return false;
  }
  return letter;
}

std::optional<uint16_t> parse_port_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // strconv.ParseUint(s, 0, 16): a leading "0" selects octal; '_' may only
  // separate digits (or follow the base prefix).
  unsigned base = 10;
  std::string_view digits = text;
  if (text.size() > 1 && text[0] == '0') {
    base = 8;
    digits = text.substr(1);
  }
  uint32_t value = 0;
  char prev = base == 8 ? '0' : '\0';  // the octal prefix counts as a digit for '_'
  bool any_digit = base == 8;
  for (char c : digits) {
    if (c == '_') {
      if (!is_digit(prev)) return std::nullopt;
      prev = c;
      continue;
    }
    if (!is_digit(c)) return std::nullopt;
    unsigned d = static_cast<unsigned>(c - '0');
    if (d >= base) return std::nullopt;
    value = value * base + d;
    if (value > 65535) return std::nullopt;
    prev = c;
    any_digit = true;
  }
  if (!any_digit || prev == '_') return std::nullopt;
  return static_cast<uint16_t>(value);
}


void parse_to_ports(ParseContext& ctx, const YamlNode& node, const std::string& path,
                    const PortRulesContext& where, PeerRule& rule) {
  if (!expect_sequence(ctx, node, path)) return;
  // rule.go :: mergeIngress: `len(r.ToPorts) == 0` is the L3-only branch, so
  // `toPorts: []` is the same as no toPorts.
  rule.has_to_ports = !node.items().empty();
  const bool ingress = where.direction == Direction::Ingress;
  for (size_t i = 0; i < node.items().size(); ++i) {
    const YamlNode& item = node.items()[i];
    std::string item_path = index_path(path, i);
    if (!expect_mapping(ctx, item, item_path)) continue;
    MapReader r(ctx, item, item_path);

    std::vector<PortSpec> ports;
    const YamlNode* ports_node = r.sequence("ports");
    if (ports_node) {
      if (ports_node->items().size() > kMaxPorts)
        ctx.reject(Rejecter::ApiServer, ports_node->pos(), r.child("ports"),
                   fmt::format("too many ports: {} (at most {})", ports_node->items().size(), kMaxPorts));
      for (size_t j = 0; j < ports_node->items().size(); ++j) {
        std::string port_path = index_path(r.child("ports"), j);
        auto spec = parse_port_entry(ctx, ports_node->items()[j], port_path);
        if (!spec) continue;
        spec->port.ref = derive_ref(rule.ref, port_path, ports_node->items()[j].pos());
        ports.push_back(std::move(*spec));
      }
    }

    L7Summary l7;
    std::vector<FqdnPeer> dns_rules;
    std::vector<HttpRule> http_rules;
    bool has_listener = false, has_terminating = false, has_tls = false;
    std::vector<std::string> server_names;
    if (!where.deny) {
      if (const YamlNode* rules = r.get("rules")) l7 = parse_l7_rules(ctx, *rules, r.child("rules"), rule.ref, dns_rules, http_rules);
      if (const YamlNode* t = r.get("terminatingTLS")) {
        parse_tls(ctx, *t, r.child("terminatingTLS"));
        has_terminating = has_tls = true;
      }
      if (const YamlNode* t = r.get("originatingTLS")) {
        parse_tls(ctx, *t, r.child("originatingTLS"));
        has_tls = true;
      }
      if (const YamlNode* names = r.sequence("serverNames")) {
        for (size_t j = 0; j < names->items().size(); ++j) {
          std::string np = index_path(r.child("serverNames"), j);
          auto name = read_string(ctx, names->items()[j], np);
          if (!name) continue;
          if (name->empty())
            ctx.reject(Rejecter::Agent, names->items()[j].pos(), np, "empty server name is not allowed");
          server_names.push_back(*name);
        }
        if (!server_names.empty()) has_tls = true;
      }
      if (const YamlNode* l = r.get("listener")) {
        parse_listener(ctx, *l, r.child("listener"));
        has_listener = true;
      }
      r.finish(kPortRuleHints, "which may widen this rule");
    } else {
      r.finish(kPortDenyRuleHints, "which may widen this rule");
    }

    // PortRule.sanitize and IngressRule/EgressRule.sanitize
    // (pkg/policy/api/rule_validation.go), docs/semantics.md#l7-validity.
    const std::string rules_path = r.child("rules");
    if (l7.dns && ingress)
      ctx.reject(Rejecter::Agent, item.pos(), rules_path, "DNS rules are not allowed on ingress");
    if (where.host_policy && l7.any()) {
      if (ingress)
        ctx.reject(Rejecter::Agent, item.pos(), rules_path,
                   "L7 rules are not allowed in host (nodeSelector) policies on ingress");
      else if (!l7.dns || l7.types() > 1)
        ctx.reject(Rejecter::Agent, item.pos(), rules_path,
                   "host (nodeSelector) policies allow only DNS L7 rules on egress");
    }
    if (!server_names.empty() && l7.any() && !has_terminating)
      ctx.reject(Rejecter::Agent, item.pos(), r.child("serverNames"),
                 "serverNames together with L7 rules need terminatingTLS");
    bool zero = false;
    for (size_t j = 0; j < ports.size(); ++j) {
      const PortSpec& p = ports[j];
      std::string pp = index_path(r.child("ports"), j);
      zero = zero || p.zero;
      if (l7.dns && p.range)
        ctx.reject(Rejecter::Agent, p.port.ref.pos, field_path(pp, "endPort"),
                   "DNS rules do not support port ranges");
      if (!l7.any()) continue;
      if (l7.dns) {
        if (p.port.protocol != Protocol::TCP && p.port.protocol != Protocol::UDP &&
            p.port.protocol != Protocol::Any)
          ctx.reject(Rejecter::Agent, p.port.ref.pos, field_path(pp, "protocol"),
                     fmt::format("DNS rules are not allowed with protocol {}", p.port.protocol));
      } else if (p.port.protocol != Protocol::TCP) {
        ctx.reject(Rejecter::Agent, p.port.ref.pos, field_path(pp, "protocol"),
                   fmt::format("L7 rules can only apply to TCP (not {}{}) except for DNS rules",
                               p.port.protocol,
                               p.port.protocol == Protocol::Any ? ", which an omitted protocol means" : ""));
      }
    }
    if (has_listener) {
      if (ingress)
        ctx.reject(Rejecter::Agent, item.pos(), r.child("listener"), "listener is not allowed on ingress");
      if (l7.any())
        ctx.reject(Rejecter::Agent, item.pos(), r.child("listener"), "a listener cannot have L7 rules");
    }
    if (l7.any() && zero)
      ctx.reject(Rejecter::Agent, item.pos(), rules_path, "L7 rules cannot be used when a port is 0");
    if (l7.dns && ports.empty() && (!ports_node || ports_node->items().empty()))
      ctx.reject(Rejecter::Agent, item.pos(), r.child("ports"), "DNS rules need explicit ports");

    if (l7.any()) add_unevaluated(rule, Unevaluated::L7Rules);
    if (has_listener) add_unevaluated(rule, Unevaluated::Listener);
    if (has_tls) add_unevaluated(rule, Unevaluated::TlsInspection);
    for (auto& p : ports) {
      if (!ingress) p.port.dns = dns_rules;
      p.port.l7 = l7.any();
      p.port.http = http_rules;
      rule.ports.push_back(std::move(p.port));
    }
  }
}

void parse_icmps(ParseContext& ctx, const YamlNode& node, const std::string& path, PeerRule& rule) {
  if (!expect_sequence(ctx, node, path)) return;
  rule.has_icmps = !node.items().empty();
  for (size_t i = 0; i < node.items().size(); ++i) {
    const YamlNode& item = node.items()[i];
    std::string item_path = index_path(path, i);
    if (!expect_mapping(ctx, item, item_path)) continue;
    MapReader r(ctx, item, item_path);
    if (const YamlNode* fields = r.sequence("fields")) {
      // ICMPRule.verify (pkg/policy/api/icmp.go).
      if (fields->items().size() > kMaxIcmpFields)
        ctx.reject(Rejecter::ApiServer, fields->pos(), r.child("fields"),
                   fmt::format("too many ICMP fields: {} (at most {})", fields->items().size(), kMaxIcmpFields));
      for (size_t j = 0; j < fields->items().size(); ++j) {
        const YamlNode& f = fields->items()[j];
        std::string fp = index_path(r.child("fields"), j);
        if (!expect_mapping(ctx, f, fp)) continue;
        MapReader fr(ctx, f, fp);
        IcmpField field;
        bool ok = true;
        if (auto family = fr.string("family")) {
          if (*family == "IPv6") field.ipv6 = true;
          else if (*family != "IPv4") {
            ctx.reject(Rejecter::ApiServer, fr.get("family")->pos(), fr.child("family"),
                       fmt::format("unknown ICMP family \"{}\" (expected IPv4 or IPv6)", *family));
            ok = false;
          }
        } else if (fr.get("family")) {
          ok = false;
        }
        const YamlNode* type = fr.get("type");
        if (!type) {
          ctx.reject(Rejecter::ApiServer, f.pos(), fr.child("type"), "type is required");
          ok = false;
        } else if (type->is_scalar() && type->scalar_type() == YamlNode::ScalarType::Int) {
          auto v = type->as_int();
          if (!v || *v < 0 || *v > 255) {
            ctx.reject(Rejecter::ApiServer, type->pos(), fr.child("type"),
                       fmt::format("ICMP type {} is outside 0-255", type->text()));
            ok = false;
          } else {
            field.type = static_cast<uint8_t>(*v);
          }
        } else if (is_string_field(ctx, *type, fr.child("type"))) {
          const std::string& t = type->text();
          if (auto n = icmp_type_by_name(t, field.ipv6)) {
            field.type = *n;
          } else if (!t.empty() && t.size() <= 3 && std::all_of(t.begin(), t.end(), is_digit) &&
                     std::stoi(t) <= 255) {
            field.type = static_cast<uint8_t>(std::stoi(t));
          } else {
            ctx.reject(Rejecter::ApiServer, type->pos(), fr.child("type"),
                       fmt::format("unknown {} ICMP type \"{}\" (a number 0-255 or a name such as "
                                   "EchoRequest, EchoReply, DestinationUnreachable)",
                                   field.ipv6 ? "IPv6" : "IPv4", t));
            ok = false;
          }
        } else {
          ctx.reject(Rejecter::ApiServer, type->pos(), fr.child("type"),
                     fmt::format("ICMP type must be an integer or a type name, not {}", type->type_name()));
          ok = false;
        }
        fr.finish();
        if (!ok) continue;
        field.ref = derive_ref(rule.ref, fp, f.pos());
        rule.icmps.push_back(std::move(field));
      }
    }
    r.finish();
  }
}

}  // namespace netreach
