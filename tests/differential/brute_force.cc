// Brute-force reference evaluator; see brute_force.h. Section anchors
// (docs/semantics.md#...) refer to the project's Cilium semantics reference.
#include "brute_force.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string_view>

namespace netreach::differential {
namespace {

// ---- identities: label sets (docs/semantics.md#identities) ------------------------------------------

struct L {
  std::string source, key, value;
};
using Labels = std::vector<L>;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// docs/semantics.md#label-filter, the default label filter. Patterns are anchored at the start of the key.
// ".*beta.kubernetes.io" is the one unanchored pattern ('.' = any character).
bool regex_beta_matches(std::string_view key) {
  static constexpr std::string_view tail = "beta.kubernetes.io";
  for (size_t i = 0; i + tail.size() <= key.size(); ++i) {
    bool ok = true;
    for (size_t j = 0; j < tail.size() && ok; ++j) ok = tail[j] == '.' || tail[j] == key[i + j];
    if (ok) return true;
  }
  return false;
}

bool label_kept(std::string_view key) {
  static const std::vector<std::string_view> includes = {
      "io.kubernetes.pod.namespace", "io.cilium.k8s.namespace.labels", "app.kubernetes.io",
      "io.cilium.k8s.policy.cluster"};
  static const std::vector<std::string_view> excludes = {
      "io.kubernetes", "kubernetes.io", "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
      "batch.kubernetes.io/job-completion-index", "batch.kubernetes.io/controller-uid", "k8s.io",
      "pod-template-generation", "pod-template-hash", "controller-revision-hash", "controller-uid",
      "annotation", "etcd_node"};
  size_t longest_include = 0;
  bool any_include = false;
  for (auto p : includes)
    if (starts_with(key, p)) any_include = true, longest_include = std::max(longest_include, p.size());
  size_t shortest_exclude = SIZE_MAX;
  for (auto p : excludes)
    if (starts_with(key, p)) shortest_exclude = std::min(shortest_exclude, p.size());
  if (regex_beta_matches(key)) shortest_exclude = std::min<size_t>(shortest_exclude, 20);  // ".*beta.kubernetes.io"
  if (shortest_exclude == SIZE_MAX) return true;         // no exclude: kept
  return any_include && longest_include > shortest_exclude;  // include must be longer
}

const Namespace* find_ns(const Cluster& cluster, const std::string& name) {
  for (const auto& ns : cluster.namespaces)
    if (ns.name == name) return &ns;
  return nullptr;
}

Labels identity_of(const Cluster& cluster, const BfPeer& peer) {
  Labels out;
  switch (peer.kind) {
    case BfPeer::Kind::World:
    case BfPeer::Kind::Fqdn: out.push_back({"reserved", "world", ""}); return out;
    case BfPeer::Kind::Host: out.push_back({"reserved", "host", ""}); return out;
    case BfPeer::Kind::RemoteNode: out.push_back({"reserved", "remote-node", ""}); return out;
    case BfPeer::Kind::Pod: break;
  }
  const Pod& pod = *peer.pod;
  std::vector<std::pair<std::string, std::string>> raw;
  // docs/semantics.md#labels-cilium-adds: spoofed io.cilium.k8s* labels are removed; the namespace
  // label is overwritten.
  for (const auto& [k, v] : pod.labels) {
    if (starts_with(k, "io.cilium.k8s")) continue;
    if (k == "io.kubernetes.pod.namespace") continue;
    raw.emplace_back(k, v);
  }
  raw.emplace_back("io.kubernetes.pod.namespace", pod.namespace_);
  bool has_metadata_name = false;
  if (const Namespace* ns = find_ns(cluster, pod.namespace_)) {
    for (const auto& [k, v] : ns->labels) {
      raw.emplace_back("io.cilium.k8s.namespace.labels." + k, v);
      if (k == "kubernetes.io/metadata.name") has_metadata_name = true;
    }
  }
  if (!has_metadata_name) raw.emplace_back("io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name", pod.namespace_);
  raw.emplace_back("io.cilium.k8s.policy.serviceaccount", pod.service_account.empty() ? "default" : pod.service_account);
  raw.emplace_back("io.cilium.k8s.policy.cluster", cluster.cluster_name);
  for (auto& [k, v] : raw)
    if (label_kept(k)) out.push_back({"k8s", k, v});
  return out;
}

// ---- selectors (docs/semantics.md#selectors) ---------------------------------------------------------

const L* lookup(const Labels& labels, const SelectorKey& key) {
  for (const auto& l : labels)
    if (l.key == key.key && (key.source == "any" || key.source == l.source)) return &l;
  return nullptr;
}

bool requirement_matches(const Requirement& r, const Labels& labels) {
  const L* l = lookup(labels, r.key);
  auto in_values = [&](const std::string& v) { return std::find(r.values.begin(), r.values.end(), v) != r.values.end(); };
  switch (r.op) {
    case SelectorOp::In: return l && in_values(l->value);
    case SelectorOp::NotIn: return !l || !in_values(l->value);
    case SelectorOp::Exists: return l != nullptr;
    case SelectorOp::DoesNotExist: return l == nullptr;
  }
  return false;
}

bool selector_matches(const Selector& s, const Labels& labels) {
  for (const auto& r : s.requirements)
    if (!requirement_matches(r, labels)) return false;
  return true;  // {} selects everything
}

// ---- CIDR (docs/semantics.md#cidr-rules) ----------------------------------------------------------------

bool prefix_contains(const IpPrefix& p, const IpAddress& ip) {
  if (p.address.v6 != ip.v6) return false;
  for (int bit = 0; bit < p.length; ++bit) {
    int byte = bit / 8, shift = 7 - bit % 8;
    if (((p.address.bytes[byte] >> shift) & 1) != ((ip.bytes[byte] >> shift) & 1)) return false;
  }
  return true;
}

// ---- names (docs/semantics.md#fqdn-matching) ---------------------------------------------------------

std::string lower_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

// `*` stands for any run of characters other than a dot; `*` alone for every name.
bool glob_matches(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  if (pattern.front() == '*') {
    for (size_t i = 0; i <= name.size(); ++i) {
      if (glob_matches(pattern.substr(1), name.substr(i))) return true;
      if (i < name.size() && name[i] == '.') break;
    }
    return false;
  }
  return !name.empty() && pattern.front() == name.front() && glob_matches(pattern.substr(1), name.substr(1));
}

bool fqdn_selector_matches(const FqdnPeer& f, const std::string& name) {
  std::string n = lower_name(name);
  if (!f.match_name.empty()) return lower_name(f.match_name) == n;
  std::string pattern = lower_name(f.match_pattern);
  return pattern == "*" || glob_matches(pattern, n);
}

bool is_cluster_dns(const Pod& pod) {
  return pod.namespace_ == "kube-system" && !pod.host_network &&
         std::find(pod.labels.begin(), pod.labels.end(), std::pair<std::string, std::string>{"k8s-app", "kube-dns"}) !=
             pod.labels.end();
}

enum class Seen : uint8_t { No, Maybe, Yes };

// ---- evaluation -----------------------------------------------------------------

struct Eval {
  const Cluster& cluster;
  bool unknown = false;
  bool allow_localhost = true;
  std::vector<const Selector*> allow_requires, deny_requires;  // of the side being evaluated
  BfTrace* trace = nullptr;
  const Pod* subject_ = nullptr;                                // of the side being evaluated
  std::vector<const Rule*> selecting_;                           // its rules in this direction

  // Named port resolution (docs/semantics.md#named-ports). `subject` is the endpoint whose policy is
  // evaluated; on ingress it is the destination.
  std::optional<uint16_t> resolve_named(const std::string& name, Protocol proto, Direction dir, const Pod& subject) {
    std::set<uint16_t> numbers;
    auto scan = [&](const Pod& pod) {
      for (const auto& cp : pod.ports)
        if (!cp.name.empty() && cp.name == name && cp.protocol == proto) numbers.insert(cp.port);
    };
    if (dir == Direction::Ingress) {
      scan(subject);  // destination endpoint's own containers
    } else {
      // The cluster-wide map, conflicts dropped; a hostNetwork pod is no endpoint and adds nothing to it.
      for (const auto& pod : cluster.pods)
        if (!pod.host_network) scan(pod);
    }
    if (numbers.size() != 1) return std::nullopt;
    return *numbers.begin();
  }

  bool port_entry_covers(const PortProtocol& pp, uint16_t port, Protocol proto, Direction dir, const Pod& subject) {
    bool proto_ok = pp.protocol == Protocol::Any
                        ? (proto == Protocol::TCP || proto == Protocol::UDP || proto == Protocol::SCTP)
                        : pp.protocol == proto;
    if (!proto_ok) return false;
    uint32_t lo, hi;
    if (!pp.name.empty()) {
      auto n = resolve_named(pp.name, proto, dir, subject);
      if (!n) return false;
      lo = *n;
      hi = pp.end_port > lo ? pp.end_port : lo;
    } else {
      lo = pp.port;
      hi = pp.end_port > pp.port ? pp.end_port : pp.port;
      if (lo == 0 && hi == 0) return true;  // port 0: all ports
    }
    return lo <= port && port <= hi;
  }

  bool entity_matches(Entity e, const BfPeer& peer) {
    using K = BfPeer::Kind;
    switch (e) {
      case Entity::All: return true;
      case Entity::World: return peer.kind == K::World || peer.kind == K::Fqdn;
      case Entity::Cluster: return peer.kind != K::World && peer.kind != K::Fqdn;  // all our pods are local-cluster pods
      case Entity::Host: return peer.kind == K::Host;
      case Entity::RemoteNode: return peer.kind == K::RemoteNode;
      case Entity::KubeApiserver:
        if (peer.kind == K::Host || peer.kind == K::RemoteNode) unknown = true;  // depends on placement
        return false;
      default: return false;  // none, health, init, ingress, unmanaged, world-ipv4/6: none of our peers
    }
  }

  bool peer_matches(const PeerRule& pr, const BfPeer& peer, const Labels& peer_labels) {
    if (pr.explicit_empty_peers) return false;  // `fromEndpoints: []` selects nothing (docs/semantics.md#rule-shapes)
    switch (pr.peer_kind) {
      case PeerKind::Wildcard: return true;
      case PeerKind::Endpoints: {
        // docs/semantics.md#fromrequires-and-torequires: every requirement collected for this
        // direction is ANDed into every endpoint selector (allow requirements into allow rules,
        // deny requirements into deny rules); entities and CIDR peers are unaffected.
        const auto& reqs = pr.deny ? deny_requires : allow_requires;
        for (const Selector* req : reqs)
          if (!selector_matches(*req, peer_labels)) return false;
        for (const auto& ep : pr.endpoints)
          if (selector_matches(ep.selector, peer_labels)) return true;
        return false;
      }
      case PeerKind::Cidr:
        if (peer.kind == BfPeer::Kind::Fqdn) {
          // A name's addresses are not in the input: only a CIDR covering every address decides.
          for (const auto& c : pr.cidrs)
            if (c.rule.prefix.length == 0 && c.rule.except.empty()) return true;
          if (!pr.cidrs.empty() || !pr.cidr_groups.empty()) unknown = true;
          return false;
        }
        if (peer.kind != BfPeer::Kind::World) return false;  // docs/semantics.md#cidr-scope: never pods or nodes
        for (const auto& c : pr.cidrs) {
          if (!prefix_contains(c.rule.prefix, peer.ip)) continue;
          bool excepted = false;
          for (const auto& e : c.rule.except) excepted = excepted || prefix_contains(e, peer.ip);
          if (!excepted) return true;
        }
        return false;
      case PeerKind::Entities:
        for (const auto& en : pr.entities)
          if (entity_matches(en.entity, peer)) return true;
        return false;
      case PeerKind::Services: return services_match(pr, peer, peer_labels);
      case PeerKind::Fqdns: {
        // docs/semantics.md#fqdn-peers: only addresses outside the cluster, and only those DNS answered.
        if (peer.kind == BfPeer::Kind::World) {
          if (!pr.fqdns.empty()) unknown = true;  // which names the address answers is not in the input
          return false;
        }
        if (peer.kind != BfPeer::Kind::Fqdn) return false;
        bool named = false;
        for (const auto& f : pr.fqdns) named = named || fqdn_selector_matches(f, peer.fqdn);
        if (!named) return false;
        Seen seen = dns_seen(peer.fqdn);
        if (seen == Seen::Maybe) unknown = true;
        if (trace) ++trace->fqdns_named, trace->fqdns_matched += seen == Seen::Yes;
        return seen == Seen::Yes;
      }
      default: unknown = true; return false;
    }
  }

  // docs/semantics.md#toservices, #unresolved-toservices.
  bool services_match(const PeerRule& pr, const BfPeer& peer, const Labels& peer_labels) {
    size_t with_selector = 0, without_selector = 0;
    bool backend = false;
    if (!pr.deny) {  // egressDeny never resolves toServices
      for (const auto& sp : pr.services) {
        for (const auto& svc : cluster.services) {
          if (!sp.service_namespace.empty() && sp.service_namespace != svc.namespace_) continue;
          bool match = false;
          if (sp.by_selector) {
            Labels object_labels;
            for (const auto& [k, v] : svc.labels) object_labels.push_back({"k8s", k, v});
            match = selector_matches(sp.service_label_selector, object_labels);
          } else {
            match = sp.service_name == svc.name;
          }
          if (!match) continue;
          if (!svc.selector) {
            ++without_selector;
            continue;
          }
          ++with_selector;
          // The backends as toEndpoints: the selector plus the Service's namespace, on the peer's identity.
          if (peer.kind != BfPeer::Kind::Pod) continue;
          bool all = true;
          Labels wanted;
          for (const auto& [k, v] : *svc.selector) wanted.push_back({"k8s", k, v});
          wanted.push_back({"k8s", "io.kubernetes.pod.namespace", svc.namespace_});
          for (const auto& w : wanted) {
            bool found = false;
            for (const auto& l : peer_labels) found = found || (l.source == w.source && l.key == w.key && l.value == w.value);
            all = all && found;
          }
          backend = backend || all;
        }
      }
    }
    if (backend && trace) ++trace->services_matched;
    if (backend) return true;
    // No peers left: toPorts (or icmps) to everyone (docs/semantics.md#unresolved-toservices).
    if (with_selector == 0 && without_selector == 0) return pr.has_to_ports || pr.has_icmps;
    if (without_selector > 0 && (peer.kind == BfPeer::Kind::World || peer.kind == BfPeer::Kind::Fqdn))
      unknown = true;  // EndpointSlice addresses are not in the input
    return false;
  }

  // docs/semantics.md#dns-visibility: does Cilium's DNS proxy see the subject's lookups of `name`? Some
  // egress rule of the subject with `rules.dns` matching the name on port 53 must select a DNS server,
  // and the lookup to it must be allowed, both sides.
  Seen dns_seen(const std::string& name) {
    bool maybe = false, denied = false, any_cluster_dns = false;
    for (const auto& pod : cluster.pods) any_cluster_dns = any_cluster_dns || is_cluster_dns(pod);
    for (const Rule* r : selecting_) {
      for (const auto& pr : r->egress) {
        bool udp = false, tcp = false;
        for (const auto& pp : pr.ports) {
          if (pp.dns.empty() || !pp.name.empty()) continue;
          bool on_53 = (pp.port == 0 && pp.end_port == 0) || (pp.port <= 53 && 53 <= std::max(pp.port, pp.end_port));
          bool names = false;
          for (const auto& f : pp.dns) names = names || fqdn_selector_matches(f, name);
          if (!on_53 || !names) continue;
          udp = udp || pp.protocol == Protocol::Any || pp.protocol == Protocol::UDP;
          tcp = tcp || pp.protocol == Protocol::Any || pp.protocol == Protocol::TCP;
        }
        if (!udp && !tcp) continue;
        std::vector<const Pod*> servers;
        if (pr.peer_kind == PeerKind::Wildcard) {
          for (const auto& pod : cluster.pods)
            if (is_cluster_dns(pod)) servers.push_back(&pod);
        } else if (pr.peer_kind == PeerKind::Endpoints || pr.peer_kind == PeerKind::Services) {
          for (const auto& pod : cluster.pods)
            if (!pod.host_network) servers.push_back(&pod);
        } else {
          unknown = true;  // DNS servers behind entities or CIDRs: not generated
          continue;
        }
        for (const Pod* server : servers) {
          BfPeer server_peer = BfPeer::of(*server);
          Labels server_labels = identity_of(cluster, server_peer);
          for (Protocol proto : {Protocol::UDP, Protocol::TCP}) {
            if ((proto == Protocol::UDP && !udp) || (proto == Protocol::TCP && !tcp)) continue;
            bool was_unknown = unknown;
            unknown = false;
            bool through = covers(pr, server_peer, server_labels, 53, proto, *subject_);
            bool through_unknown = unknown;
            unknown = was_unknown;
            if (through_unknown) maybe = true;
            if (!through) continue;
            Verdict lookup = brute_force_verdict(cluster, BfPeer::of(*subject_), server_peer, 53, proto, allow_localhost);
            if (lookup == Verdict::Allow && !through_unknown) return Seen::Yes;
            if (lookup == Verdict::Unknown) maybe = true;
            if (lookup == Verdict::Deny) denied = true;
          }
        }
      }
    }
    if (maybe) return Seen::Maybe;
    if (denied) return Seen::No;
    // No DNS rule selects a server of the input: without a cluster DNS, which server answers is unknown.
    bool any_dns_rule = false;
    for (const Rule* r : selecting_)
      for (const auto& pr : r->egress)
        for (const auto& pp : pr.ports)
          for (const auto& f : pp.dns) any_dns_rule = any_dns_rule || fqdn_selector_matches(f, name);
    return any_dns_rule && !any_cluster_dns ? Seen::Maybe : Seen::No;
  }

  // Does this ingress/egress (deny) element cover (peer, port, proto)?
  // (docs/semantics.md#rule-shapes, #ports-and-protocols)
  bool covers(const PeerRule& pr, const BfPeer& peer, const Labels& peer_labels, uint16_t port, Protocol proto,
              const Pod& subject) {
    for (Unevaluated u : pr.unevaluated)
      if (u != Unevaluated::L7Rules) unknown = true;  // L7 rules keep the L4 allow (docs/semantics.md#l7-verdict)
    bool l3_only = !pr.has_to_ports && !pr.has_icmps;
    if (pr.peer_kind == PeerKind::Wildcard && !pr.explicit_empty_peers && l3_only) return false;  // `- {}`
    if (!peer_matches(pr, peer, peer_labels)) return false;
    if (l3_only) return true;  // L3 only: every port and every protocol, ICMP too
    // ICMP (docs/semantics.md#icmp): only icmps fields name it, by family and
    // type; a field of type 0 is port 0 to Cilium, every type of its family.
    // toPorts never does (ANY is TCP, UDP and SCTP).
    if (proto == Protocol::ICMP || proto == Protocol::ICMPv6) {
      for (const auto& f : pr.icmps) {
        Protocol family = f.ipv6 ? Protocol::ICMPv6 : Protocol::ICMP;
        if (family == proto && (f.type == 0 || f.type == port)) return true;
      }
      return false;
    }
    for (const auto& pp : pr.ports)
      if (port_entry_covers(pp, port, proto, pr.direction, subject)) return true;
    return false;  // icmps only: no port
  }

  // One side (docs/semantics.md#per-direction-verdict, #enforcement).
  Verdict side(const Pod& subject, Direction dir, const BfPeer& peer, uint16_t port, Protocol proto) {
    Labels subject_labels = identity_of(cluster, BfPeer::of(subject));
    Labels peer_labels = identity_of(cluster, peer);
    std::vector<const Rule*> selecting;
    for (const auto& policy : cluster.policies) {
      bool in_scope = policy.kind == PolicyKind::CiliumClusterwideNetworkPolicy || policy.namespace_ == subject.namespace_;
      if (!in_scope) continue;  // docs/semantics.md#namespace-boundaries
      for (const auto& rule : policy.rules) {
        if (rule.node_selector) continue;  // host policies never select pods (docs/semantics.md#subject-selection)
        if (!selector_matches(rule.subject, subject_labels)) continue;
        bool has = dir == Direction::Ingress ? !(rule.ingress.empty() && rule.ingress_deny.empty())
                                             : !(rule.egress.empty() && rule.egress_deny.empty());
        if (has) selecting.push_back(&rule);
      }
    }
    if (selecting.empty()) return Verdict::Allow;  // not enforcing (docs/semantics.md#default-deny)
    subject_ = &subject;
    selecting_ = selecting;
    // docs/semantics.md#fromrequires-and-torequires: fromRequires / toRequires of every rule
    // selecting the subject.
    allow_requires.clear();
    deny_requires.clear();
    for (const Rule* r : selecting) {
      for (const auto& pr : dir == Direction::Ingress ? r->ingress : r->egress)
        for (const auto& req : pr.requires_) allow_requires.push_back(&req.selector);
      for (const auto& pr : dir == Direction::Ingress ? r->ingress_deny : r->egress_deny)
        for (const auto& req : pr.requires_) deny_requires.push_back(&req.selector);
    }
    bool default_deny = false;
    for (const Rule* r : selecting)
      default_deny = default_deny || (dir == Direction::Ingress ? r->default_deny.ingress : r->default_deny.egress);
    // Deny first (docs/semantics.md#deny-wins).
    for (const Rule* r : selecting)
      for (const auto& pr : dir == Direction::Ingress ? r->ingress_deny : r->egress_deny)
        if (covers(pr, peer, peer_labels, port, proto, subject)) return Verdict::Deny;
    // Local host auto-allow on ingress (docs/semantics.md#allow-localhost), after denies.
    if (allow_localhost && dir == Direction::Ingress && peer.kind == BfPeer::Kind::Host) return Verdict::Allow;
    // No rule enables default deny: allow-all except denies (docs/semantics.md#enabledefaultdeny).
    if (!default_deny) return Verdict::Allow;
    for (const Rule* r : selecting)
      for (const auto& pr : dir == Direction::Ingress ? r->ingress : r->egress)
        if (covers(pr, peer, peer_labels, port, proto, subject)) return Verdict::Allow;
    return Verdict::Deny;
  }
};


// A hostNetwork pod as the other end sees it: its node, `host` to pods on the same node and
// `remote-node` to the others (docs/semantics.md#hostnetwork-pods).
BfPeer placed(const BfPeer& peer, bool same_node) {
  if (peer.kind != BfPeer::Kind::Pod || !peer.pod->host_network) return peer;
  return same_node ? BfPeer::host() : BfPeer::remote_node();
}

Verdict judge_placed(const Cluster& cluster, const BfPeer& from, const BfPeer& to, uint16_t port, Protocol protocol,
                     bool allow_localhost, BfTrace* trace);

}  // namespace

Verdict brute_force_verdict(const Cluster& cluster, const BfPeer& from, const BfPeer& to, uint16_t port,
                            Protocol protocol, bool allow_localhost, BfTrace* trace) {
  auto host_network = [](const BfPeer& p) { return p.kind == BfPeer::Kind::Pod && p.pod->host_network; };
  if (!host_network(from) && !host_network(to))
    return judge_placed(cluster, from, to, port, protocol, allow_localhost, trace);
  // Placement: known when both are pods with spec.nodeName; a peer that is not a pod shares no node.
  bool both_pods = from.kind == BfPeer::Kind::Pod && to.kind == BfPeer::Kind::Pod;
  if (!both_pods) return judge_placed(cluster, placed(from, false), placed(to, false), port, protocol, allow_localhost, trace);
  if (!from.pod->node_name.empty() && !to.pod->node_name.empty()) {
    bool same = from.pod->node_name == to.pod->node_name;
    return judge_placed(cluster, placed(from, same), placed(to, same), port, protocol, allow_localhost, trace);
  }
  Verdict same = judge_placed(cluster, placed(from, true), placed(to, true), port, protocol, allow_localhost, trace);
  Verdict other = judge_placed(cluster, placed(from, false), placed(to, false), port, protocol, allow_localhost, trace);
  return same == other ? same : Verdict::Unknown;
}

Verdict brute_force_service_verdict(const Cluster& cluster, const BfPeer& from, const Service& service, uint16_t port,
                                    Protocol protocol, bool allow_localhost, BfTrace* trace) {
  const ServicePort* sp = nullptr;
  for (const auto& candidate : service.ports)
    if (candidate.port == port && candidate.protocol == protocol) sp = &candidate;
  if (!sp) return Verdict::Unknown;  // not a port of the Service: the query is refused
  std::set<Verdict> verdicts;
  if (service.selector && !service.selector->empty()) {
    for (const auto& pod : cluster.pods) {
      if (pod.namespace_ != service.namespace_) continue;
      bool selected = true;
      for (const auto& kv : *service.selector)
        selected = selected && std::find(pod.labels.begin(), pod.labels.end(), kv) != pod.labels.end();
      if (!selected) continue;
      std::optional<uint16_t> target = sp->target_port;
      if (!sp->target_port_name.empty()) {
        target.reset();
        for (const auto& cp : pod.ports)
          if (cp.name == sp->target_port_name && cp.protocol == protocol) target = cp.port;
      }
      if (!target) continue;  // this backend serves nothing on that name
      verdicts.insert(brute_force_verdict(cluster, from, BfPeer::of(pod), *target, protocol, allow_localhost, trace));
    }
  }
  if (verdicts.empty()) return Verdict::Deny;  // no backend: the connection fails (docs/semantics.md#services-without-backends)
  return verdicts.size() == 1 ? *verdicts.begin() : Verdict::Unknown;
}

namespace {

Verdict judge_placed(const Cluster& cluster, const BfPeer& from, const BfPeer& to, uint16_t port, Protocol protocol,
                     bool allow_localhost, BfTrace* trace) {
  Eval eval{cluster};
  eval.trace = trace;
  eval.allow_localhost = allow_localhost;
  bool allowed = true;
  // docs/semantics.md#both-sides: each Cilium endpoint side enforces on its own; both must allow.
  if (from.kind == BfPeer::Kind::Pod && !from.pod->host_network)
    allowed = eval.side(*from.pod, Direction::Egress, to, port, protocol) == Verdict::Allow;
  if (to.kind == BfPeer::Kind::Pod && !to.pod->host_network)
    allowed = eval.side(*to.pod, Direction::Ingress, from, port, protocol) == Verdict::Allow && allowed;
  if (eval.unknown) return Verdict::Unknown;
  return allowed ? Verdict::Allow : Verdict::Deny;
}

}  // namespace

std::vector<std::string> brute_force_identity(const Cluster& cluster, const BfPeer& peer) {
  std::vector<std::string> out;
  for (const auto& l : identity_of(cluster, peer)) out.push_back(l.source + ":" + l.key + "=" + l.value);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace netreach::differential
