#include "graph/identity_graph.h"

#include <algorithm>
#include <map>
#include <span>
#include <unordered_map>

#include <boost/container/small_vector.hpp>
#include <fmt/format.h>

#include "query/peer_match.h"
#include "query/peer_words.h"
#include "resolve/label_index.h"

namespace netreach {
namespace {

// A peer element matched against every vertex: `yes` it selects, `maybe` it
// may select (depending on `fact`). Sorted vertex ids. A rule element with
// several selectors or entities selects the union of theirs: it lists them
// as `parts` (sets with no parts of their own) instead of a copy of their
// vertices, since a namespace selector's set can hold thousands of
// identities and many rules name the same ones.
struct PeerSet {
  bool all = false;  // every vertex (an L3 wildcard)
  std::vector<VertexId> yes;
  std::vector<uint32_t> parts;  // peer sets whose `yes` are also this set's
  std::vector<VertexId> maybe;
  std::string fact;
};

void sort_unique(std::vector<VertexId>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// One element of a subject's policy in one direction: which peers, which
// ports, allow or deny.
struct Term {
  const PeerRule* rule = nullptr;
  uint32_t peers = 0;  // index into the builder's peer sets
  PortSet ports;
  bool deny = false;
};

enum class SideMode : uint8_t { AllowAll, DefaultDeny, DenyOnly };

// The policy of one subject class in one direction.
struct SidePolicy {
  SideMode mode = SideMode::AllowAll;
  std::vector<Term> terms;
  // Terms whose peer decision depends on the subject itself (toFQDNs towards
  // fqdn vertices: DNS visibility is judged from the subject's own flows).
  bool per_subject_fqdn = false;
};

// Per-port accumulators of one peer: allowed / maybe allowed / denied / maybe denied.
struct Accumulator {
  PortSet allow_yes, allow_maybe, deny_yes, deny_maybe;
  std::string fact;
  void add(const Term& t, Match m, const std::string& why) {
    if (m == Match::No || t.ports.empty()) return;
    PortSet& into = t.deny ? (m == Match::Yes ? deny_yes : deny_maybe) : (m == Match::Yes ? allow_yes : allow_maybe);
    into |= t.ports;
    if (m == Match::Maybe && fact.empty()) fact = why;
  }
};

// The side's decision from its accumulators, as evaluate_side decides one
// port (query/side_evaluator.cc): deny wins; a maybe-deny makes an allow
// unknown; deny-only sides allow what is not denied; the local host reaches
// its endpoints on ingress (allow-localhost); otherwise default deny.
EdgePorts decide(SideMode mode, const Accumulator& a, bool local_host_ingress) {
  EdgePorts out;
  if (mode == SideMode::AllowAll) {
    out.allowed = PortSet::all();
    return out;
  }
  const PortSet all = PortSet::all();
  if (mode == SideMode::DenyOnly) {
    out.allowed = all - a.deny_yes - a.deny_maybe;
    out.unknown = a.deny_maybe - a.deny_yes;
  } else {
    out.allowed = a.allow_yes - a.deny_yes - a.deny_maybe;
    out.unknown = (a.allow_yes & a.deny_maybe) - a.deny_yes;
    PortSet rest = all - a.allow_yes - a.deny_yes;
    if (local_host_ingress) out.allowed |= rest;
    else out.unknown |= (a.allow_maybe & rest);
  }
  if (!out.unknown.empty()) out.unknown_fact = a.fact;
  return out;
}

EdgePorts combine(const EdgePorts& egress, const EdgePorts& ingress) {
  EdgePorts out;
  out.allowed = egress.allowed & ingress.allowed;
  out.unknown = ((egress.allowed | egress.unknown) & (ingress.allowed | ingress.unknown)) - out.allowed;
  if (!out.unknown.empty()) {
    bool from_egress = !(egress.unknown & out.unknown).empty();
    out.unknown_fact = from_egress ? egress.unknown_fact : ingress.unknown_fact;
  }
  return out;
}

// A named-port table: (name, protocol, number) of a pod's containers, sorted.
using PortTable = std::vector<std::tuple<std::string, Protocol, uint16_t>>;

PortTable port_table(const Pod& pod) {
  PortTable t;
  for (const auto& cp : pod.ports)
    if (!cp.name.empty()) t.emplace_back(cp.name, cp.protocol, cp.port);
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
  return t;
}

// A name that a toFQDNs matchPattern matches: each `*` becomes one letter.
// (`*` alone matches every name; "wildcard.invalid" stands for one.)
std::string pattern_example(const std::string& pattern) {
  if (pattern == "*") return "any-name.example";
  std::string out;
  for (char c : pattern) {
    if (c == '*') out += 'x';
    else out += c;
  }
  return out;
}

// As PortProtocol::covers_number: port 0 alone is every port; an endPort at
// or below port is the single port.
void add_numeric_port(PortSet& out, const PortProtocol& pp, Protocol p) {
  if (pp.port == 0 && pp.end_port == 0) out.add(p, 0, 65535);
  else out.add(p, pp.port, pp.end_port > pp.port ? pp.end_port : pp.port);
}

// The ICMP types of a rule's icmps, as query/peer_match.cc :: match_icmp
// judges one: the field's family and type, type 0 every type of the family
// (Cilium's port 0, pkg/policy/l4.go; issue cilium#41304).
void add_icmp_types(PortSet& out, const PeerRule& pr) {
  for (const auto& f : pr.icmps) {
    const Protocol family = f.ipv6 ? Protocol::ICMPv6 : Protocol::ICMP;
    if (f.type == 0) out.add(family, 0, 255);
    else out.add(family, f.type, f.type);
  }
}

}  // namespace

std::optional<PortSet> numeric_ports(const PeerRule& pr) {
  // L3-only: every protocol, ICMP included (pkg/policy/rule.go, the L3-only branch).
  if (!pr.has_to_ports && !pr.has_icmps) return PortSet::all();
  PortSet out;
  add_icmp_types(out, pr);
  for (const auto& pp : pr.ports) {
    if (pp.is_named()) return std::nullopt;
    for (Protocol p : kPortProtocols)
      if (pp.covers_protocol(p)) add_numeric_port(out, pp, p);
  }
  return out;
}

class IdentityGraphBuilder {
 public:
  IdentityGraphBuilder(const Model& m, bool record_one_sided)
      : m_(m), record_one_sided_(record_one_sided), labels_(m.identities) {}

  IdentityGraph build() {
    make_vertices();
    make_shapes();
    make_edges();
    return std::move(g_);
  }

 private:
  const Model& m_;
  const bool record_one_sided_;
  IdentityGraph g_;
  std::vector<VertexId> externals_;  // Address and Fqdn vertices, sorted
  std::vector<PeerSet> peer_sets_;
  std::unordered_map<std::string, uint32_t> selector_sets_;  // canonical selector text -> peer set
  std::unordered_map<const PeerRule*, uint32_t> rule_sets_;  // peer rules without requires
  std::map<Entity, uint32_t> entity_sets_;
  const LabelIndex labels_;
  std::vector<PortTable> shape_tables_;  // per (identity, shape), flattened through shape_base_
  std::vector<uint32_t> shape_base_;
  std::vector<const Pod*> shape_pod_;    // a pod of each shape (for the per-flow fallback)

  // ---- vertices ------------------------------------------------------------

  void make_vertices() {
    const auto& ids = m_.identities.all();
    for (const auto& identity : ids) {
      PeerVertex v;
      v.kind = PeerVertex::Kind::Identity;
      v.identity = identity.id;
      v.display = identity.reserved ? std::string(to_string(*identity.reserved)) : "";
      g_.vertices_.push_back(std::move(v));
    }
    g_.world_ = m_.identities.reserved(ReservedIdentity::World);
    std::vector<IpPrefix> prefixes;
    std::vector<std::string> names;
    for (const auto& policy : m_.cluster.policies)
      for (const auto& rule : policy.rules)
        for (const auto* list : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny})
          for (const auto& pr : *list) {
            for (const auto& c : pr.cidrs) {
              prefixes.push_back(c.rule.prefix);
              prefixes.insert(prefixes.end(), c.rule.except.begin(), c.rule.except.end());
            }
            for (const auto& f : pr.fqdns) names.push_back(f.match_name.empty() ? pattern_example(f.match_pattern) : f.match_name);
          }
    for (const auto& group : m_.cluster.cidr_groups) prefixes.insert(prefixes.end(), group.cidrs.begin(), group.cidrs.end());
    for (const auto& policy : m_.cluster.policies)
      for (const auto& rule : policy.rules)
        for (const auto* list : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny})
          for (const auto& pr : *list)
            for (const auto& cg : pr.cidr_groups) prefixes.insert(prefixes.end(), cg.except.begin(), cg.except.end());
    for (auto& atom : address_atoms(prefixes)) {
      PeerVertex v;
      v.kind = PeerVertex::Kind::Address;
      v.identity = g_.world_;
      v.display = atom.display;
      v.atom = std::move(atom);
      externals_.push_back(g_.vertices_.size());
      g_.vertices_.push_back(std::move(v));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (auto& name : names) {
      PeerVertex v;
      v.kind = PeerVertex::Kind::Fqdn;
      v.identity = g_.world_;
      v.fqdn = name;
      v.display = "fqdn:" + name;
      g_.fqdns_.emplace_back(name, g_.vertices_.size());
      externals_.push_back(g_.vertices_.size());
      g_.vertices_.push_back(std::move(v));
    }
  }

  // Destinations of each pod identity: one per distinct named-port table.
  void make_shapes() {
    const size_t n = g_.vertices_.size();
    g_.shape_count_.assign(n, 1);
    shape_base_.assign(n + 1, 0);
    std::vector<std::vector<PortTable>> tables(n);
    std::vector<std::vector<const Pod*>> pods(n);
    g_.pod_shape_.assign(m_.cluster.pods.size(), 0);
    for (size_t i = 0; i < m_.cluster.pods.size(); ++i) {
      const Pod& pod = m_.cluster.pods[i];
      if (pod.host_network) continue;
      IdentityId id = m_.pod_identity[i];
      PortTable t = port_table(pod);
      auto& list = tables[id];
      auto it = std::find(list.begin(), list.end(), t);
      if (it == list.end()) {
        list.push_back(std::move(t));
        pods[id].push_back(&pod);
        it = list.end() - 1;
      }
      g_.pod_shape_[i] = uint32_t(it - list.begin());
    }
    for (size_t v = 0; v < n; ++v) {
      if (tables[v].empty()) tables[v].emplace_back(), pods[v].push_back(nullptr);
      g_.shape_count_[v] = uint32_t(tables[v].size());
      shape_base_[v + 1] = shape_base_[v] + g_.shape_count_[v];
      for (size_t s = 0; s < tables[v].size(); ++s) {
        shape_tables_.push_back(std::move(tables[v][s]));
        shape_pod_.push_back(pods[v][s]);
      }
    }
  }

  // ---- peer sets -------------------------------------------------------------

  uint32_t add_set(PeerSet s) {
    sort_unique(s.yes);
    sort_unique(s.maybe);
    peer_sets_.push_back(std::move(s));
    return uint32_t(peer_sets_.size() - 1);
  }

  // Vertices whose labels satisfy `match`; the world identity's answer
  // stands for every external vertex (they carry world's labels).
  template <typename Pred>
  void add_matching_identities(const std::vector<IdentityId>& candidates, Pred&& match, std::vector<VertexId>& out) {
    for (IdentityId id : candidates) {
      if (!match(m_.identities[id].labels)) continue;
      if (id == g_.world_) out.insert(out.end(), externals_.begin(), externals_.end());
      else out.push_back(id);
    }
  }

  // The identities that can satisfy the selectors (LabelIndex), else all.
  std::vector<IdentityId> candidates(const std::vector<const Selector*>& selectors) {
    if (auto narrowed = labels_.candidates(selectors)) return std::move(*narrowed);
    std::vector<IdentityId> out;
    out.reserve(m_.identities.size());
    for (const auto& identity : m_.identities.all()) out.push_back(identity.id);
    return out;
  }

  // A selector ANDed with fromRequires/toRequires terms, matched once per
  // distinct canonical text (the selector cache, pkg/policy/selectorcache.go).
  uint32_t selector_set(const Selector& selector, const std::vector<const Selector*>& requires_) {
    std::string key = selector.to_string();
    for (const Selector* r : requires_) key += " && " + r->to_string();
    if (auto it = selector_sets_.find(key); it != selector_sets_.end()) return it->second;
    std::vector<const Selector*> all{&selector};
    all.insert(all.end(), requires_.begin(), requires_.end());
    PeerSet s;
    add_matching_identities(candidates(all), [&](const LabelSet& labels) {
      return std::all_of(all.begin(), all.end(), [&](const Selector* sel) { return sel->matches(labels); });
    }, s.yes);
    uint32_t id = add_set(std::move(s));
    selector_sets_.emplace(std::move(key), id);
    return id;
  }

  uint32_t entity_set(Entity e) {
    if (auto it = entity_sets_.find(e); it != entity_sets_.end()) return it->second;
    PeerSet s;
    std::vector<IdentityId> everyone;
    for (const auto& identity : m_.identities.all()) everyone.push_back(identity.id);
    add_matching_identities(everyone, [&](const LabelSet& l) { return entity_matches(e, l, m_.cluster.cluster_name); }, s.yes);
    return entity_sets_[e] = add_set(std::move(s));
  }

  Match at(const PeerSet& s, VertexId v) const {
    auto has = [v](const std::vector<VertexId>& list) { return std::binary_search(list.begin(), list.end(), v); };
    if (s.all || has(s.yes)) return Match::Yes;
    for (uint32_t part : s.parts)
      if (has(peer_sets_[part].yes)) return Match::Yes;
    if (has(s.maybe)) return Match::Maybe;
    return Match::No;
  }

  // Every vertex the set selects (`yes` and its parts'), unsorted.
  template <typename F>
  void for_each_yes(const PeerSet& s, F&& f) const {
    for (VertexId v : s.yes) f(v);
    for (uint32_t part : s.parts)
      for (VertexId v : peer_sets_[part].yes) f(v);
  }

  // The union of leaf sets (selector or entity sets): one of them alone is
  // itself, else a set of parts.
  uint32_t union_of(std::vector<uint32_t> sets) {
    sort_unique(sets);
    if (sets.size() == 1) return sets[0];
    PeerSet s;
    s.parts = std::move(sets);
    return add_set(std::move(s));
  }

  // The peers of one rule element (match_peer_rule's peer decision, over all
  // vertices at once). toFQDNs towards fqdn vertices is left out here and
  // judged per subject (fqdn_peer).
  uint32_t peer_set(const PeerRule& pr, const std::vector<const Selector*>& requires_) {
    const bool cacheable = requires_.empty() || pr.peer_kind != PeerKind::Endpoints;
    if (cacheable)
      if (auto it = rule_sets_.find(&pr); it != rule_sets_.end()) return it->second;
    uint32_t id = compute_peer_set(pr, requires_);
    if (cacheable) rule_sets_.emplace(&pr, id);
    return id;
  }

  uint32_t compute_peer_set(const PeerRule& pr, const std::vector<const Selector*>& requires_) {
    PeerSet s;
    if (pr.explicit_empty_peers) return add_set(std::move(s));
    switch (pr.peer_kind) {
      case PeerKind::Wildcard:
        s.all = pr.has_to_ports || pr.has_icmps;
        break;
      case PeerKind::Endpoints: {
        std::vector<uint32_t> sets;
        for (const auto& ep : pr.endpoints) sets.push_back(selector_set(ep.selector, requires_));
        return union_of(std::move(sets));
      }
      case PeerKind::Entities: {
        std::vector<uint32_t> sets;
        for (const auto& e : pr.entities) sets.push_back(entity_set(e.entity));
        return union_of(std::move(sets));
      }
      case PeerKind::Cidr: {
        if (!pr.cidr_groups.empty()) {
          // CIDR groups: the per-flow decision for each vertex (the atoms cut
          // at every group prefix and except, so one address decides each).
          for (VertexId v : externals_) {
            Match m = external_peer(pr, v, s.fact);
            if (m == Match::Yes) s.yes.push_back(v);
            else if (m == Match::Maybe) s.maybe.push_back(v);
          }
          break;
        }
        // An atom is inside a rule or outside it as a whole. A name's
        // addresses are unknown: only a rule covering every address decides.
        bool covers_all = std::any_of(pr.cidrs.begin(), pr.cidrs.end(),
                                      [](const CidrPeer& c) { return c.rule.prefix.is_all() && c.rule.except.empty(); });
        std::vector<std::string> written;
        for (const auto& c : pr.cidrs) written.push_back(c.rule.to_string());
        s.fact = fmt::format("whether the name's addresses are in {}", fmt::join(written, ", "));
        for (VertexId v : externals_) {
          const PeerVertex& pv = g_.vertices_[v];
          if (pv.kind == PeerVertex::Kind::Fqdn) {
            (covers_all ? s.yes : s.maybe).push_back(v);
            continue;
          }
          if (std::any_of(pr.cidrs.begin(), pr.cidrs.end(), [&](const CidrPeer& c) { return c.rule.matches(pv.atom.representative); }))
            s.yes.push_back(v);
        }
        break;
      }
      case PeerKind::Services: {
        size_t selectors = 0, selectorless = 0;
        std::vector<uint32_t> sets;
        if (!pr.deny)
          for (const auto& sp : pr.services) {
            auto it = m_.services.find(&sp);
            if (it == m_.services.end()) continue;
            selectors += it->second.selectors.size();
            selectorless += it->second.selectorless;
            for (const auto& sel : it->second.selectors) sets.push_back(selector_set(sel, {}));
          }
        if (selectors == 0 && selectorless == 0) {
          s.all = pr.has_to_ports || pr.has_icmps;  // no Service left: an L3 wildcard with toPorts or icmps (query/peer_match.cc)
          break;
        }
        sort_unique(sets);
        s.parts = std::move(sets);
        if (selectorless > 0) {
          s.maybe = externals_;
          s.fact = "the addresses of a Service without selector (its EndpointSlices are not evaluated)";
        }
        break;
      }
      case PeerKind::Fqdns:
        // Decided per subject (DNS visibility is the subject's own DNS flow):
        // see the egress loop in make_edges.
        break;
      case PeerKind::Groups:
        s.maybe = externals_;
        s.fact = "the addresses of cloud security groups (fromGroups/toGroups)";
        break;
      case PeerKind::Nodes:
        s.maybe = {m_.identities.reserved(ReservedIdentity::Host), m_.identities.reserved(ReservedIdentity::RemoteNode),
                   m_.identities.reserved(ReservedIdentity::KubeApiserver)};
        s.fact = "the labels of the node behind this peer (fromNodes/toNodes)";
        break;
    }
    return add_set(std::move(s));
  }

  // ---- ports -----------------------------------------------------------------

  // The ports a rule element covers, with named ports resolved: egress through
  // the cluster-wide table, ingress on `table` (the destination's containers).
  PortSet ports_of(const PeerRule& pr, Direction d, const PortTable* table) {
    if (!pr.has_to_ports && !pr.has_icmps) return PortSet::all();
    PortSet out;
    add_icmp_types(out, pr);
    for (const auto& pp : pr.ports) {
      for (Protocol p : kPortProtocols) {
        if (!pp.covers_protocol(p)) continue;
        if (!pp.is_named()) {
          add_numeric_port(out, pp, p);
          continue;
        }
        // A resolved named port keeps the entry's endPort, as the per-flow
        // match does (query/peer_match.cc :: match_ports).
        auto add_resolved = [&](uint16_t number) { out.add(p, number, pp.end_port > number ? pp.end_port : number); };
        if (d == Direction::Ingress) {
          if (!table) continue;
          for (const auto& [name, proto, number] : *table)
            if (name == pp.name && proto == p) add_resolved(number);
          continue;
        }
        auto it = m_.named_ports.find(pp.name);
        if (it == m_.named_ports.end()) continue;
        auto numbers = it->second.find(p);
        if (numbers != it->second.end() && numbers->second.size() == 1) add_resolved(*numbers->second.begin());
      }
    }
    return out;
  }

  static bool has_named_port(const PeerRule& pr) {
    return std::any_of(pr.ports.begin(), pr.ports.end(), [](const PortProtocol& pp) { return pp.is_named(); });
  }

  // ---- side policies -----------------------------------------------------------

  // The rules selecting an identity with rules in direction d.
  std::vector<RuleHandle> selecting(IdentityId id, Direction d) const {
    std::vector<RuleHandle> out;
    for (RuleHandle h : m_.rules_selecting[id])
      if (m_.rule(h).has_rules(d)) out.push_back(h);
    return out;
  }

  SidePolicy side_policy(IdentityId id, Direction d, const PortTable* table) {
    SidePolicy p;
    const Identity& self = m_.identities[id];
    if (!self.is_endpoint() || m_.options.enforcement == EnforcementMode::Never) return p;
    std::vector<RuleHandle> rules = selecting(id, d);
    const bool is_init = self.reserved == ReservedIdentity::Init;
    const bool always = m_.options.enforcement == EnforcementMode::Always;
    if (rules.empty() && !always && !is_init) return p;
    bool default_deny = always || is_init;
    for (RuleHandle h : rules) {
      const Rule& r = m_.rule(h);
      if (d == Direction::Ingress ? r.default_deny.ingress : r.default_deny.egress) default_deny = true;
    }
    p.mode = default_deny ? SideMode::DefaultDeny : SideMode::DenyOnly;
    // fromRequires/toRequires of every selecting rule, apart for allow and
    // deny rules (pkg/policy/rules.go), ANDed into endpoint selectors.
    std::vector<const Selector*> allow_requires, deny_requires;
    for (RuleHandle h : rules) {
      const Rule& r = m_.rule(h);
      for (const auto& pr : d == Direction::Ingress ? r.ingress : r.egress)
        for (const auto& req : pr.requires_) allow_requires.push_back(&req.selector);
      for (const auto& pr : d == Direction::Ingress ? r.ingress_deny : r.egress_deny)
        for (const auto& req : pr.requires_) deny_requires.push_back(&req.selector);
    }
    for (RuleHandle h : rules) {
      const Rule& r = m_.rule(h);
      for (bool deny : {true, false}) {
        const auto& list = d == Direction::Ingress ? (deny ? r.ingress_deny : r.ingress) : (deny ? r.egress_deny : r.egress);
        for (const auto& pr : list) {
          Term t;
          t.rule = &pr;
          t.deny = deny;
          t.peers = peer_set(pr, deny ? deny_requires : allow_requires);
          t.ports = ports_of(pr, d, table);
          if (pr.peer_kind == PeerKind::Fqdns && !pr.explicit_empty_peers) p.per_subject_fqdn = true;
          p.terms.push_back(std::move(t));
        }
      }
    }
    return p;
  }

  // The per-flow peer decision of one rule element for an external vertex
  // (an atom through its representative address, a name without address).
  Match external_peer(const PeerRule& pr, VertexId v, std::string& fact, IdentityId subject = 0,
                      const Pod* subject_pod = nullptr, const std::vector<RuleHandle>* rules = nullptr) {
    SideSubject s;
    s.identity = subject;
    s.pod = subject_pod;
    s.display = subject_pod ? subject_pod->namespace_ + "/" + subject_pod->name : g_.vertices_[subject].display;
    SidePeer peer;
    const PeerVertex& pv = g_.vertices_[v];
    peer.labels = m_.identities[g_.world_].labels;
    peer.external = true;
    if (pv.kind == PeerVertex::Kind::Address) peer.ip = pv.atom.representative;
    else peer.fqdn = pv.fqdn;
    peer.display = pv.display;
    MatchContext ctx{m_, pr.direction, s, peer, 0, Protocol::TCP, rules};
    // The decision alone; only the first unknown fact is put in words.
    RuleMatchResult r = match_peer_rule(ctx, pr, {});
    if (r.peer == Match::Maybe && fact.empty()) fact = render_peer_reason(ctx, r).unknown_fact;
    return r.peer;
  }

  // ---- one-sided flows -----------------------------------------------------------

  bool is_pod_vertex(VertexId v) const {
    return g_.vertices_[v].kind == PeerVertex::Kind::Identity && m_.identities[v].kind == IdentityKind::Pod;
  }

  // The allow terms of `mine` (a side in default deny) that name `peer` and
  // cover ports `mine_allowed` lets through and `other` (the other side's
  // decision, enforcing) does not.
  void record_one_sided(const SidePolicy& mine, const EdgePorts& mine_allowed, const EdgePorts& other, VertexId peer,
                        VertexId from, Target to, Direction d, std::vector<OneSidedFlow>& out) {
    if (mine.mode != SideMode::DefaultDeny) return;
    const PortSet open = other.allowed | other.unknown;
    // A rule without toPorts names no port in particular: the other side
    // narrowing it to some ports is the ordinary case, and only a peer it
    // lets nothing through to is one-sided. A rule with toPorts (or icmps)
    // means those ports (or types).
    const bool agree_somewhere = !(mine_allowed.allowed & open).empty();
    for (const Term& t : mine.terms) {
      if (t.deny || peer_sets_[t.peers].all || at(peer_sets_[t.peers], peer) != Match::Yes) continue;
      if (agree_somewhere && !t.rule->has_to_ports && !t.rule->has_icmps) continue;
      PortSet lost = (t.ports & mine_allowed.allowed) - open;
      if (!lost.empty()) out.push_back({from, to, d, t.rule, std::move(lost)});
    }
  }

  // The egress decision of a source side towards one destination vertex.
  EdgePorts egress_towards(const SidePolicy& egress, VertexId dst) const {
    Accumulator a;
    for (const Term& t : egress.terms) {
      const PeerSet& ps = peer_sets_[t.peers];
      a.add(t, at(ps, dst), ps.fact);
    }
    return decide(egress.mode, a, false);
  }

  // ---- values ------------------------------------------------------------------

  struct EdgePortsHash {
    size_t operator()(const EdgePorts& e) const {
      return (e.allowed.hash() * 31 + e.unknown.hash()) * 31 + std::hash<std::string>{}(e.unknown_fact);
    }
  };
  std::unordered_map<EdgePorts, uint32_t, EdgePortsHash> interned_;
  static constexpr uint32_t kEmpty = 0, kAll = 1;

  uint32_t intern(EdgePorts e) {
    if (e.empty()) return kEmpty;
    auto [it, inserted] = interned_.emplace(std::move(e), uint32_t(g_.ports_.size()));
    if (inserted) g_.ports_.push_back(it->first);
    return it->second;
  }

  std::unordered_map<uint64_t, uint32_t> combined_;

  // combine() of two interned values, memoised: clusters have few distinct
  // values and very many pairs.
  uint32_t combine_ids(uint32_t egress, uint32_t ingress) {
    if (egress == kEmpty || ingress == kEmpty) return kEmpty;
    if (egress == kAll) return ingress;
    if (ingress == kAll) return egress;
    auto [it, inserted] = combined_.emplace((uint64_t(egress) << 32) | ingress, 0);
    if (inserted) it->second = intern(combine(g_.ports_[egress], g_.ports_[ingress]));
    return it->second;
  }

  // ---- peer classes ------------------------------------------------------------

  std::vector<uint32_t> peer_class_;                  // per vertex
  std::vector<std::vector<uint32_t>> class_sets_yes_, class_sets_maybe_;  // per peer set: its classes
  uint32_t class_count_ = 0;
  uint32_t host_class_ = 0;

  // Two vertices are one class when every peer set holds both or neither
  // (as "yes", and as "maybe"): partition refinement, one pass over each set,
  // in memory proportional to the vertices. `host` and toFQDNs names are
  // classes of their own (host's ingress has allow-localhost, names are
  // judged per subject), and addresses never share a class with identities
  // (toFQDNs judges every address alike, per subject: side_row).
  void make_peer_classes() {
    const size_t n = g_.vertices_.size();
    const VertexId host = m_.identities.reserved(ReservedIdentity::Host);
    std::vector<uint32_t> cls(n, 0);
    uint32_t next = 2;  // 0: identities, 1: addresses
    for (VertexId v = 0; v < n; ++v) {
      if (v == host || g_.vertices_[v].kind == PeerVertex::Kind::Fqdn || v == g_.world_) cls[v] = next++;
      else if (g_.vertices_[v].kind == PeerVertex::Kind::Address) cls[v] = 1;
    }
    std::unordered_map<uint32_t, uint32_t> split;  // old class -> its part inside the set
    auto refine = [&](const std::vector<VertexId>& members) {
      split.clear();
      for (VertexId v : members) {
        auto [it, inserted] = split.emplace(cls[v], next);
        if (inserted) ++next;
        cls[v] = it->second;
      }
    };
    for (const PeerSet& ps : peer_sets_) refine(ps.yes), refine(ps.maybe);
    std::unordered_map<uint32_t, uint32_t> compact;
    peer_class_.assign(n, 0);
    for (VertexId v = 0; v < n; ++v) {
      auto [it, inserted] = compact.emplace(cls[v], class_count_);
      if (inserted) ++class_count_;
      peer_class_[v] = it->second;
    }
    host_class_ = peer_class_[host];
    auto classes_of = [&](const std::vector<VertexId>& vertices) {
      std::vector<uint32_t> out;
      out.reserve(vertices.size());
      for (VertexId v : vertices) out.push_back(peer_class_[v]);
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
      return out;
    };
    class_sets_yes_.reserve(peer_sets_.size());
    class_sets_maybe_.reserve(peer_sets_.size());
    for (const PeerSet& ps : peer_sets_) {
      class_sets_yes_.push_back(classes_of(ps.yes));
      class_sets_maybe_.push_back(classes_of(ps.maybe));
    }
  }

  // ---- rows: one side's decision over every peer class ---------------------------

  struct Row {
    std::vector<std::pair<uint32_t, uint32_t>> entries;  // (peer class, value) for the classes its terms touch, sorted
    uint32_t fallback = kEmpty;                          // every other class
    uint32_t at(uint32_t cls) const {
      auto it = std::lower_bound(entries.begin(), entries.end(), cls, [](const auto& e, uint32_t c) { return e.first < c; });
      return it != entries.end() && it->first == cls ? it->second : fallback;
    }
  };

  // What touched each peer class while one row is made, in order: a term of
  // the side (index * 2, + 1 for a maybe) or an entry of row_extras_ (with
  // kExtra set). Classes touched alike get the same value, so each distinct
  // list is decided once per row: a namespace selector touches thousands of
  // classes alike, and deciding is PortSet algebra.
  static constexpr uint32_t kExtra = 0x80000000u;
  struct Extra {
    const Term* term;
    Match match;
    std::string fact;
  };
  std::vector<boost::container::small_vector<uint32_t, 4>> row_touches_;
  std::vector<char> row_touched_;
  std::vector<uint32_t> row_touched_list_;
  std::vector<Extra> row_extras_;
  struct TouchesHash {
    size_t operator()(const boost::container::small_vector<uint32_t, 4>& v) const {
      size_t h = v.size();
      for (uint32_t x : v) h = h * 1000003u ^ x;
      return h;
    }
  };
  std::unordered_map<boost::container::small_vector<uint32_t, 4>, uint32_t, TouchesHash> row_memo_;

  void touch(uint32_t cls, uint32_t code) {
    if (!row_touched_[cls]) row_touched_[cls] = 1, row_touched_list_.push_back(cls);
    auto& list = row_touches_[cls];
    // The parts of a union add the same term again: once is enough
    // (Accumulator::add unites).
    if (list.empty() || list.back() != code) list.push_back(code);
  }

  // The side's row. For egress with toFQDNs, `subject` is the source vertex
  // (names and addresses are judged from its own DNS flows).
  Row side_row(const SidePolicy& side, Direction d, std::optional<VertexId> subject = std::nullopt,
               const std::vector<RuleHandle>* rules = nullptr) {
    Row row;
    if (side.mode == SideMode::AllowAll) {
      row.fallback = kAll;
      return row;
    }
    Accumulator everyone;  // terms over every peer
    for (uint32_t i = 0; i < side.terms.size(); ++i) {
      const Term& t = side.terms[i];
      const PeerSet& ps = peer_sets_[t.peers];
      if (ps.all) {
        everyone.add(t, Match::Yes, ps.fact);
        continue;
      }
      for (uint32_t c : class_sets_yes_[t.peers]) touch(c, i * 2);
      for (uint32_t part : ps.parts)
        for (uint32_t c : class_sets_yes_[part]) touch(c, i * 2);
      for (uint32_t c : class_sets_maybe_[t.peers]) touch(c, i * 2 + 1);
    }
    if (subject) {
      const Pod* pod = shape_pod_[shape_base_[*subject]];
      for (const Term& t : side.terms) {
        if (t.rule->peer_kind != PeerKind::Fqdns || t.rule->explicit_empty_peers) continue;
        // A name: toFQDNs judged as the per-flow evaluator judges it (the
        // name, and whether the subject's lookups let the proxy learn it).
        for (const auto& [name, v] : g_.fqdns_) {
          std::string fact;
          Match m = external_peer(*t.rule, v, fact, *subject, pod, rules);
          row_extras_.push_back({&t, m, std::move(fact)});
          touch(peer_class_[v], kExtra | uint32_t(row_extras_.size() - 1));
        }
        // An address against toFQDNs: unknown (does DNS answer the name
        // with it?) only when the subject's lookups are visible to the
        // proxy; the same for every address, so one atom decides.
        std::string fact;
        Match m = external_peer(*t.rule, externals_.front(), fact, *subject, pod, rules);
        row_extras_.push_back({&t, m, std::move(fact)});
        const uint32_t code = kExtra | uint32_t(row_extras_.size() - 1);
        for (VertexId v : externals_)
          if (g_.vertices_[v].kind == PeerVertex::Kind::Address) touch(peer_class_[v], code);
      }
    }
    const bool local_host = d == Direction::Ingress && m_.options.allow_localhost;
    if (local_host && !row_touched_[host_class_]) row_touched_[host_class_] = 1, row_touched_list_.push_back(host_class_);
    row.fallback = intern(decide(side.mode, everyone, false));
    auto value = [&](const boost::container::small_vector<uint32_t, 4>& touches, bool host) {
      Accumulator a = everyone;
      for (uint32_t code : touches) {
        if (code & kExtra) {
          const Extra& e = row_extras_[code & ~kExtra];
          a.add(*e.term, e.match, e.fact);
        } else {
          const Term& t = side.terms[code / 2];
          a.add(t, code % 2 ? Match::Maybe : Match::Yes, peer_sets_[t.peers].fact);
        }
      }
      return intern(decide(side.mode, a, host));
    };
    // In class order: sorted, or read off the flags when the row touches
    // so many classes that a pass over all of them is cheaper.
    const size_t touched = row_touched_list_.size();
    if (touched > 64 && touched * 16 > class_count_) {
      row_touched_list_.clear();
      for (uint32_t c = 0; c < class_count_; ++c)
        if (row_touched_[c]) row_touched_list_.push_back(c);
    } else {
      std::sort(row_touched_list_.begin(), row_touched_list_.end());
    }
    row.entries.reserve(row_touched_list_.size());
    for (uint32_t c : row_touched_list_) {
      auto& touches = row_touches_[c];
      uint32_t v;
      if (local_host && c == host_class_) {
        v = value(touches, true);
      } else {
        auto [it, inserted] = row_memo_.try_emplace(touches, 0);
        if (inserted) it->second = value(touches, false);
        v = it->second;
      }
      row.entries.emplace_back(c, v);
      touches.clear();
      row_touched_[c] = 0;
    }
    row_touched_list_.clear();
    row_extras_.clear();
    row_memo_.clear();
    return row;
  }

  // The ingress rows transposed: per peer class, the (ingress class, value)
  // pairs of the rows that list it, in ingress class order, in one flat
  // array (a vector per class would hold as much again in growth slack: at
  // the envelope's size these are tens of millions of pairs); and each
  // row's fallback. The rows themselves are freed.
  struct IngressByPeer {
    std::vector<uint32_t> begin;  // per peer class, and one past the last
    std::vector<std::pair<uint32_t, uint32_t>> entries;
    std::vector<uint32_t> fallback;  // per ingress class

    IngressByPeer(std::vector<Row> rows, uint32_t classes) : begin(classes + 1, 0) {
      for (const Row& row : rows)
        for (const auto& e : row.entries) ++begin[e.first + 1];
      for (uint32_t c = 0; c < classes; ++c) begin[c + 1] += begin[c];
      entries.resize(begin[classes]);
      std::vector<uint32_t> next(begin.begin(), begin.end() - 1);
      fallback.reserve(rows.size());
      for (uint32_t ic = 0; ic < rows.size(); ++ic) {
        for (const auto& [cls, value] : rows[ic].entries) entries[next[cls]++] = {ic, value};
        fallback.push_back(rows[ic].fallback);
        rows[ic] = Row{};
      }
    }
    std::span<const std::pair<uint32_t, uint32_t>> of(uint32_t peer) const {
      return {entries.data() + begin[peer], entries.data() + begin[peer + 1]};
    }
    uint32_t at(uint32_t ic, uint32_t peer) const {
      auto list = of(peer);
      auto it = std::lower_bound(list.begin(), list.end(), ic, [](const auto& e, uint32_t c) { return e.first < c; });
      return it != list.end() && it->first == ic ? it->second : fallback[ic];
    }
  };

  // ---- edges -------------------------------------------------------------------

  void make_edges() {
    const size_t n = g_.vertices_.size();
    g_.ports_.push_back(EdgePorts{});
    g_.ports_.push_back(EdgePorts{PortSet::all(), {}, ""});
    interned_.emplace(g_.ports_[kAll], kAll);

    // Sources: every vertex but the world identity and fqdn names (toFQDNs
    // is egress only; a name sends nothing).
    std::vector<VertexId> sources, destinations;
    for (VertexId v = 0; v < n; ++v) {
      if (!g_.is_vertex(v)) continue;
      destinations.push_back(v);
      if (g_.vertices_[v].kind != PeerVertex::Kind::Fqdn) sources.push_back(v);
    }

    // Ingress policies, one per destination class: the same selecting rules
    // (and, when their ingress rules name ports, the same port table).
    std::map<std::pair<std::vector<std::pair<uint32_t, uint32_t>>, const PortTable*>, uint32_t> ingress_classes;
    std::vector<SidePolicy> ingress_policies;
    std::vector<uint32_t> ingress_class_of(shape_base_[n], IdentityGraph::kNone);  // per (vertex, shape)
    for (VertexId v : destinations) {
      const bool identity = g_.vertices_[v].kind == PeerVertex::Kind::Identity;
      std::vector<RuleHandle> rules = identity ? selecting(v, Direction::Ingress) : std::vector<RuleHandle>{};
      bool named = false;
      std::vector<std::pair<uint32_t, uint32_t>> key;
      for (RuleHandle h : rules) {
        key.emplace_back(h.policy, h.rule);
        const Rule& r = m_.rule(h);
        for (const auto* list : {&r.ingress, &r.ingress_deny})
          for (const auto& pr : *list) named = named || has_named_port(pr);
      }
      const bool enforcing = identity && m_.identities[v].is_endpoint();
      for (uint32_t s = 0; s < g_.shape_count_[v]; ++s) {
        const PortTable* table = &shape_tables_[shape_base_[v] + s];
        // Classes must also keep apart identities whose enforcement differs
        // though no rule selects them (init is always enforcing).
        auto class_key = std::make_pair(key, named ? table : nullptr);
        if (!enforcing) class_key.first.emplace_back(UINT32_MAX, 0);
        if (m_.identities[g_.vertices_[v].identity].reserved == ReservedIdentity::Init) class_key.first.emplace_back(UINT32_MAX, 1);
        auto [it, inserted] = ingress_classes.emplace(class_key, uint32_t(ingress_policies.size()));
        if (inserted) ingress_policies.push_back(identity ? side_policy(v, Direction::Ingress, table) : SidePolicy{});
        ingress_class_of[shape_base_[v] + s] = it->second;
      }
    }

    // Egress policies, one per source class (the same selecting rules).
    std::map<std::vector<std::pair<uint32_t, uint32_t>>, uint32_t> egress_classes;
    std::vector<SidePolicy> egress_policies;
    std::vector<uint32_t> egress_class_of(n, IdentityGraph::kNone);
    for (VertexId src : sources) {
      const bool identity = g_.vertices_[src].kind == PeerVertex::Kind::Identity;
      std::vector<RuleHandle> rules = identity ? selecting(src, Direction::Egress) : std::vector<RuleHandle>{};
      std::vector<std::pair<uint32_t, uint32_t>> key;
      for (RuleHandle h : rules) key.emplace_back(h.policy, h.rule);
      if (!identity || !m_.identities[src].is_endpoint()) key.emplace_back(UINT32_MAX, 0);
      if (identity && m_.identities[src].reserved == ReservedIdentity::Init) key.emplace_back(UINT32_MAX, 1);
      auto [cls, inserted] = egress_classes.emplace(key, uint32_t(egress_policies.size()));
      if (inserted) egress_policies.push_back(identity ? side_policy(src, Direction::Egress, nullptr) : SidePolicy{});
      egress_class_of[src] = cls->second;
    }

    // Every peer set is known now (side_policy made them). From here on the
    // rows need only the sets' classes; lint's one-sided flows (built below)
    // still ask which vertices a set holds. At the envelope's size the sets'
    // vertices are a few hundred MB that the edges would otherwise sit on.
    make_peer_classes();
    if (!record_one_sided_)
      for (PeerSet& ps : peer_sets_) ps.yes = {}, ps.maybe = {};
    row_touches_.assign(class_count_, {});
    row_touched_.assign(class_count_, 0);

    std::vector<Row> ingress_rows;
    ingress_rows.reserve(ingress_policies.size());
    for (const SidePolicy& p : ingress_policies) ingress_rows.push_back(side_row(p, Direction::Ingress));

    // Target classes: the same peer class and the same ingress class.
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> target_classes;
    std::vector<uint32_t> target_ingress;                     // per target class: its ingress class
    std::vector<std::vector<uint32_t>> targets_by_peer(class_count_);
    std::vector<std::vector<uint32_t>> targets_by_ingress(ingress_policies.size());
    g_.target_class_.assign(shape_base_[n], IdentityGraph::kNone);
    for (VertexId v : destinations)
      for (uint32_t s = 0; s < g_.shape_count_[v]; ++s) {
        const uint32_t ic = ingress_class_of[shape_base_[v] + s];
        auto [it, inserted] = target_classes.emplace(std::make_pair(peer_class_[v], ic), uint32_t(target_ingress.size()));
        if (inserted) {
          target_ingress.push_back(ic);
          g_.class_targets_.emplace_back();
          g_.unrestricted_target_class_.push_back(ingress_policies[ic].mode == SideMode::AllowAll);
          targets_by_peer[peer_class_[v]].push_back(it->second);
          targets_by_ingress[ic].push_back(it->second);
        }
        g_.target_class_[shape_base_[v] + s] = it->second;
        g_.class_targets_[it->second].push_back(Target{v, s});
      }
    std::vector<uint32_t> target_peer(target_ingress.size());
    for (const auto& [key, tc] : target_classes) target_peer[tc] = key.first;

    // The ingress rows, read by peer class from here on; and the ingress
    // classes open to every peer they do not list.
    const IngressByPeer ingress_by_peer(std::move(ingress_rows), class_count_);
    std::vector<uint32_t> open_ingress;
    for (uint32_t ic = 0; ic < ingress_by_peer.fallback.size(); ++ic)
      if (ingress_by_peer.fallback[ic] != kEmpty) open_ingress.push_back(ic);

    // Source classes: the same egress row and the same peer class.
    std::vector<Row> egress_rows;
    std::vector<uint32_t> egress_row_of_class(egress_policies.size(), IdentityGraph::kNone);
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> source_classes;
    std::vector<std::pair<uint32_t, uint32_t>> source_class_key;  // (egress row, peer class)
    std::vector<uint32_t> source_egress_class;                    // per source class
    std::vector<std::vector<VertexId>> source_members;
    g_.source_class_.assign(n, IdentityGraph::kNone);
    for (VertexId src : sources) {
      const uint32_t ec = egress_class_of[src];
      const SidePolicy& egress = egress_policies[ec];
      uint32_t row;
      if (egress.per_subject_fqdn && egress.mode != SideMode::AllowAll) {
        std::vector<RuleHandle> rules = selecting(src, Direction::Egress);
        row = uint32_t(egress_rows.size());
        egress_rows.push_back(side_row(egress, Direction::Egress, src, &rules));
      } else {
        if (egress_row_of_class[ec] == IdentityGraph::kNone) {
          egress_row_of_class[ec] = uint32_t(egress_rows.size());
          egress_rows.push_back(side_row(egress, Direction::Egress));
        }
        row = egress_row_of_class[ec];
      }
      auto [it, inserted] = source_classes.emplace(std::make_pair(row, peer_class_[src]), uint32_t(source_class_key.size()));
      if (inserted) {
        source_class_key.emplace_back(row, peer_class_[src]);
        source_egress_class.push_back(ec);
        source_members.emplace_back();
      }
      g_.source_class_[src] = it->second;
      source_members[it->second].push_back(src);
    }

    // Every row is made: the classes of the peer sets are no longer needed.
    class_sets_yes_ = {}, class_sets_maybe_ = {};

    // Edges of each source class.
    g_.out_.resize(source_class_key.size());
    g_.unrestricted_source_class_.resize(source_class_key.size());
    std::vector<uint32_t> seen_ingress(ingress_by_peer.fallback.size(), IdentityGraph::kNone);
    // What each ingress class gives this source class's peer class: its
    // entry when it has one (stamped with the source class), else its fallback.
    std::vector<uint32_t> ingress_here(ingress_by_peer.fallback.size()), ingress_stamp(ingress_by_peer.fallback.size(), IdentityGraph::kNone);
    for (uint32_t sc = 0; sc < source_class_key.size(); ++sc) {
      const auto [row_id, peer] = source_class_key[sc];
      const Row& egress = egress_rows[row_id];
      const bool unrestricted = egress.fallback == kAll && egress.entries.empty();
      g_.unrestricted_source_class_[sc] = unrestricted;
      auto& out = g_.out_[sc];
      if (egress.fallback == kEmpty) {
        // Default deny: only the classes the egress terms touch.
        for (const auto& [ic, iv] : ingress_by_peer.of(peer)) ingress_here[ic] = iv, ingress_stamp[ic] = sc;
        auto ingress_at = [&](uint32_t ic) { return ingress_stamp[ic] == sc ? ingress_here[ic] : ingress_by_peer.fallback[ic]; };
        for (const auto& [cls, ev] : egress.entries) {
          if (ev == kEmpty) continue;
          for (uint32_t tc : targets_by_peer[cls])
            if (uint32_t id = combine_ids(ev, ingress_at(target_ingress[tc]))) out.push_back({tc, id});
        }
      } else {
        // Open egress: every ingress class that lets this peer in.
        auto visit = [&](uint32_t ic, uint32_t iv) {
          // The class's own entry decides, even when it is empty (a deny):
          // the fallback is for the peers it does not list.
          if (seen_ingress[ic] == sc) return;
          seen_ingress[ic] = sc;
          if (iv == kEmpty) return;
          for (uint32_t tc : targets_by_ingress[ic]) {
            if (unrestricted && g_.unrestricted_target_class_[tc]) continue;
            if (uint32_t id = combine_ids(egress.at(target_peer[tc]), iv)) out.push_back({tc, id});
          }
        };
        for (const auto& [ic, iv] : ingress_by_peer.of(peer)) visit(ic, iv);
        for (uint32_t ic : open_ingress) visit(ic, ingress_by_peer.fallback[ic]);
      }
      std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.to < b.to; });
      out.shrink_to_fit();  // kept for the graph's lifetime: no growth slack
    }

    if (record_one_sided_)
      record_all_one_sided(egress_policies, ingress_policies, egress_class_of, ingress_class_of, egress_rows,
                           ingress_by_peer, source_class_key, source_egress_class, source_members, targets_by_peer,
                           target_ingress, destinations);
    g_.shape_base_ = shape_base_;
  }

  // ---- one-sided flows -------------------------------------------------------------

  void record_all_one_sided(const std::vector<SidePolicy>& egress_policies, const std::vector<SidePolicy>& ingress_policies,
                            const std::vector<uint32_t>& egress_class_of, const std::vector<uint32_t>& ingress_class_of,
                            const std::vector<Row>& egress_rows, const IngressByPeer& ingress_by_peer,
                            const std::vector<std::pair<uint32_t, uint32_t>>& source_class_key,
                            const std::vector<uint32_t>& source_egress_class,
                            const std::vector<std::vector<VertexId>>& source_members,
                            const std::vector<std::vector<uint32_t>>& targets_by_peer,
                            const std::vector<uint32_t>& target_ingress, const std::vector<VertexId>& destinations) {
    // A sender's egress allow rule names a destination whose ingress
    // (enforcing) does not let those ports in: judged once per source class,
    // recorded for each pod of it.
    std::vector<OneSidedFlow> found;
    for (uint32_t sc = 0; sc < source_class_key.size(); ++sc) {
      const SidePolicy& egress = egress_policies[source_egress_class[sc]];
      if (egress.mode != SideMode::DefaultDeny) continue;
      if (std::none_of(source_members[sc].begin(), source_members[sc].end(), [&](VertexId v) { return is_pod_vertex(v); }))
        continue;
      const auto [row_id, peer] = source_class_key[sc];
      found.clear();
      for (const auto& [cls, ev] : egress_rows[row_id].entries) {
        if (ev == kEmpty) continue;
        for (uint32_t tc : targets_by_peer[cls]) {
          const uint32_t ic = target_ingress[tc];
          if (ingress_policies[ic].mode == SideMode::AllowAll) continue;
          const EdgePorts& in = g_.ports_[ingress_by_peer.at(ic, peer)];
          for (const Target& t : g_.class_targets_[tc])
            if (is_pod_vertex(t.vertex)) record_one_sided(egress, g_.ports_[ev], in, t.vertex, 0, t, Direction::Egress, found);
        }
      }
      for (VertexId src : source_members[sc])
        if (is_pod_vertex(src))
          for (OneSidedFlow f : found) f.from = src, g_.one_sided_.push_back(std::move(f));
    }

    // The reverse: a destination's ingress allow rule names a source whose
    // egress (enforcing) does not let those ports out.
    for (VertexId dst : destinations) {
      if (!is_pod_vertex(dst)) continue;
      for (uint32_t s = 0; s < g_.shape_count_[dst]; ++s) {
        const SidePolicy& ingress = ingress_policies[ingress_class_of[shape_base_[dst] + s]];
        if (ingress.mode != SideMode::DefaultDeny) continue;
        std::vector<VertexId> named;
        for (const Term& t : ingress.terms)
          if (!t.deny && !peer_sets_[t.peers].all) for_each_yes(peer_sets_[t.peers], [&](VertexId v) { named.push_back(v); });
        sort_unique(named);
        for (VertexId src : named) {
          if (!is_pod_vertex(src) || egress_class_of[src] == IdentityGraph::kNone) continue;
          const SidePolicy& egress = egress_policies[egress_class_of[src]];
          if (egress.mode == SideMode::AllowAll) continue;
          Accumulator b;
          for (const Term& t : ingress.terms) b.add(t, at(peer_sets_[t.peers], src), peer_sets_[t.peers].fact);
          EdgePorts in = decide(ingress.mode, b, false);
          record_one_sided(ingress, in, egress_towards(egress, dst), src, src, Target{dst, s}, Direction::Ingress, g_.one_sided_);
        }
      }
    }
    std::sort(g_.one_sided_.begin(), g_.one_sided_.end(), [](const OneSidedFlow& a, const OneSidedFlow& b) {
      return std::tie(a.from, a.to.vertex, a.to.shape, a.rule->ref.pos.line, a.allowed_by) <
             std::tie(b.from, b.to.vertex, b.to.shape, b.rule->ref.pos.line, b.allowed_by);
    });
  }
};

IdentityGraph IdentityGraph::build(const Model& model, bool record_one_sided) {
  return IdentityGraphBuilder(model, record_one_sided).build();
}

VertexId IdentityGraph::vertex_of(const IpAddress& ip) const {
  // Atoms partition the address space: ip belongs to the atom of the longest
  // prefix containing it, else to the atom inside no prefix.
  std::optional<VertexId> best, rest;
  int best_len = -1;
  for (VertexId v = 0; v < vertices_.size(); ++v) {
    const PeerVertex& pv = vertices_[v];
    if (pv.kind != PeerVertex::Kind::Address || pv.atom.v6 != ip.v6) continue;
    if (!pv.atom.prefix) rest = v;
    else if (pv.atom.prefix->contains(ip) && pv.atom.prefix->length > best_len) best = v, best_len = pv.atom.prefix->length;
  }
  return best ? *best : rest.value_or(world_);
}

std::optional<VertexId> IdentityGraph::fqdn_vertex(std::string_view name) const {
  auto it = std::lower_bound(fqdns_.begin(), fqdns_.end(), name, [](const auto& e, std::string_view n) { return e.first < n; });
  if (it != fqdns_.end() && it->first == name) return it->second;
  return std::nullopt;
}

Target IdentityGraph::target_of(const Model& model, size_t pod_index) const {
  return Target{model.pod_identity[pod_index], pod_shape_[pod_index]};
}

const std::vector<IdentityGraph::OutEdge>& IdentityGraph::out_edges(VertexId from) const {
  static const std::vector<OutEdge> kNoEdges;
  if (from >= source_class_.size() || source_class_[from] == kNone) return kNoEdges;
  return out_[source_class_[from]];
}

bool IdentityGraph::unrestricted_sender(VertexId from) const {
  return from < source_class_.size() && source_class_[from] != kNone && unrestricted_source_class_[source_class_[from]];
}

bool IdentityGraph::unrestricted_receiver(Target to) const {
  if (to.vertex >= shape_count_.size() || to.shape >= shape_count_[to.vertex]) return false;
  const uint32_t tc = target_class_[shape_base_[to.vertex] + to.shape];
  return tc != kNone && unrestricted_target_class_[tc];
}

IdentityGraph::TargetClass IdentityGraph::target_class(Target to) const {
  if (to.vertex >= shape_count_.size() || to.shape >= shape_count_[to.vertex]) return kNoTargetClass;
  return target_class_[shape_base_[to.vertex] + to.shape];
}

uint32_t IdentityGraph::edge_index(VertexId from, Target to) const {
  if (from >= source_class_.size() || source_class_[from] == kNone) return 0;
  const uint32_t tc = target_class(to);
  if (tc == kNoTargetClass) return 0;
  const uint32_t sc = source_class_[from];
  if (unrestricted_source_class_[sc] && unrestricted_target_class_[tc]) return 1;
  const auto& edges = out_[sc];
  auto it = std::lower_bound(edges.begin(), edges.end(), tc, [](const OutEdge& e, uint32_t c) { return e.to < c; });
  return it != edges.end() && it->to == tc ? it->ports : 0;
}

const EdgePorts& IdentityGraph::edge(VertexId from, Target to) const { return ports_[edge_index(from, to)]; }

size_t IdentityGraph::edge_count() const {
  size_t unrestricted_targets = 0;
  for (size_t tc = 0; tc < class_targets_.size(); ++tc)
    if (unrestricted_target_class_[tc]) unrestricted_targets += class_targets_[tc].size();
  size_t n = 0;
  for (VertexId v = 0; v < source_class_.size(); ++v) {
    if (source_class_[v] == kNone) continue;
    for (const auto& e : out_[source_class_[v]]) n += class_targets_[e.to].size();
    if (unrestricted_source_class_[source_class_[v]]) n += unrestricted_targets;
  }
  return n;
}

}  // namespace netreach
