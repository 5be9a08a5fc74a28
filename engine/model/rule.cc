#include "model/rule.h"
#include "model/protocol.h"

#include <cctype>

#include <fmt/format.h>

namespace netreach {

std::string_view to_string(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::CiliumNetworkPolicy: return "CiliumNetworkPolicy";
    case PolicyKind::CiliumClusterwideNetworkPolicy: return "CiliumClusterwideNetworkPolicy";
    case PolicyKind::NetworkPolicy: return "NetworkPolicy";
  }
  return "?";
}

std::string_view short_name(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::CiliumNetworkPolicy: return "CNP";
    case PolicyKind::CiliumClusterwideNetworkPolicy: return "CCNP";
    case PolicyKind::NetworkPolicy: return "KNP";
  }
  return "?";
}

std::string_view to_string(Direction direction) {
  return direction == Direction::Ingress ? "ingress" : "egress";
}

namespace {
constexpr std::pair<Entity, std::string_view> kEntityNames[] = {
    {Entity::All, "all"},
    {Entity::World, "world"},
    {Entity::WorldIPv4, "world-ipv4"},
    {Entity::WorldIPv6, "world-ipv6"},
    {Entity::Cluster, "cluster"},
    {Entity::Host, "host"},
    {Entity::Init, "init"},
    {Entity::Ingress, "ingress"},
    {Entity::Unmanaged, "unmanaged"},
    {Entity::RemoteNode, "remote-node"},
    {Entity::Health, "health"},
    {Entity::None, "none"},
    {Entity::KubeApiserver, "kube-apiserver"},
};
}  // namespace

std::string_view to_string(Entity entity) {
  for (const auto& [e, name] : kEntityNames)
    if (e == entity) return name;
  return "?";
}

std::optional<Entity> parse_entity(std::string_view text) {
  for (const auto& [e, name] : kEntityNames)
    if (name == text) return e;
  return std::nullopt;
}

std::string RuleRef::policy_display() const {
  if (policy_namespace.empty()) return fmt::format("{} {}", short_name(kind), policy_name);
  return fmt::format("{} {}/{}", short_name(kind), policy_namespace, policy_name);
}

bool PortProtocol::covers_number(uint16_t p) const {
  if (port == 0 && end_port == 0) return true;
  if (end_port <= port) return p == port;
  return p >= port && p <= end_port;
}

bool PortProtocol::covers_protocol(Protocol p) const {
  if (p == Protocol::ICMP) return false;
  return protocol == Protocol::Any || protocol == p;
}

std::string PortProtocol::to_string() const {
  std::string port_text;
  if (is_named()) {
    port_text = name;
    if (end_port > 0) port_text += fmt::format("-{}", end_port);
  } else if (port == 0 && (end_port == 0 || end_port == 65535)) {
    port_text = "*";
  } else if (end_port > port) {
    port_text = fmt::format("{}-{}", port, end_port);
  } else {
    port_text = fmt::format("{}", port);
  }
  return fmt::format("{}/{}", port_text, netreach::to_string(protocol));
}

bool FqdnPeer::matches(std::string_view name) const {
  std::string lowered = to_lower_ascii(name);
  if (!lowered.empty() && lowered.back() == '.') lowered.pop_back();
  if (!match_name.empty()) return lowered == match_name;
  if (match_pattern == "*") return true;  // the lone wildcard matches every name
  // Glob where '*' matches [-a-z0-9_]*, backtracking over the last star only.
  std::string_view pat = match_pattern, text = lowered;
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  auto in_label = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; };
  while (t < text.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pat.size() && pat[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos && in_label(text[mark])) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

std::string CidrGroupPeer::to_string() const {
  std::string out = selector ? fmt::format("cidrGroupSelector {}", selector->to_string())
                             : fmt::format("cidrGroupRef {}", name);
  if (!except.empty()) {
    std::vector<std::string> ex;
    for (const auto& e : except) ex.push_back(e.to_string());
    out += fmt::format(" except {}", fmt::join(ex, ", "));
  }
  return out;
}

std::string_view to_string(PeerKind kind) {
  switch (kind) {
    case PeerKind::Wildcard: return "any peer";
    case PeerKind::Endpoints: return "endpoints";
    case PeerKind::Cidr: return "CIDR";
    case PeerKind::Entities: return "entities";
    case PeerKind::Nodes: return "nodes";
    case PeerKind::Services: return "services";
    case PeerKind::Fqdns: return "FQDNs";
    case PeerKind::Groups: return "groups";
  }
  return "?";
}

std::string_view to_string(Unevaluated what) {
  switch (what) {
    case Unevaluated::L7Rules: return "L7 rules (toPorts[].rules)";
    case Unevaluated::Authentication: return "mutual authentication (authentication.mode)";
    case Unevaluated::Listener: return "an Envoy listener (toPorts[].listener)";
    case Unevaluated::TlsInspection: return "TLS inspection (terminatingTLS/originatingTLS/serverNames)";
    case Unevaluated::Groups: return "cloud security groups (fromGroups/toGroups)";
  }
  return "?";
}

}  // namespace netreach
