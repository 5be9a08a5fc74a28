// Brute-force reference evaluator; see brute_force.h. Section anchors
// (docs/semantics.md#...) refer to the project's Cilium semantics reference.
#include "brute_force.h"

#include <algorithm>
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
    case BfPeer::Kind::World: out.push_back({"reserved", "world", ""}); return out;
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

// ---- evaluation -----------------------------------------------------------------

struct Eval {
  const Cluster& cluster;
  bool unknown = false;
  bool allow_localhost = true;
  std::vector<const Selector*> allow_requires, deny_requires;  // of the side being evaluated

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
      for (const auto& pod : cluster.pods) scan(pod);  // cluster-wide map, conflicts dropped
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
      case Entity::World: return peer.kind == K::World;
      case Entity::Cluster: return peer.kind != K::World;  // all our pods are local-cluster pods
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
      default: unknown = true; return false;
    }
  }

  // Does this ingress/egress (deny) element cover (peer, port, proto)?
  // (docs/semantics.md#rule-shapes, #ports-and-protocols)
  bool covers(const PeerRule& pr, const BfPeer& peer, const Labels& peer_labels, uint16_t port, Protocol proto,
              const Pod& subject) {
    if (!pr.unevaluated.empty()) unknown = true;
    bool l3_only = !pr.has_to_ports && !pr.has_icmps;
    if (pr.peer_kind == PeerKind::Wildcard && !pr.explicit_empty_peers && l3_only) return false;  // `- {}`
    if (!peer_matches(pr, peer, peer_labels)) return false;
    if (pr.has_to_ports) {
      for (const auto& pp : pr.ports)
        if (port_entry_covers(pp, port, proto, pr.direction, subject)) return true;
      return false;
    }
    if (pr.has_icmps) return proto == Protocol::ICMP && (unknown = true, false);  // ICMP only
    return true;  // L3 only: every port and protocol
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

}  // namespace

Verdict brute_force_verdict(const Cluster& cluster, const BfPeer& from, const BfPeer& to, uint16_t port,
                            Protocol protocol, bool allow_localhost) {
  Eval eval{cluster};
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

std::vector<std::string> brute_force_identity(const Cluster& cluster, const BfPeer& peer) {
  std::vector<std::string> out;
  for (const auto& l : identity_of(cluster, peer)) out.push_back(l.source + ":" + l.key + "=" + l.value);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace netreach::differential
