// explain_endpoint(): one endpoint's policy as Cilium realises it, per
// direction: whether it is enforced (the per-flow evaluator's decision,
// query/side_evaluator.h), the rules selecting it, and a row per peer each of
// their elements names, with the ports and what deny rules take away.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "graph/identity_graph.h"
#include "model/endpoint_policy.h"
#include "query/endpoint_ref.h"
#include "query/peer_match.h"
#include "query/side_evaluator.h"
#include "resolve/model.h"

namespace netreach {
namespace {

std::string pod_name(const Cluster& cluster, const Pod& pod) { return pod.endpoint_name(cluster); }

// The ports of an element in words: "TCP 5555" (named ports resolved as this
// side resolves them: ingress on the subject's containers, egress through the
// cluster-wide table), "any port", ICMP types.
std::string ports_text(const Model& model, const PeerRule& pr, const Pod& subject) {
  if (!pr.has_to_ports && !pr.has_icmps) return "any port";
  std::vector<std::string> parts;
  if (pr.has_to_ports) {
    PortSet numeric;
    for (const auto& pp : pr.ports) {
      if (!pp.is_named()) {
        PeerRule one;
        one.has_to_ports = true;
        one.ports = {pp};
        numeric |= *numeric_ports(one);
        continue;
      }
      std::vector<uint16_t> numbers;
      if (pr.direction == Direction::Ingress) {
        for (const auto& cp : subject.ports)
          if (cp.name == pp.name && pp.covers_protocol(cp.protocol)) numbers.push_back(cp.port);
      } else if (auto it = model.named_ports.find(pp.name); it != model.named_ports.end()) {
        for (const auto& [proto, set] : it->second)
          if (pp.covers_protocol(proto) && set.size() == 1) numbers.push_back(*set.begin());
      }
      parts.push_back(numbers.empty() ? fmt::format("{} (resolves to nothing)", pp.to_string())
                                      : fmt::format("{} (= {})", pp.to_string(), fmt::join(numbers, ", ")));
    }
    if (!numeric.empty()) parts.insert(parts.begin(), numeric == PortSet::all_ports() ? "any port" : numeric.to_string());
  }
  // Type 0 is Cilium's port 0: every type of the family (docs/semantics.md#icmp, issue cilium#41304).
  for (const auto& icmp : pr.icmps)
    parts.push_back(fmt::format("ICMP{} type {}{}", icmp.ipv6 ? "v6" : "", icmp.type,
                                icmp.type == 0 ? " (to Cilium every type: issue cilium#41304)" : ""));
  return parts.empty() ? "no port" : fmt::format("{}", fmt::join(parts, "; "));
}

std::string field_prefix(Direction d) { return d == Direction::Ingress ? "from" : "to"; }

// What an element says, without its ports: "toEndpoints {app=auth, ...}".
std::string element_text(const PeerRule& pr) {
  std::string f = field_prefix(pr.direction);
  std::vector<std::string> items;
  switch (pr.peer_kind) {
    case PeerKind::Wildcard: return fmt::format("no {} field", f);
    case PeerKind::Endpoints:
      for (const auto& ep : pr.endpoints) items.push_back(ep.selector.to_string());
      return fmt::format("{}Endpoints {}", f, fmt::join(items, " or "));
    case PeerKind::Entities:
      for (const auto& e : pr.entities) items.emplace_back(to_string(e.entity));
      return fmt::format("{}Entities {}", f, fmt::join(items, ", "));
    case PeerKind::Cidr:
      for (const auto& c : pr.cidrs) items.push_back(c.rule.to_string());
      for (const auto& g : pr.cidr_groups) items.push_back(g.to_string());
      return fmt::format("{}CIDRSet {}", f, fmt::join(items, ", "));
    case PeerKind::Nodes:
      for (const auto& n : pr.nodes) items.push_back(n.selector.to_string());
      return fmt::format("{}Nodes {}", f, fmt::join(items, " or "));
    case PeerKind::Services:
      for (const auto& s : pr.services)
        items.push_back(s.by_selector ? fmt::format("selector {}", s.service_label_selector.to_string())
                                      : (s.service_namespace.empty() ? "" : s.service_namespace + "/") + s.service_name);
      return fmt::format("toServices {}", fmt::join(items, ", "));
    case PeerKind::Fqdns:
      for (const auto& q : pr.fqdns) items.push_back(q.match_name.empty() ? q.match_pattern : q.match_name);
      return fmt::format("toFQDNs {}", fmt::join(items, ", "));
    case PeerKind::Groups: return fmt::format("{}Groups", f);
  }
  return "";
}

class Explainer {
 public:
  explicit Explainer(const Model& m) : m_(m) {
    names_.resize(m_.identities.size());
    for (size_t i = 0; i < m_.cluster.pods.size(); ++i)
      if (!m_.cluster.pods[i].host_network) names_[m_.pod_identity[i]].insert(pod_name(m_.cluster, m_.cluster.pods[i]));
  }

  EndpointPolicy explain(const Pod& pod, size_t pod_index) {
    EndpointPolicy out;
    out.endpoint = pod_name(m_.cluster, pod);
    IdentityId id = m_.pod_identity[pod_index];
    out.identity = m_.identities[id].labels.to_string();
    for (size_t i = 0; i < m_.cluster.pods.size(); ++i)
      if (!m_.cluster.pods[i].host_network && m_.pod_identity[i] == id && pod_name(m_.cluster, m_.cluster.pods[i]) == out.endpoint)
        out.pods.push_back(m_.cluster.pods[i].from_template ? fmt::format("{} (pod template)", m_.cluster.pods[i].name)
                                                            : m_.cluster.pods[i].name);
    SideSubject subject = pod_subject(m_, pod, out.endpoint);
    out.ingress = direction(Direction::Ingress, subject, pod);
    out.egress = direction(Direction::Egress, subject, pod);
    return out;
  }

 private:
  const Model& m_;
  std::vector<std::set<std::string>> names_;

  // The peers an element selects, one name each: pods' workloads, reserved
  // identities; for CIDR, FQDN and Service elements what they name.
  std::vector<std::string> peers(const PeerRule& pr) const {
    if (auto ids = peer_identities(m_, pr)) {
      if (ids->all) return {"any peer"};
      std::set<std::string> out;
      for (IdentityId id : ids->ids) {
        const Identity& identity = m_.identities[id];
        if (identity.kind == IdentityKind::Reserved) out.insert(std::string(to_string(*identity.reserved)));
        else out.insert(names_[id].begin(), names_[id].end());
      }
      if (out.empty()) return {"(no peer of the input)"};
      return {out.begin(), out.end()};
    }
    std::vector<std::string> out;
    switch (pr.peer_kind) {
      case PeerKind::Cidr:
        for (const auto& c : pr.cidrs) out.push_back(c.rule.to_string());
        for (const auto& g : pr.cidr_groups) out.push_back(g.to_string());
        break;
      case PeerKind::Fqdns:
        for (const auto& q : pr.fqdns) out.push_back("fqdn:" + (q.match_name.empty() ? q.match_pattern : q.match_name));
        break;
      case PeerKind::Services:
        if (!pr.deny)
          for (const auto& sp : pr.services)
            if (auto it = m_.services.find(&sp); it != m_.services.end())
              for (const auto& s : it->second.services) out.push_back("backends of Service " + s);
        if (out.empty()) out.push_back(pr.has_to_ports ? "any peer (toServices resolves to no Service)" : "(no Service of the input)");
        break;
      case PeerKind::Nodes: out.push_back("nodes matching the selector"); break;
      case PeerKind::Groups: out.push_back("cloud security groups"); break;
      default: out.push_back(pr.explicit_empty_peers ? "(nothing: an explicit empty list)" : "(nothing: an empty rule)"); break;
    }
    return out;
  }

  DirectionPolicy direction(Direction d, const SideSubject& subject, const Pod& pod) {
    DirectionPolicy out;
    out.direction = d;
    // The enforcement decision and the selecting rules are the evaluator's.
    SideVerdict probe = evaluate_side(m_, d, subject, subject_as_peer(m_, subject), 0, Protocol::TCP);
    out.enforcement = probe.enforcement;
    out.selecting = probe.selecting;
    switch (out.enforcement) {
      case Enforcement::NotSelected: out.otherwise = "allowed: no rule with this direction selects it (not enforced)"; break;
      case Enforcement::NeverMode: out.otherwise = "allowed: policy enforcement mode is never"; break;
      case Enforcement::DenyOnly: out.otherwise = "allowed, except what the deny rows deny (every selecting rule sets enableDefaultDeny false)"; break;
      case Enforcement::NotAnEndpoint: out.otherwise = "allowed: not an endpoint"; break;
      default:
        out.otherwise = d == Direction::Ingress ? "denied (default deny), except from the local host (allow-localhost)"
                                                : "denied (default deny)";
    }
    if (out.enforcement == Enforcement::NotSelected || out.enforcement == Enforcement::NeverMode) return out;

    std::vector<const PeerRule*> denies, allows;
    for (RuleHandle h : m_.rules_selecting[*subject.identity]) {
      const Rule& r = m_.rule(h);
      for (const auto& pr : d == Direction::Ingress ? r.ingress_deny : r.egress_deny) denies.push_back(&pr);
      for (const auto& pr : d == Direction::Ingress ? r.ingress : r.egress) allows.push_back(&pr);
    }
    // What each deny element takes away, per peer identity, for the allow rows' notes.
    struct DenyPart {
      const PeerRule* rule;
      PeerIdentities peers;
      PortSet ports;
    };
    std::vector<DenyPart> deny_parts;
    for (const PeerRule* pr : denies) {
      auto ids = peer_identities(m_, *pr);
      auto ports = numeric_ports(*pr);
      if (ids && ports) deny_parts.push_back({pr, std::move(*ids), std::move(*ports)});
    }
    auto add_rows = [&](const PeerRule& pr) {
      auto allow_ids = pr.deny ? std::nullopt : peer_identities(m_, pr);
      auto allow_ports = numeric_ports(pr);
      for (const auto& peer : peers(pr)) {
        PolicyEntry e;
        e.peer = peer;
        e.selector = element_text(pr);
        e.ports = ports_text(m_, pr, pod);
        e.deny = pr.deny;
        e.rule = pr.ref;
        if (std::find(pr.unevaluated.begin(), pr.unevaluated.end(), Unevaluated::L7Rules) != pr.unevaluated.end())
          e.notes.push_back("L7 rules: requests are filtered by the proxy (not evaluated)");
        if (!pr.requires_.empty()) e.notes.push_back("fromRequires/toRequires narrow every endpoint peer of this endpoint's rules");
        if (allow_ids && allow_ports && !allow_ids->all) {
          // The peer's identities among the element's, and the deny rows covering them.
          for (const DenyPart& dp : deny_parts) {
            bool covers_peer = dp.peers.all || std::any_of(allow_ids->ids.begin(), allow_ids->ids.end(), [&](IdentityId id) {
                                 const Identity& identity = m_.identities[id];
                                 bool named = identity.kind == IdentityKind::Reserved ? std::string(to_string(*identity.reserved)) == peer
                                                                                      : names_[id].count(peer) > 0;
                                 return named && std::binary_search(dp.peers.ids.begin(), dp.peers.ids.end(), id);
                               });
            PortSet taken = *allow_ports & dp.ports;
            if (!covers_peer || taken.empty()) continue;
            e.notes.push_back(fmt::format("{} denied by {} {} ({})", taken == *allow_ports ? "all of it" : taken.to_string(),
                                          dp.rule->ref.policy_display(), dp.rule->ref.path, dp.rule->ref.pos.to_string()));
          }
        }
        out.entries.push_back(std::move(e));
      }
    };
    for (const PeerRule* pr : denies) add_rows(*pr);
    for (const PeerRule* pr : allows) add_rows(*pr);
    return out;
  }
};

}  // namespace

Result<std::vector<EndpointPolicy>> explain_endpoint(const Model& model, const std::string& endpoint) {
  auto ref = resolve_endpoint(model, endpoint);
  if (!ref) return ref.errors();
  if (ref->service)
    return Diagnostic::error(SourcePos{}, "endpoint",
                             fmt::format("{} is a Service; explain its backends (NS/NAME of the workload behind it)", endpoint));
  std::vector<EndpointPolicy> out;
  std::set<IdentityId> seen;
  Explainer explainer(model);
  for (const auto& inst : ref->instances) {
    if (inst.kind != EndpointInstance::Kind::Pod)
      return Diagnostic::error(SourcePos{}, "endpoint",
                               fmt::format("{} is not a pod: no policy of the input has it as its subject (explain takes NS/NAME or NS/KIND/NAME)",
                                           endpoint));
    if (inst.pod->host_network)
      return Diagnostic::error(inst.pod->pos, "endpoint",
                               fmt::format("{} runs with hostNetwork: it is not a Cilium endpoint but its node (host firewall rules "
                                           "select nodes)",
                                           endpoint));
    size_t index = size_t(inst.pod - model.cluster.pods.data());
    if (!seen.insert(model.pod_identity[index]).second) continue;
    out.push_back(explainer.explain(*inst.pod, index));
  }
  if (out.empty()) return Diagnostic::error(SourcePos{}, "endpoint", fmt::format("{} has no pods in the input", endpoint));
  return out;
}

}  // namespace netreach
