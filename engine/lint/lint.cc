// lint(): the risky spots of a set of policies, each a Finding of one rule of
// lint/rules.cc. The decisions are the engine's own: namespace scoping from
// the policy model (RequirementOrigin) and query/peer_match.h, one-sided flows
// from the identity graph's per-side decisions, DNS visibility from
// query/dns_visibility.h.
#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <fmt/format.h>

#include "graph/identity_graph.h"
#include "lint/finding.h"
#include "model/suggest.h"
#include "query/dns_visibility.h"
#include "query/peer_match.h"
#include "query/side_evaluator.h"
#include "resolve/model.h"

namespace netreach {
namespace {

using RuleKey = std::pair<uint32_t, uint32_t>;  // (policy, rule)

const LintRule& rule_of(std::string_view id) { return *find_lint_rule(id); }

// The peer-rule lists of a rule, with whether they deny.
struct PeerList {
  const std::vector<PeerRule>* rules;
  bool deny;
  Direction direction;
};
std::array<PeerList, 4> peer_lists(const Rule& r) {
  return {PeerList{&r.ingress, false, Direction::Ingress}, PeerList{&r.ingress_deny, true, Direction::Ingress},
          PeerList{&r.egress, false, Direction::Egress}, PeerList{&r.egress_deny, true, Direction::Egress}};
}

// The name lint uses for a pod: Pod::endpoint_name.
std::string pod_name(const Cluster& cluster, const Pod& pod) { return pod.endpoint_name(cluster); }

// A rule element across two models (the input and its intended reading).
std::string element_key(const RuleRef& ref) { return ref.policy_display() + " " + ref.path; }

class Linter {
 public:
  explicit Linter(const Model& m) : m_(m) {
    for (IdentityId id = 0; id < m_.rules_selecting.size(); ++id)
      for (RuleHandle h : m_.rules_selecting[id]) subjects_[{h.policy, h.rule}].push_back(id);
    names_.resize(m_.identities.size());
    for (size_t i = 0; i < m_.cluster.pods.size(); ++i) {
      const Pod& pod = m_.cluster.pods[i];
      if (pod.host_network) continue;
      IdentityId id = m_.pod_identity[i];
      names_[id].insert(pod_name(m_.cluster, pod));
      if (!pod_of_.count(id)) pod_of_[id] = &pod;
    }
  }

  std::vector<Finding> run() {
    namespace_lookalikes();
    one_sided(m_);
    intended_one_sided();
    service_accounts();
    selectors_matching_nothing();
    shadowed_allows();
    allows_nothing();
    world_ingress();
    default_deny_without_rules();
    l7_bypassed();
    deprecated_requires();
    yaml11_words();
    std::stable_sort(out_.begin(), out_.end(), [](const Finding& a, const Finding& b) {
      std::string fa = a.pos.file ? a.pos.file->display_name : "", fb = b.pos.file ? b.pos.file->display_name : "";
      return std::tie(fa, a.pos.line, a.pos.column, a.rule->id) < std::tie(fb, b.pos.line, b.pos.column, b.rule->id);
    });
    return std::move(out_);
  }

 private:
  const Model& m_;
  std::map<RuleKey, std::vector<IdentityId>> subjects_;  // identities each rule selects
  std::vector<std::set<std::string>> names_;             // pod names per identity
  std::map<IdentityId, const Pod*> pod_of_;              // a pod of each pod identity
  std::set<const Selector*> reported_;                   // selectors with a more precise finding
  std::vector<Finding> out_;

  void add(std::string_view rule, SourcePos pos, const RuleRef& ref, std::string field, std::string message, std::string fix) {
    out_.push_back(Finding{&rule_of(rule), pos, ref.policy_display(), std::move(field), std::move(message), std::move(fix)});
  }

  template <typename Fn>
  void for_each_peer_rule(Fn&& fn) const {
    for (uint32_t p = 0; p < m_.cluster.policies.size(); ++p) {
      const Policy& policy = m_.cluster.policies[p];
      for (uint32_t r = 0; r < policy.rules.size(); ++r)
        for (const PeerList& list : peer_lists(policy.rules[r]))
          for (const PeerRule& pr : *list.rules) fn(RuleKey{p, r}, policy.rules[r], pr);
    }
  }

  bool is_pod_identity(IdentityId id) const { return m_.identities[id].kind == IdentityKind::Pod; }

  std::vector<IdentityId> pod_subjects(RuleKey key) const {
    std::vector<IdentityId> out;
    if (auto it = subjects_.find(key); it != subjects_.end())
      for (IdentityId id : it->second)
        if (is_pod_identity(id)) out.push_back(id);
    return out;
  }

  std::set<std::string> names_of(const std::vector<IdentityId>& ids) const {
    std::set<std::string> out;
    for (IdentityId id : ids) out.insert(names_[id].begin(), names_[id].end());
    return out;
  }

  // ---- NR001 ------------------------------------------------------------------

  // The intended reading of a lookalike: the namespace its value names.
  static std::optional<std::string> intended_namespace(const Requirement& req) {
    if (req.op == SelectorOp::In && req.values.size() == 1) return req.values[0];
    return std::nullopt;
  }

  void namespace_lookalikes() {
    for_each_peer_rule([&](RuleKey, const Rule&, const PeerRule& pr) {
      for (const auto& ep : pr.endpoints) {
        const Requirement* req = namespace_lookalike(ep.selector);
        if (!req) continue;
        reported_.insert(&ep.selector);
        auto ns = intended_namespace(*req);
        const bool knp = ep.ref.kind == PolicyKind::NetworkPolicy;
        std::string message = fmt::format(
            "`{}` looks like it selects pods of {}, but `{}` is an ordinary pod label, not the namespace: {} scopes this "
            "selector to the policy's namespace {}",
            req->to_string(), ns ? "namespace " + *ns : "another namespace", req->key.to_string(),
            knp ? "a podSelector without namespaceSelector" : "Cilium", ep.ref.policy_namespace);
        std::string value = ns ? *ns : "NAME";
        std::string fix = knp ? fmt::format("replace `{}` with `namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: {}}}}}` "
                                            "in the same peer",
                                            req->to_string(), value)
                              : fmt::format("replace `{}: {}` with `k8s:io.kubernetes.pod.namespace: {}`", req->key.to_string(), value, value);
        add("NR001", ep.ref.pos, ep.ref, ep.ref.path, std::move(message), std::move(fix));
      }
    });
  }

  // ---- NR002 ------------------------------------------------------------------

  // One-sided flows of `model`: the input as written, or (with `intents`) its
  // intended reading, where only flows through the rewritten elements count,
  // each said with its rewrite (element key -> words).
  void one_sided(const Model& model, const std::map<std::string, std::string>* intents = nullptr) {
    IdentityGraph g = IdentityGraph::build(model, true);
    struct Key {
      const PeerRule* rule;
      Direction side;
      std::string from, to;
      bool operator<(const Key& o) const { return std::tie(rule, side, from, to) < std::tie(o.rule, o.side, o.from, o.to); }
    };
    std::map<Key, PortSet> flows;
    std::vector<std::set<std::string>> names(model.identities.size());
    for (size_t i = 0; i < model.cluster.pods.size(); ++i)
      if (!model.cluster.pods[i].host_network) names[model.pod_identity[i]].insert(pod_name(model.cluster, model.cluster.pods[i]));
    for (const OneSidedFlow& f : g.one_sided()) {
      if (intents && !intents->count(element_key(f.rule->ref))) continue;
      for (const auto& from : names[f.from])
        for (const auto& to : names[f.to.vertex])
          if (from != to) flows[Key{f.rule, f.allowed_by, from, to}] |= f.ports;
    }
    for (const auto& [key, ports] : flows) {
      const RuleRef& ref = key.rule->ref;
      const bool egress = key.side == Direction::Egress;
      const std::string& other = egress ? key.to : key.from;
      std::string intent = intents ? fmt::format("read as intended ({}), ", intents->at(element_key(ref))) : "";
      std::string message = fmt::format(
          "{}{} allows {} -> {} on {}, but the {} of {} does not allow it: the flow is dropped {}", intent,
          egress ? "this egress rule" : "this ingress rule", key.from, key.to, ports.to_string(), egress ? "ingress" : "egress",
          other, egress ? "on arrival" : "when it leaves");
      std::string fix = fmt::format(
          "allow it on the other side too: {} rule of a policy selecting {} naming {} (`k8s:io.kubernetes.pod.namespace: {}`) on "
          "{}; or remove this rule if the flow is not wanted",
          egress ? "an ingress (fromEndpoints)" : "an egress (toEndpoints)", other, egress ? key.from : key.to,
          (egress ? key.from : key.to).substr(0, (egress ? key.from : key.to).find('/')), ports.to_string());
      add("NR002", ref.pos, ref, ref.path, std::move(message), std::move(fix));
    }
  }

  // The seed's case: a lookalike selector selects nobody, so no flow is
  // one-sided as written; read as intended (the namespace key instead of the
  // lookalike), the flows it would allow are judged against the other side,
  // so that fixing the selector alone is not taken for the whole fix.
  void intended_one_sided() {
    Cluster rewritten = m_.cluster;
    std::map<std::string, std::vector<std::string>> changes;  // element key -> rewrites
    for (auto& policy : rewritten.policies) {
      if (policy.kind != PolicyKind::CiliumNetworkPolicy) continue;
      for (auto& rule : policy.rules)
        for (auto* list : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny})
          for (auto& pr : *list)
            for (auto& ep : pr.endpoints) {
              const Requirement* req = namespace_lookalike(ep.selector);
              if (!req) continue;
              auto ns = intended_namespace(*req);
              if (!ns) continue;
              std::string was = fmt::format("{}: {}", req->key.to_string(), *ns);
              auto& reqs = ep.selector.requirements;
              reqs.erase(reqs.begin() + (req - reqs.data()));
              for (auto& r : reqs)
                if (r.origin == RequirementOrigin::PolicyNamespace) r.values = {*ns};
              changes[element_key(pr.ref)].push_back(fmt::format("`k8s:io.kubernetes.pod.namespace: {}` instead of `{}`", *ns, was));
            }
    }
    if (changes.empty()) return;
    std::map<std::string, std::string> intents;
    for (const auto& [key, list] : changes) intents[key] = fmt::format("{}", fmt::join(list, "; "));
    auto intended = resolve_model(std::move(rewritten), m_.options);
    one_sided(*intended, &intents);
  }

  // ---- NR003 / NR004 -------------------------------------------------------------

  // Every selector of the input (subjects, peers) with its rule.
  template <typename Fn>
  void for_each_selector(Fn&& fn) const {
    for (uint32_t p = 0; p < m_.cluster.policies.size(); ++p) {
      const Policy& policy = m_.cluster.policies[p];
      for (uint32_t r = 0; r < policy.rules.size(); ++r) {
        const Rule& rule = policy.rules[r];
        if (!rule.node_selector) fn(RuleKey{p, r}, rule.subject, rule.ref, true);
        for (const PeerList& list : peer_lists(rule))
          for (const PeerRule& pr : *list.rules)
            for (const auto& ep : pr.endpoints) fn(RuleKey{p, r}, ep.selector, ep.ref, false);
      }
    }
  }

  void service_accounts() {
    std::map<std::string, std::set<std::string>> used;  // namespace -> service accounts
    for (const auto& pod : m_.cluster.pods) used[pod.namespace_].insert(pod.service_account);
    for_each_selector([&](RuleKey, const Selector& sel, const RuleRef& ref, bool subject) {
      std::optional<std::vector<std::string>> namespaces;  // nullopt: any
      for (const auto& req : sel.requirements)
        if (req.key.key == kPodNamespaceLabel && req.key.source != kSourceReserved && req.op == SelectorOp::In)
          namespaces = req.values;
      for (const auto& req : sel.requirements) {
        if (req.key.key != kServiceAccountLabel || req.op != SelectorOp::In) continue;
        std::set<std::string> in_scope;
        for (const auto& [ns, accounts] : used)
          if (!namespaces || std::count(namespaces->begin(), namespaces->end(), ns)) in_scope.insert(accounts.begin(), accounts.end());
        for (const auto& account : req.values) {
          if (in_scope.count(account)) continue;
          reported_.insert(&sel);
          std::vector<std::string_view> candidates(in_scope.begin(), in_scope.end());
          std::string scope = namespaces ? fmt::format("namespace {}", fmt::join(*namespaces, ", ")) : "the input";
          add("NR004", ref.pos, ref, ref.path,
              fmt::format("the {} selector names service account `{}`, which no pod of {} uses", subject ? "subject" : "peer", account, scope),
              fmt::format("{}name the service account the pods run as (spec.serviceAccountName; `default` when unset)",
                          [&] {
                            std::string guess = did_you_mean(nearest_names(account, candidates));
                            return guess.empty() ? guess : guess + " ";
                          }()));
        }
      }
    });
  }

  // Objects that create pods the input does not show.
  std::string pod_creators_hint() const {
    static const std::set<std::string> creators = {"HelmRelease", "HelmChart", "Application", "ApplicationSet"};
    std::vector<std::string> found;
    for (const auto& [kind, count] : m_.cluster.objects_by_kind)
      if (creators.count(kind)) found.push_back(fmt::format("{} {}", count, kind));
    for (const auto& ignored : m_.cluster.ignored) {
      // api_version_kind is "group/version Kind": a custom resource of an operator may create pods.
      auto space = ignored.api_version_kind.find(' ');
      std::string group = ignored.api_version_kind.substr(0, ignored.api_version_kind.find('/'));
      std::string kind = space == std::string::npos ? "" : ignored.api_version_kind.substr(space + 1);
      if (creators.count(kind) || group.find('.') == std::string::npos || group.ends_with(".k8s.io")) continue;
      found.push_back(fmt::format("{} {}", ignored.count, ignored.api_version_kind));
    }
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    if (found.empty()) return "";
    return fmt::format(" (the input has {}: pods they create are not in it; add their rendered manifests)", fmt::join(found, ", "));
  }

  void selectors_matching_nothing() {
    std::string hint = pod_creators_hint();
    std::map<std::string, bool> matches;  // canonical selector text -> matches an identity
    auto matches_any = [&](const Selector& sel) {
      auto [it, inserted] = matches.emplace(sel.to_string(), false);
      if (inserted)
        it->second = std::any_of(m_.identities.all().begin(), m_.identities.all().end(),
                                 [&](const Identity& id) { return sel.matches(id.labels); });
      return it->second;
    };
    for_each_selector([&](RuleKey key, const Selector& sel, const RuleRef& ref, bool subject) {
      if (reported_.count(&sel)) return;
      if (subject) {
        if (subjects_.count(key)) return;
        add("NR003", ref.pos, ref, ref.path + (ref.kind == PolicyKind::NetworkPolicy ? ".podSelector" : ".endpointSelector"),
            fmt::format("the subject selector `{}` selects no pod of the input, so this rule applies to nothing{}", sel.to_string(), hint),
            "make the selector match the pods' labels (kubectl get pods --show-labels)");
        return;
      }
      bool written = std::any_of(sel.requirements.begin(), sel.requirements.end(),
                                 [](const Requirement& r) { return r.origin == RequirementOrigin::Written; });
      if (!written || matches_any(sel)) return;
      add("NR003", ref.pos, ref, ref.path,
          fmt::format("the peer selector `{}` matches no pod of the input, so this element allows or denies nothing{}", sel.to_string(), hint),
          "make the selector match the peer pods' labels (and name their namespace with `k8s:io.kubernetes.pod.namespace`)");
    });
  }

  // ---- NR005 / NR009: rule elements compared over identities ---------------------

  static bool covers(const PeerIdentities& outer, const PeerIdentities& inner) {
    if (outer.all) return true;
    if (inner.all) return false;
    return std::includes(outer.ids.begin(), outer.ids.end(), inner.ids.begin(), inner.ids.end());
  }

  static bool subset(const std::vector<IdentityId>& inner, const std::vector<IdentityId>& outer) {
    return std::includes(outer.begin(), outer.end(), inner.begin(), inner.end());
  }

  struct Element {
    RuleKey key;
    const PeerRule* rule;
    PeerIdentities peers;
    PortSet ports;
    std::vector<IdentityId> subjects;  // sorted
  };

  // Allow and deny elements of every direction whose peers and ports are known.
  std::vector<Element> elements(Direction d, bool deny) const {
    std::vector<Element> out;
    for_each_peer_rule([&](RuleKey key, const Rule&, const PeerRule& pr) {
      if (pr.direction != d || pr.deny != deny) return;
      auto peers = peer_identities(m_, pr);
      auto ports = numeric_ports(pr);
      if (!peers || !ports || ports->empty() || (!peers->all && peers->ids.empty())) return;
      auto it = subjects_.find(key);
      if (it == subjects_.end()) return;
      std::vector<IdentityId> subjects = it->second;
      std::sort(subjects.begin(), subjects.end());
      out.push_back(Element{key, &pr, std::move(*peers), std::move(*ports), std::move(subjects)});
    });
    return out;
  }

  void shadowed_allows() {
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      auto denies = elements(d, true);
      if (denies.empty()) continue;
      for (const Element& allow : elements(d, false))
        for (const Element& deny : denies) {
          if (!subset(allow.subjects, deny.subjects) || !covers(deny.peers, allow.peers) || !(allow.ports - deny.ports).empty()) continue;
          const RuleRef& ref = allow.rule->ref;
          add("NR005", ref.pos, ref, ref.path,
              fmt::format("everything this {} rule allows ({}) is denied by {} {} ({}): deny rules win, so it never lets anything through",
                          to_string(d), allow.ports.to_string(), deny.rule->ref.policy_display(), deny.rule->ref.path,
                          deny.rule->ref.pos.to_string()),
              "remove this allow, or narrow the deny rule if this traffic is wanted");
          break;
        }
    }
  }

  void l7_bypassed() {
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      auto allows = elements(d, false);
      for (const Element& l7 : allows) {
        if (std::find(l7.rule->unevaluated.begin(), l7.rule->unevaluated.end(), Unevaluated::L7Rules) == l7.rule->unevaluated.end()) continue;
        for (const Element& plain : allows) {
          if (&plain == &l7) continue;
          const auto& u = plain.rule->unevaluated;
          if (std::find(u.begin(), u.end(), Unevaluated::L7Rules) != u.end()) continue;
          PortSet both = l7.ports & plain.ports;
          if (both.empty() || !subset(l7.subjects, plain.subjects) || !covers(plain.peers, l7.peers)) continue;
          const RuleRef& ref = l7.rule->ref;
          add("NR009", ref.pos, ref, ref.path,
              fmt::format("the L7 rules of this {} rule filter nothing on {}: {} {} ({}) allows the same peers there without L7 rules, "
                          "and Cilium merges that as \"allow every request\"",
                          to_string(d), both.to_string(), plain.rule->ref.policy_display(), plain.rule->ref.path,
                          plain.rule->ref.pos.to_string()),
              "remove the plain allow for these ports, or give it the same L7 rules");
          break;
        }
      }
    }
  }

  // ---- NR006 ------------------------------------------------------------------

  void allows_nothing() {
    for_each_peer_rule([&](RuleKey key, const Rule&, const PeerRule& pr) {
      if (pr.deny) return;
      // toServices naming no Service of the input.
      if (pr.peer_kind == PeerKind::Services) {
        for (const auto& sp : pr.services) {
          auto it = m_.services.find(&sp);
          if (it != m_.services.end() && !it->second.services.empty()) continue;
          std::string what = sp.by_selector ? fmt::format("k8sServiceSelector `{}`", sp.service_label_selector.to_string())
                                            : fmt::format("k8sService {}{}", sp.service_namespace.empty() ? "" : sp.service_namespace + "/",
                                                          sp.service_name);
          add("NR006", sp.ref.pos, sp.ref, sp.ref.path,
              pr.has_to_ports || pr.has_icmps
                  ? fmt::format("toServices {} names no Service of the input; Cilium then leaves the rule without peers, "
                                "and with {} it allows those {} to every peer (cilium#20067)", what,
                                pr.has_to_ports ? "toPorts" : "icmps", pr.has_to_ports ? "ports" : "ICMP types")
                              : fmt::format("toServices {} names no Service of the input, so this rule allows nothing", what),
              "name an existing Service (namespace and name), or add its manifest to the input");
        }
      }
      // Named ports that resolve to nothing.
      for (const auto& pp : pr.ports) {
        if (!pp.is_named()) continue;
        bool resolves = false;
        if (pr.direction == Direction::Egress) {
          auto it = m_.named_ports.find(pp.name);
          if (it != m_.named_ports.end())
            for (const auto& [proto, numbers] : it->second)
              if (pp.covers_protocol(proto) && numbers.size() == 1) resolves = true;
        } else {
          for (IdentityId id : pod_subjects(key))
            for (size_t i = 0; i < m_.cluster.pods.size() && !resolves; ++i)
              if (!m_.cluster.pods[i].host_network && m_.pod_identity[i] == id)
                for (const auto& cp : m_.cluster.pods[i].ports)
                  if (cp.name == pp.name && pp.covers_protocol(cp.protocol)) resolves = true;
          if (pod_subjects(key).empty()) resolves = true;  // NR003 says it
        }
        if (resolves) continue;
        add("NR006", pp.ref.pos, pp.ref, pp.ref.path,
            pr.direction == Direction::Egress
                ? fmt::format("named port `{}` is defined by no pod of the input with one number, so Cilium drops this entry", pp.name)
                : fmt::format("named port `{}` is not defined by the containers of the pods this rule selects, so it allows nothing", pp.name),
            "use the port number, or the name the containers give the port");
      }
      // toFQDNs whose lookups the DNS proxy never sees.
      if (pr.peer_kind == PeerKind::Fqdns && !pr.explicit_empty_peers && pr.direction == Direction::Egress) {
        std::vector<IdentityId> subjects = pod_subjects(key);
        if (subjects.empty()) return;
        for (const auto& f : pr.fqdns) {
          std::optional<std::string> name;
          if (!f.match_name.empty()) name = f.match_name;
          bool seen = false;
          std::string why;
          for (IdentityId id : subjects) {
            auto pod = pod_of_.find(id);
            if (pod == pod_of_.end()) continue;
            SideSubject s = pod_subject(m_, *pod->second, pod_name(m_.cluster, *pod->second));
            std::vector<RuleHandle> selecting;
            for (RuleHandle h : m_.rules_selecting[id])
              if (m_.rule(h).has_rules(Direction::Egress)) selecting.push_back(h);
            DnsVisibility v = dns_visibility(m_, s, selecting, name);
            if (v.seen != Match::No) {
              seen = true;
              break;
            }
            if (why.empty()) why = v.describe(s.display);
          }
          if (seen) continue;
          add("NR006", f.ref.pos, f.ref, f.ref.path,
              fmt::format("toFQDNs {} allows nothing: {}", f.match_name.empty() ? f.match_pattern : f.match_name, why),
              "add an egress rule to the DNS server on 53/UDP and 53/TCP with `rules: {dns: [{matchPattern: \"*\"}]}` to a policy "
              "selecting these pods");
        }
      }
    });
  }

  // ---- NR007 ------------------------------------------------------------------

  void world_ingress() {
    for_each_peer_rule([&](RuleKey, const Rule&, const PeerRule& pr) {
      if (pr.deny || pr.direction != Direction::Ingress) return;
      auto ports = numeric_ports(pr);
      // Every port (ICMP aside: the finding is about ports).
      if (!ports || !(PortSet::all_ports() - *ports).empty()) return;
      std::string who;
      for (const auto& e : pr.entities)
        if (e.entity == Entity::World || e.entity == Entity::All || e.entity == Entity::WorldIPv4 || e.entity == Entity::WorldIPv6)
          who = fmt::format("entity {}", to_string(e.entity));
      for (const auto& c : pr.cidrs)
        if (c.rule.prefix.is_all() && c.rule.except.empty()) who = c.rule.to_string();
      if (pr.peer_kind == PeerKind::Wildcard && pr.has_to_ports) who = "every peer (no from field)";
      if (who.empty()) return;
      add("NR007", pr.ref.pos, pr.ref, pr.ref.path,
          fmt::format("this ingress rule lets {} in on every port{}", who, pr.has_to_ports ? " (its toPorts cover every port)" : " (no toPorts)"),
          "add toPorts with the ports the pods serve, or restrict the peers to the address blocks that need them");
    });
  }

  // ---- NR008 ------------------------------------------------------------------

  void default_deny_without_rules() {
    for (const auto& policy : m_.cluster.policies)
      for (const auto& rule : policy.rules)
        for (Direction d : {Direction::Ingress, Direction::Egress}) {
          bool set = d == Direction::Ingress ? rule.default_deny_written.ingress : rule.default_deny_written.egress;
          if (!set || rule.has_rules(d)) continue;
          std::string dir(to_string(d));
          add("NR008", rule.default_deny_written.pos, rule.ref, rule.ref.path + ".enableDefaultDeny." + dir,
              fmt::format("enableDefaultDeny.{} is true, but this rule has no {} rules, so it puts nothing in default deny "
                          "(Cilium 1.16-1.18 read it only for rules with {} or {}Deny)",
                          dir, dir, dir, dir),
              fmt::format("add `{}: [{{}}]` to deny all {} by default, or remove enableDefaultDeny.{}", dir, dir, dir));
        }
  }

  // ---- NR010 / NR011 ------------------------------------------------------------

  void deprecated_requires() {
    for_each_peer_rule([&](RuleKey, const Rule&, const PeerRule& pr) {
      for (const auto& req : pr.requires_) {
        const char* field = pr.direction == Direction::Ingress ? "fromRequires" : "toRequires";
        add("NR010", req.ref.pos, req.ref, req.ref.path,
            fmt::format("{} `{}` is deprecated and removed in Cilium 1.19; until then it is ANDed into every endpoint selector of "
                        "every policy selecting these pods",
                        field, req.selector.to_string()),
            "write the condition into the peer selectors that need it, or express the exclusion as a deny rule");
      }
    });
  }

  void yaml11_words() {
    for (const auto& w : m_.cluster.yaml11_words)
      out_.push_back(Finding{&rule_of("NR011"), w.pos, "", w.path,
                             fmt::format("unquoted `{}` is read here as the string \"{}\"; a raw kubectl apply (YAML 1.1) reads a boolean "
                                         "and the API server rejects the object",
                                         w.text, w.text),
                             fmt::format("quote it: \"{}\"", w.text)});
  }
};

}  // namespace

std::vector<Finding> lint(const Model& model) { return Linter(model).run(); }

}  // namespace netreach
