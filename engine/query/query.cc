// query(): expands a FlowQuery into concrete flows (source instances x
// destination backends x node-placement assumptions), judges each with
// evaluate_side on both ends (docs/semantics.md#both-sides), and combines the verdicts.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "model/suggest.h"
#include "model/protocol.h"
#include "model/verdict.h"
#include "query/endpoint_ref.h"
#include "query/query.h"
#include "query/side_evaluator.h"

namespace netreach {
namespace {

struct FlowPort {
  std::optional<uint16_t> number;
  std::string name;  // a named port
  Protocol protocol = Protocol::TCP;
  bool protocol_stated = false;  // in the port ("53/UDP") or beside it
};

Result<FlowPort> parse_port(const std::string& text, std::optional<Protocol> protocol_option) {
  SourcePos nowhere;
  FlowPort spec;
  // `icmp:8`, `icmpv6:EchoRequest`: the type stands where a port goes, as in
  // Cilium's policy (pkg/policy/api/icmp.go :: ICMPField.PortProtocol).
  if (IcmpFlowParse icmp = parse_icmp_flow(text); icmp.is_icmp) {
    if (!icmp.flow) return Diagnostic::error(nowhere, "port", icmp.error);
    if (protocol_option)
      return Diagnostic::error(nowhere, "port", fmt::format("port \"{}\" is ICMP, which contradicts protocol {} (leave the protocol out)",
                                                             text, to_string(*protocol_option)));
    spec.number = icmp.flow->type;
    spec.protocol = icmp.flow->family;
    spec.protocol_stated = true;
    return spec;
  }
  std::string port = text;
  std::optional<Protocol> protocol;
  if (auto slash = text.find('/'); slash != std::string::npos) {
    port = text.substr(0, slash);
    protocol = parse_flow_protocol(text.substr(slash + 1));
    if (!protocol)
      return Diagnostic::error(nowhere, "port", fmt::format("unknown protocol in \"{}\": use TCP, UDP or SCTP (ICMP is written {})", text, kIcmpFlowForms));
  }
  if (protocol_option) {
    if (protocol && *protocol != *protocol_option)
      return Diagnostic::error(nowhere, "port", fmt::format("port \"{}\" contradicts protocol {}", text, to_string(*protocol_option)));
    protocol = protocol_option;
  }
  spec.protocol_stated = protocol.has_value();
  spec.protocol = protocol.value_or(Protocol::TCP);
  if (port.empty()) return Diagnostic::error(nowhere, "port", "a port is required");
  if (std::all_of(port.begin(), port.end(), ::isdigit)) {
    if (port.size() > 5 || std::stoul(port) > 65535 || std::stoul(port) == 0)
      return Diagnostic::error(nowhere, "port", fmt::format("port {} is outside 1-65535", port));
    spec.number = static_cast<uint16_t>(std::stoul(port));
    return spec;
  }
  bool valid_name = port.size() <= 15 && std::all_of(port.begin(), port.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
                    });
  if (!valid_name)
    return Diagnostic::error(nowhere, "port", fmt::format("\"{}\" is neither a port number nor a port name (nor ICMP: {})", port, kIcmpFlowForms));
  spec.name = to_lower_ascii(port);
  return spec;
}

// The peer as the other side sees it.
SidePeer peer_view(const Model& model, const EndpointInstance& inst, bool same_node) {
  SidePeer p;
  p.display = inst.display;
  switch (inst.kind) {
    case EndpointInstance::Kind::Pod:
      if (inst.pod->host_network) {
        // A hostNetwork pod's traffic carries its node's identity (docs/semantics.md#hostnetwork-pods).
        auto r = same_node ? ReservedIdentity::Host : ReservedIdentity::RemoteNode;
        p.labels = reserved_identity_labels(r);
        p.local_host = same_node;
        p.display = fmt::format("{} (hostNetwork, seen as {})", inst.display, to_string(r));
        return p;
      }
      p.is_pod = true;
      p.pod = inst.pod;
      p.namespace_ = inst.pod->namespace_;
      p.labels = model.identities[model.pod_identity[static_cast<size_t>(inst.pod - model.cluster.pods.data())]].labels;
      return p;
    case EndpointInstance::Kind::Reserved:
      p.labels = reserved_identity_labels(*inst.reserved);
      p.local_host = inst.reserved == ReservedIdentity::Host;
      return p;
    case EndpointInstance::Kind::External:
      p.labels = reserved_identity_labels(ReservedIdentity::World);
      p.external = true;
      p.ip = inst.ip;
      p.fqdn = inst.fqdn;
      return p;
  }
  return p;
}

SideSubject subject_view(const Model& model, const EndpointInstance& inst) {
  SideSubject s;
  s.display = inst.display;
  if (inst.kind == EndpointInstance::Kind::Pod) {
    s.pod = inst.pod;
    if (!inst.pod->host_network)
      s.identity = model.pod_identity[static_cast<size_t>(inst.pod - model.cluster.pods.data())];
    else
      s.display = fmt::format("{} (hostNetwork)", inst.display);
  } else if (inst.kind == EndpointInstance::Kind::Reserved) {
    IdentityId id = model.identities.reserved(*inst.reserved);
    if (model.identities[id].is_endpoint()) s.identity = id;
  }
  return s;
}

FlowVerdict judge(const Model& model, const EndpointInstance& from, const EndpointInstance& to, uint16_t port,
                  Protocol protocol, bool same_node, const HttpRequest* http) {
  FlowVerdict f;
  f.from = from.display;
  f.to = to.display;
  f.port = port;
  f.protocol = protocol;
  f.egress = evaluate_side(model, Direction::Egress, subject_view(model, from), peer_view(model, to, same_node), port, protocol, http);
  f.ingress = evaluate_side(model, Direction::Ingress, subject_view(model, to), peer_view(model, from, same_node), port, protocol, http);
  auto a = f.egress.verdict, b = f.ingress.verdict;
  f.verdict = (a == Verdict::Deny || b == Verdict::Deny)         ? Verdict::Deny
              : (a == Verdict::Unknown || b == Verdict::Unknown) ? Verdict::Unknown
                                                                 : Verdict::Allow;
  return f;
}

// A port name stated without a protocol means the port of that name on the
// destination, whatever its protocol (kube-dns's `dns` is UDP): the protocols
// of the ports carrying the name on the Service, or on the destination's pods.
// Names are unique within a Service and within a container (Kubernetes'
// pkg/apis/core/validation/validation.go), but two containers of a pod may
// reuse one with different protocols: then the user must say which. Empty
// when no port carries the name (the lookup below reports it).
Result<std::optional<Protocol>> named_port_protocol(const EndpointRef& to, const std::string& name) {
  std::set<Protocol> found;
  if (to.service) {
    for (const auto& sp : to.service->ports)
      if (sp.name == name) found.insert(sp.protocol);
  } else {
    for (const auto& inst : to.instances)
      if (inst.kind == EndpointInstance::Kind::Pod)
        for (const auto& cp : inst.pod->ports)
          if (cp.name == name) found.insert(cp.protocol);
  }
  if (found.empty()) return std::optional<Protocol>();
  if (found.size() == 1) return std::optional<Protocol>(*found.begin());
  std::vector<std::string_view> names;
  for (Protocol p : found) names.push_back(to_string(p));
  return Diagnostic::error(SourcePos{}, "port", fmt::format("{} has ports named \"{}\" for {}: state the protocol (e.g. {}/{})",
                                                            to.display, name, fmt::join(names, " and "), name, names.front()));
}

bool is_host_network(const EndpointInstance& i) {
  return i.kind == EndpointInstance::Kind::Pod && i.pod->host_network;
}

// Does the verdict depend on whether the two ends share a node? Only when a
// hostNetwork pod is involved (it is `host` to pods on its node and
// `remote-node` to the others, docs/semantics.md#hostnetwork-pods).
std::optional<bool> known_placement(const EndpointInstance& a, const EndpointInstance& b) {
  if (a.kind != EndpointInstance::Kind::Pod || b.kind != EndpointInstance::Kind::Pod) return false;
  if (!a.pod->node_name.empty() && !b.pod->node_name.empty()) return a.pod->node_name == b.pod->node_name;
  return std::nullopt;
}

// query() up to the judging of the flows when `judge_flows` is false: every error a
// query can have is found before its flows are judged, so this is how
// validate_query() finds them at a fraction of the cost.
Result<QueryResult> plan_or_query(const Model& model, const FlowQuery& flow, bool judge_flows) {
  auto from = resolve_endpoint(model, flow.from);
  if (!from) return from.errors();
  auto to = resolve_endpoint(model, flow.to);
  if (!to) return to.errors();
  auto port = parse_port(flow.port, flow.protocol);
  if (!port) return port.errors();
  SourcePos nowhere;
  if (from->service)
    return Diagnostic::error(nowhere, "from", fmt::format("{} is a Service: a Service does not open connections; name the workload that does", from->display));
  if (!port->number && !port->protocol_stated) {
    auto inferred = named_port_protocol(*to, port->name);
    if (!inferred) return inferred.errors();
    if (*inferred) port->protocol = **inferred;
  }

  // HTTP rules apply to TCP only (pkg/policy/api/rule_validation.go rejects
  // them on other protocols), so an HTTP request elsewhere is a mistake.
  if (flow.http) {
    if (port->protocol != Protocol::TCP)
      return Diagnostic::error(nowhere, "http", fmt::format("an HTTP request travels over TCP, not {} (docs/semantics.md#http-rules)",
                                                           to_string(port->protocol)));
    if (flow.http->method.empty() || flow.http->path.empty())
      return Diagnostic::error(nowhere, "http", "an HTTP request needs a method and a path (e.g. GET /public)");
  }
  const HttpRequest* http = flow.http ? &*flow.http : nullptr;

  QueryResult result;
  result.query = flow;

  // Destinations with their numeric port: a Service port becomes each
  // backend's targetPort before policy runs (docs/semantics.md#service-backends).
  struct Target {
    const EndpointInstance* instance;
    uint16_t port;
  };
  std::vector<Target> targets;
  if (to->service && is_icmp(port->protocol))
    // A Service is a set of L4 ports: the load balancer translates TCP, UDP
    // and SCTP to a backend, and no ICMP reaches a backend through the
    // Service address. The policy question is about a backend.
    return Diagnostic::error(nowhere, "port", fmt::format("{} is a Service, and ICMP is not load-balanced to a Service's backends: "
                                                           "ask about a backend pod (e.g. deploy/NAME or pod/NAME) instead", to->display));
  if (to->service) {
    const Service& svc = *to->service;
    const ServicePort* sp = nullptr;
    for (const auto& candidate : svc.ports) {
      bool match = port->number ? candidate.port == *port->number : candidate.name == port->name;
      if (match && candidate.protocol == port->protocol) sp = &candidate;
    }
    if (!sp) {
      std::vector<std::string> listed;
      for (const auto& c : svc.ports) listed.push_back(fmt::format("{}{}/{}", c.name.empty() ? "" : c.name + "=", c.port, to_string(c.protocol)));
      return Diagnostic::error(nowhere, "port", fmt::format("{} has no port {}/{} (it has {})", to->display, flow.port,
                                                             to_string(port->protocol), listed.empty() ? "none" : fmt::format("{}", fmt::join(listed, ", "))));
    }
    if (!svc.selector)
      result.notes.push_back(fmt::format("{} has no selector: its backends come from EndpointSlices, which netreach does not read", to->display));
    for (const auto& inst : to->instances) {
      uint16_t target = sp->target_port;
      if (!sp->target_port_name.empty()) {
        auto found = std::find_if(inst.pod->ports.begin(), inst.pod->ports.end(), [&](const ContainerPort& cp) {
          return cp.name == sp->target_port_name && cp.protocol == sp->protocol;
        });
        if (found == inst.pod->ports.end()) {
          result.notes.push_back(fmt::format("backend {} has no container port named {}: it receives no traffic for this Service port",
                                             inst.display, sp->target_port_name));
          continue;
        }
        target = found->port;
      }
      result.notes.push_back(fmt::format("{} port {}/{} is served by backend {} on port {} (policy sees the backend and its targetPort)",
                                         to->display, sp->port, to_string(sp->protocol), inst.display, target));
      targets.push_back({&inst, target});
    }
  } else {
    for (const auto& inst : to->instances) {
      if (port->number) {
        targets.push_back({&inst, *port->number});
        continue;
      }
      if (inst.kind != EndpointInstance::Kind::Pod)
        return Diagnostic::error(nowhere, "port", fmt::format("named port \"{}\" needs a pod destination to be resolved on", port->name));
      auto found = std::find_if(inst.pod->ports.begin(), inst.pod->ports.end(), [&](const ContainerPort& cp) {
        return cp.name == port->name && cp.protocol == port->protocol;
      });
      if (found == inst.pod->ports.end()) {
        std::vector<std::string> names;
        for (const auto& cp : inst.pod->ports)
          if (!cp.name.empty() && cp.protocol == port->protocol) names.push_back(cp.name);
        return Diagnostic::error(nowhere, "port", fmt::format("{} has no {} container port named \"{}\"{}", inst.display,
                                                               to_string(port->protocol), port->name, candidates_hint(port->name, names)));
      }
      targets.push_back({&inst, found->port});
    }
  }

  if (!judge_flows) return result;
  for (const auto& src : from->instances) {
    for (const auto& target : targets) {
      std::optional<bool> placement = known_placement(src, *target.instance);
      bool matters = is_host_network(src) || is_host_network(*target.instance);
      if (!matters || placement) {
        result.flows.push_back(judge(model, src, *target.instance, target.port, port->protocol, placement.value_or(false), http));
        continue;
      }
      FlowVerdict same = judge(model, src, *target.instance, target.port, port->protocol, true, http);
      FlowVerdict other = judge(model, src, *target.instance, target.port, port->protocol, false, http);
      if (same.verdict == other.verdict) {
        other.notes.push_back("the same verdict holds whether or not the two run on the same node");
        result.flows.push_back(std::move(other));
        continue;
      }
      same.assumption = "if both run on the same node";
      other.assumption = "if they run on different nodes";
      same.verdict = other.verdict = Verdict::Unknown;
      std::string fact = fmt::format("whether {} and {} run on the same node (a hostNetwork pod is `host` to pods on its node "
                                     "and `remote-node` to the others; set spec.nodeName to decide)",
                                     src.display, target.instance->display);
      same.notes.push_back("unknown: depends on " + fact);
      other.notes.push_back("unknown: depends on " + fact);
      result.flows.push_back(std::move(same));
      result.flows.push_back(std::move(other));
    }
  }

  std::set<Verdict> verdicts;
  for (const auto& f : result.flows) verdicts.insert(f.verdict);
  if (result.flows.empty()) {
    result.verdict = Verdict::Deny;
    result.notes.push_back(to->instances.empty()
                               ? fmt::format("{} has no backend in the input: the connection fails whatever the policy (docs/semantics.md#services-without-backends)", to->display)
                               : fmt::format("no backend of {} serves this port: the connection fails whatever the policy (docs/semantics.md#services-without-backends)", to->display));
  } else if (verdicts.size() == 1) {
    result.verdict = *verdicts.begin();
  } else {
    result.verdict = Verdict::Unknown;
    result.notes.push_back("unknown: the flows below disagree, so the answer depends on which backend or placement is used");
  }
  std::string verdict_word = result.verdict == Verdict::Allow ? "ALLOW" : result.verdict == Verdict::Deny ? "DENY" : "UNKNOWN";
  result.port = port->number ? fmt::format("{}", *port->number) : port->name;
  result.protocol = port->protocol;
  result.headline = fmt::format("{} {} -> {} {}", verdict_word, from->display, to->display, flow_port_text(result.port, port->protocol));
  if (http) result.headline += " " + http->to_string();
  return result;
}

}  // namespace

Result<QueryResult> query(const Model& model, const FlowQuery& flow) { return plan_or_query(model, flow, true); }

Diagnostics validate_query(const Model& model, const FlowQuery& flow) {
  auto planned = plan_or_query(model, flow, false);
  return planned ? Diagnostics{} : planned.errors();
}

}  // namespace netreach
