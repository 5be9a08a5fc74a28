#include "query/dns_visibility.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "query/peer_words.h"

namespace netreach {
namespace {

constexpr uint16_t kDnsPort = 53;
// Servers judged per DNS rule: enough to find one that answers, few enough
// that a rule selecting every pod of a large cluster stays cheap.
constexpr size_t kServersPerRule = 3;

// An egress rule of the source whose toPorts carry `rules.dns` on port 53
// matching the name, with the protocols it covers there.
struct DnsRule {
  const PeerRule* rule = nullptr;
  std::vector<Protocol> protocols;  // UDP and/or TCP
};

std::optional<DnsRule> as_dns_rule(const PeerRule& pr, const std::optional<std::string>& name) {
  bool udp = false, tcp = false;
  for (const auto& pp : pr.ports) {
    if (pp.dns.empty() || pp.is_named() || !pp.covers_number(kDnsPort)) continue;
    bool names = !name || std::any_of(pp.dns.begin(), pp.dns.end(), [&](const FqdnPeer& f) { return f.matches(*name); });
    if (!names) continue;
    udp = udp || pp.covers_protocol(Protocol::UDP);
    tcp = tcp || pp.covers_protocol(Protocol::TCP);
  }
  if (!udp && !tcp) return std::nullopt;
  DnsRule out{&pr, {}};
  if (udp) out.protocols.push_back(Protocol::UDP);
  if (tcp) out.protocols.push_back(Protocol::TCP);
  return out;
}

// A DNS server: the peer the source sees, and the endpoint whose ingress
// policy receives the lookup.
struct Server {
  SidePeer peer;
  SideSubject subject;
};

Server pod_server(const Model& model, const Pod& pod) {
  std::string display = pod.display(model.cluster);
  return Server{pod_peer(model, pod, display), pod_subject(model, pod, display)};
}

Server external_server(std::optional<IpAddress> ip, std::string display) {
  Server s;
  s.peer.labels = reserved_identity_labels(ReservedIdentity::World);
  s.peer.external = true;
  s.peer.ip = ip;
  s.peer.display = display;
  s.subject.display = std::move(display);  // no identity: nothing enforced on its side
  return s;
}

// A node-local DNS cache (node-local-dns and the like) listens on the node:
// the lookup goes to the `host` identity, which enforces nothing on ingress
// without the host firewall.
Server node_server() {
  Server s;
  s.peer.labels = reserved_identity_labels(ReservedIdentity::Host);
  s.peer.local_host = true;
  s.peer.display = "host (a node-local DNS cache)";
  s.subject.display = s.peer.display;
  return s;
}

bool has_label(const Pod& pod, std::string_view key, std::string_view value) {
  return std::any_of(pod.labels.begin(), pod.labels.end(), [&](const auto& kv) { return kv.first == key && kv.second == value; });
}

// The cluster DNS: the pods `k8s-app: kube-dns` of kube-system (CoreDNS and
// kube-dns deployments both carry it).
std::vector<const Pod*> cluster_dns_pods(const Model& model) {
  std::vector<const Pod*> out;
  auto it = model.pods_by_namespace.find("kube-system");
  if (it == model.pods_by_namespace.end()) return out;
  for (uint32_t i : it->second) {
    const Pod& pod = model.cluster.pods[i];
    if (!pod.host_network && has_label(pod, "k8s-app", "kube-dns")) out.push_back(&pod);
  }
  return out;
}

class Judge {
 public:
  Judge(const Model& model, const SideSubject& source, const std::vector<RuleHandle>& selecting)
      : model_(model), source_(source), selecting_(selecting), source_peer_(subject_as_peer(model, source)) {
    for (RuleHandle h : selecting)
      for (const auto& pr : model.rule(h).egress)
        for (const auto& req : pr.requires_) requires_.push_back(&req);
  }

  // Does `rule` cover the lookup to `server` on 53/protocol (its peer and its port)?
  RuleMatchResult covers(const PeerRule& rule, const Server& server, Protocol protocol) const {
    return match_peer_rule(context(server, protocol), rule, requires_);
  }

  // Why `rule` does not cover the lookup, as covers() decided it.
  std::vector<std::string> why_not(const PeerRule& rule, const Server& server, Protocol protocol) const {
    return render_peer_reason(context(server, protocol), covers(rule, server, protocol)).reasons;
  }

  DnsFlow judge(const Server& server, Protocol protocol, Match through) const {
    DnsFlow f;
    f.from = source_.display;
    f.to = server.peer.display;
    f.protocol = protocol;
    f.through_dns_rule = through == Match::Yes;
    f.egress = evaluate_side(model_, Direction::Egress, source_, server.peer, kDnsPort, protocol);
    f.ingress = evaluate_side(model_, Direction::Ingress, server.subject, source_peer_, kDnsPort, protocol);
    auto a = f.egress.verdict, b = f.ingress.verdict;
    f.verdict = (a == Verdict::Deny || b == Verdict::Deny)                             ? Verdict::Deny
                : (a == Verdict::Unknown || b == Verdict::Unknown || through == Match::Maybe) ? Verdict::Unknown
                                                                                       : Verdict::Allow;
    return f;
  }

  // The DNS servers `rule` names, the cluster DNS first.
  std::vector<Server> servers(const PeerRule& rule, const std::vector<const Pod*>& cluster_dns) const {
    std::vector<Server> out;
    auto add_pod = [&](const Pod& pod) {
      if (out.size() >= kServersPerRule) return;
      Server s = pod_server(model_, pod);
      if (selects(rule, s)) out.push_back(std::move(s));
    };
    switch (rule.peer_kind) {
      case PeerKind::Wildcard:
        for (const Pod* pod : cluster_dns) add_pod(*pod);
        break;
      case PeerKind::Entities: {
        for (const Pod* pod : cluster_dns) add_pod(*pod);
        bool world = false, node = false;
        for (const auto& e : rule.entities) {
          world = world || e.entity == Entity::World || e.entity == Entity::All;
          node = node || e.entity == Entity::Host || e.entity == Entity::Cluster || e.entity == Entity::All;
        }
        if (node && out.size() < kServersPerRule) out.push_back(node_server());
        if (world && out.size() < kServersPerRule)
          out.push_back(external_server(std::nullopt, "a DNS server outside the cluster (world)"));
        break;
      }
      case PeerKind::Endpoints:
      case PeerKind::Services: {
        for (const Pod* pod : cluster_dns) add_pod(*pod);
        if (!out.empty()) break;
        // Any pod the rule selects, one per identity.
        std::set<IdentityId> seen;
        for (const Pod& pod : model_.cluster.pods) {
          if (out.size() >= kServersPerRule) break;
          if (pod.host_network) continue;
          IdentityId id = model_.pod_identity[static_cast<size_t>(&pod - model_.cluster.pods.data())];
          if (seen.insert(id).second) add_pod(pod);
        }
        break;
      }
      case PeerKind::Cidr:
        for (const auto& c : rule.cidrs) {
          if (out.size() >= kServersPerRule) break;
          bool host = c.rule.prefix.length == (c.rule.prefix.address.v6 ? 128 : 32);
          if (host)
            out.push_back(external_server(c.rule.prefix.address,
                                          fmt::format("{} (outside the cluster)", c.rule.prefix.address.to_string())));
          else
            out.push_back(external_server(std::nullopt, fmt::format("a DNS server in {}", c.rule.to_string())));
        }
        for (const auto& g : rule.cidr_groups) {
          if (out.size() >= kServersPerRule) break;
          out.push_back(external_server(std::nullopt, fmt::format("a DNS server in {}", g.to_string())));
        }
        break;
      case PeerKind::Nodes:
      case PeerKind::Groups:
      case PeerKind::Fqdns:
        break;  // no server the input names
    }
    return out;
  }

 private:
  MatchContext context(const Server& server, Protocol protocol) const {
    return MatchContext{model_, Direction::Egress, source_, server.peer, kDnsPort, protocol, &selecting_};
  }

  // The rule's peer part selects the server (its port part is judged per protocol).
  bool selects(const PeerRule& rule, const Server& server) const {
    return covers(rule, server, Protocol::UDP).peer == Match::Yes || covers(rule, server, Protocol::TCP).peer == Match::Yes;
  }

  const Model& model_;
  const SideSubject& source_;
  const std::vector<RuleHandle>& selecting_;
  SidePeer source_peer_;
  std::vector<const EndpointPeer*> requires_;
};

std::string rule_name(const RuleRef& ref) { return fmt::format("{} {}", ref.policy_display(), ref.path); }

std::string side_words(const SideVerdict& v) {
  return fmt::format("{} {}: {}", v.direction == Direction::Egress ? "egress of" : "ingress of", v.endpoint, v.reason);
}

}  // namespace

std::string DnsVisibility::describe_flow() const {
  if (!flow) return "";
  const DnsFlow& f = *flow;
  std::string head = fmt::format("DNS flow judged: {} -> {} {}/{}: ", f.from, f.to, kDnsPort, to_string(f.protocol));
  std::string what = name.empty() ? "the name" : name;
  switch (f.verdict) {
    case Verdict::Allow:
      if (!f.through_dns_rule)
        return head + fmt::format("allowed, but by no rule with `rules.dns` matching {}, so the lookup bypasses Cilium's DNS proxy ({})",
                                  what, side_words(f.egress));
      return head + fmt::format("allowed ({}; {})", side_words(f.egress), side_words(f.ingress));
    case Verdict::Deny: {
      std::vector<std::string> sides;
      if (f.egress.verdict == Verdict::Deny) sides.push_back(side_words(f.egress));
      if (f.ingress.verdict == Verdict::Deny) sides.push_back(side_words(f.ingress));
      return head + fmt::format("denied ({})", fmt::join(sides, "; "));
    }
    case Verdict::Unknown: {
      std::vector<std::string> sides;
      if (f.egress.verdict != Verdict::Allow || f.through_dns_rule == false) sides.push_back(side_words(f.egress));
      if (f.ingress.verdict != Verdict::Allow) sides.push_back(side_words(f.ingress));
      return head + fmt::format("unknown ({})", fmt::join(sides, "; "));
    }
  }
  return head;
}

std::string DnsVisibility::describe(const std::string& source) const {
  std::string lookups = name.empty() ? fmt::format("{}'s DNS lookups", source) : fmt::format("{}'s DNS lookups of {}", source, name);
  std::string matching = name.empty() ? std::string("`rules.dns`") : fmt::format("`rules.dns` matching {}", name);
  std::vector<std::string> rules;
  for (const auto& r : dns_rules) rules.push_back(rule_name(r));
  std::string rules_text = fmt::format("{}", fmt::join(rules, ", "));
  std::string flow_text = describe_flow();
  auto with_flow = [&](std::string text) { return flow_text.empty() ? text : text + "; " + flow_text; };
  switch (outcome) {
    case DnsOutcome::Seen:
      return with_flow(fmt::format("{} go through Cilium's DNS proxy", lookups));
    case DnsOutcome::NoDnsRule:
      return with_flow(fmt::format("no egress rule of {} carries {} on port 53, so Cilium's DNS proxy never sees {}", source,
                                   matching, lookups));
    case DnsOutcome::NoServerSelected:
      return with_flow(fmt::format("the egress rules of {} with {} select no DNS server of the input ({}), so Cilium's DNS "
                                   "proxy never sees {}",
                                   source, matching, fmt::join(rule_misses, "; "), lookups));
    case DnsOutcome::FlowDenied:
      return with_flow(fmt::format("{} through its DNS rule ({}) are denied", lookups, rules_text));
    case DnsOutcome::FlowUnknown:
      return with_flow(fmt::format("whether {} reach a DNS server through Cilium's DNS proxy (DNS rule {})", lookups, rules_text));
    case DnsOutcome::NoServer:
      return fmt::format("whether {} reach a DNS server through Cilium's DNS proxy: the egress rules with {} ({}) select no "
                         "DNS server of the input, and the input has no cluster DNS pods (kube-system, `k8s-app: kube-dns`)",
                         lookups, matching, rules_text);
  }
  return lookups;
}

DnsVisibility dns_visibility(const Model& model, const SideSubject& source, const std::vector<RuleHandle>& selecting,
                             const std::optional<std::string>& name) {
  DnsVisibility out;
  out.name = name.value_or("");
  Judge judge(model, source, selecting);
  std::vector<const Pod*> cluster_dns = cluster_dns_pods(model);

  std::vector<DnsRule> dns_rules;
  for (RuleHandle h : selecting)
    for (const auto& pr : model.rule(h).egress)
      if (auto d = as_dns_rule(pr, name)) {
        dns_rules.push_back(*d);
        out.dns_rules.push_back(pr.ref);
      }

  // The lookup to the cluster DNS, judged to show what happens to it when no
  // DNS rule covers a server.
  auto judge_cluster_dns = [&](DnsOutcome outcome) {
    out.outcome = outcome;
    out.seen = Match::No;
    if (cluster_dns.empty()) return;
    Server s = pod_server(model, *cluster_dns.front());
    out.flow = judge.judge(s, Protocol::UDP, Match::No);
  };

  if (dns_rules.empty()) {
    judge_cluster_dns(DnsOutcome::NoDnsRule);
    return out;
  }

  std::optional<DnsFlow> first_unknown, first_denied;
  for (const DnsRule& d : dns_rules) {
    for (const Server& server : judge.servers(*d.rule, cluster_dns)) {
      for (Protocol protocol : d.protocols) {
        RuleMatchResult covered = judge.covers(*d.rule, server, protocol);
        Match through = covered.overall();
        if (through == Match::No) continue;
        DnsFlow f = judge.judge(server, protocol, through);
        if (f.verdict == Verdict::Allow && f.through_dns_rule) {
          out.seen = Match::Yes;
          out.outcome = DnsOutcome::Seen;
          out.flow = std::move(f);
          return out;
        }
        if (f.verdict == Verdict::Unknown && !first_unknown) first_unknown = std::move(f);
        else if (f.verdict == Verdict::Deny && !first_denied) first_denied = std::move(f);
      }
    }
  }
  if (first_unknown) {
    out.seen = Match::Maybe;
    out.outcome = DnsOutcome::FlowUnknown;
    out.flow = std::move(first_unknown);
    return out;
  }
  if (first_denied) {
    out.outcome = DnsOutcome::FlowDenied;
    out.flow = std::move(first_denied);
    return out;
  }
  // The DNS rules name no server of the input.
  if (cluster_dns.empty()) {
    out.seen = Match::Maybe;
    out.outcome = DnsOutcome::NoServer;
    return out;
  }
  judge_cluster_dns(DnsOutcome::NoServerSelected);
  Server s = pod_server(model, *cluster_dns.front());
  for (const DnsRule& d : dns_rules) {
    std::vector<std::string> why = judge.why_not(*d.rule, s, d.protocols.front());
    if (why.empty()) why.push_back(fmt::format("it does not cover {}", s.peer.display));
    out.rule_misses.push_back(fmt::format("{} does not select {}: {}", rule_name(d.rule->ref), s.peer.display, fmt::join(why, "; ")));
  }
  return out;
}

}  // namespace netreach
