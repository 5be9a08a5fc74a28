#include "replay/endpoint_match.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "model/identity.h"
#include "query/endpoint_ref.h"

namespace netreach {
namespace {

bool all_alnum(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "A-B" split at the last dash.
std::pair<std::string_view, std::string_view> split_last_dash(std::string_view s) {
  auto dash = s.rfind('-');
  if (dash == std::string_view::npos) return {"", ""};
  return {s.substr(0, dash), s.substr(dash + 1)};
}

// The reserved identities by number (pkg/identity/numericidentity.go);
// world-ipv4 (9) and world-ipv6 (10) are world.
std::optional<ReservedIdentity> reserved_by_number(uint32_t id) {
  switch (id) {
    case 1: return ReservedIdentity::Host;
    case 2: case 9: case 10: return ReservedIdentity::World;
    case 3: return ReservedIdentity::Unmanaged;
    case 4: return ReservedIdentity::Health;
    case 5: return ReservedIdentity::Init;
    case 6: return ReservedIdentity::RemoteNode;
    case 7: return ReservedIdentity::KubeApiserver;
    case 8: return ReservedIdentity::Ingress;
    default: return std::nullopt;
  }
}

// The reserved identity a `reserved:` label names; kube-apiserver before
// host and remote-node, which the apiserver's identity carries too.
std::optional<ReservedIdentity> reserved_by_labels(const std::vector<std::string>& labels) {
  std::set<std::string> names;
  for (const auto& l : labels)
    if (l.starts_with("reserved:")) names.insert(l.substr(9, l.find('=') == std::string::npos ? std::string::npos : l.find('=') - 9));
  for (auto r : {ReservedIdentity::KubeApiserver, ReservedIdentity::Host, ReservedIdentity::RemoteNode, ReservedIdentity::Health,
                 ReservedIdentity::Ingress, ReservedIdentity::Init, ReservedIdentity::Unmanaged, ReservedIdentity::World})
    if (names.count(std::string(to_string(r)))) return r;
  if (names.count("world-ipv4") || names.count("world-ipv6")) return ReservedIdentity::World;
  return std::nullopt;
}

// The labels of a flow's endpoint that come from the pod itself, and the
// namespace and service account Cilium adds as labels (pkg/k8s/apis/cilium.io
// :: PodNamespaceLabel, PolicyLabelServiceAccount).
struct FlowLabels {
  std::map<std::string, std::string> pod;
  std::string namespace_, service_account;
};

FlowLabels split_labels(const std::vector<std::string>& labels) {
  FlowLabels out;
  for (const auto& l : labels) {
    if (!l.starts_with("k8s:")) continue;
    auto eq = l.find('=');
    std::string key = l.substr(4, eq == std::string::npos ? std::string::npos : eq - 4);
    std::string value = eq == std::string::npos ? "" : l.substr(eq + 1);
    if (key == "io.kubernetes.pod.namespace") out.namespace_ = value;
    else if (key == "io.cilium.k8s.policy.serviceaccount") out.service_account = value;
    else if (key.starts_with("io.cilium.k8s.")) continue;  // cluster name, namespace labels: per cluster and namespace
    else if (label_filter_keeps(key)) out.pod[key] = value;
  }
  return out;
}

std::string workload_ref(const Workload& w) { return fmt::format("{}/{}/{}", w.namespace_, short_kind_name(w.kind), w.name); }

// The group a pod is reported under, and the reference that judges it.
MatchedEndpoint pod_endpoint(const Cluster& cluster, const Pod& pod, std::string how) {
  MatchedEndpoint m;
  m.how = std::move(how);
  if (pod.workload) m.group = workload_ref(cluster.workloads[*pod.workload]);
  else if (!pod.owner_name.empty()) m.group = fmt::format("{}/{}/{}", pod.namespace_, short_kind_name(pod.owner_kind), pod.owner_name);
  else m.group = fmt::format("{}/po/{}", pod.namespace_, pod.name);
  m.ref = pod.from_template ? m.group : fmt::format("{}/po/{}", pod.namespace_, pod.name);
  return m;
}

const std::vector<uint32_t>& lookup(const std::unordered_map<std::string, std::vector<uint32_t>>& index, const std::string& key) {
  static const std::vector<uint32_t> kNone;
  auto it = index.find(key);
  return it == index.end() ? kNone : it->second;
}

EndpointMatch match_pod(const Model& model, const ObservedEndpoint& observed, const std::string& ns) {
  const Cluster& cluster = model.cluster;
  const std::string& name = observed.pod_name;
  if (!name.empty()) {
    // a. A Pod object of that name.
    for (uint32_t p : lookup(model.pods_by_name, Model::endpoint_key(ns, name))) {
      const Pod& pod = cluster.pods[p];
      if (!pod.from_template && pod.namespace_ == ns && pod.name == name) return {pod_endpoint(cluster, pod, "pod name"), ""};
    }
    // b. The workload Hubble names.
    for (const auto& [wname, wkind] : observed.workloads) {
      for (uint32_t w : lookup(model.workloads_by_name, Model::endpoint_key(ns, wname))) {
        const Workload& wl = cluster.workloads[w];
        if (wl.namespace_ == ns && wl.name == wname && (wkind.empty() || wkind == wl.kind))
          return {MatchedEndpoint{workload_ref(wl), workload_ref(wl), "workload"}, ""};
      }
      for (uint32_t p : lookup(model.pods_by_namespace, ns)) {
        const Pod& pod = cluster.pods[p];
        if (pod.namespace_ == ns && pod.owner_name == wname && (wkind.empty() || wkind == pod.owner_kind)) {
          MatchedEndpoint m = pod_endpoint(cluster, pod, "workload");
          m.ref = m.group;
          return {m, ""};
        }
      }
    }
    // c. The workload whose controller made this name: the longest one.
    const Workload* best = nullptr;
    for (const auto& wl : cluster.workloads)
      if (wl.namespace_ == ns && is_generated_pod_name(wl.kind, wl.name, name) && (!best || wl.name.size() > best->name.size()))
        best = &wl;
    if (best) return {MatchedEndpoint{workload_ref(*best), workload_ref(*best), "generated pod name"}, ""};
  }
  // d. The labels.
  const FlowLabels labels = split_labels(observed.labels);
  if (!labels.pod.empty()) {
    std::map<std::string, const Pod*> groups;
    for (uint32_t p : lookup(model.pods_by_namespace, ns)) {
      const Pod& pod = cluster.pods[p];
      if (pod.namespace_ != ns || pod.host_network) continue;
      if (!labels.service_account.empty() && pod.service_account != labels.service_account) continue;
      std::map<std::string, std::string> kept;
      for (const auto& [k, v] : pod.labels)
        if (label_filter_keeps(k)) kept[k] = v;
      if (kept != labels.pod) continue;
      groups.emplace(pod_endpoint(cluster, pod, "labels").group, &pod);
    }
    if (groups.size() == 1) {
      MatchedEndpoint m = pod_endpoint(cluster, *groups.begin()->second, "labels");
      return {m, ""};
    }
    if (groups.size() > 1) {
      std::vector<std::string> names;
      for (const auto& [g, pod] : groups) names.push_back(g);
      return {std::nullopt, fmt::format("its labels match pods of {} workloads ({}): the flow does not say which", names.size(),
                                        fmt::join(names, ", "))};
    }
  }
  std::string who = name.empty() ? fmt::format("a pod in {}", ns) : fmt::format("{}/{}", ns, name);
  if (!cluster.find_namespace(ns) && lookup(model.pods_by_namespace, ns).empty())
    return {std::nullopt, fmt::format("{}: namespace {} is not in the input", who, ns)};
  return {std::nullopt, fmt::format("{}: no pod or workload of the input has that name{}", who,
                                    labels.pod.empty() ? "" : ", and no pod of the namespace has its labels")};
}

}  // namespace

bool is_generated_pod_name(const std::string& kind, const std::string& workload, const std::string& pod_name) {
  if (!pod_name.starts_with(workload + "-")) return false;
  const std::string_view rest = std::string_view(pod_name).substr(workload.size() + 1);
  auto [head, tail] = split_last_dash(rest);
  if (kind == "Deployment") return all_alnum(head) && head.size() <= 10 && head.find('-') == std::string_view::npos && tail.size() == 5 && all_alnum(tail);
  if (kind == "CronJob") return all_digits(head) && tail.size() == 5 && all_alnum(tail);
  if (kind == "StatefulSet") return all_digits(rest);
  if (kind == "DaemonSet" || kind == "ReplicaSet" || kind == "Job" || kind == "ReplicationController")
    return rest.size() == 5 && all_alnum(rest);
  return false;
}

EndpointMatch match_endpoint(const Model& model, const ObservedEndpoint& observed, const std::string& ip) {
  // 1. A pod.
  const FlowLabels labels = split_labels(observed.labels);
  const std::string ns = !observed.namespace_.empty() ? observed.namespace_ : labels.namespace_;
  if (!ns.empty() || !observed.pod_name.empty()) {
    if (ns.empty()) return {std::nullopt, fmt::format("pod {} has no namespace", observed.pod_name)};
    return match_pod(model, observed, ns);
  }
  // 2. A reserved identity.
  std::optional<ReservedIdentity> reserved = observed.identity ? reserved_by_number(*observed.identity) : std::nullopt;
  if (!reserved) reserved = reserved_by_labels(observed.labels);
  if (reserved && *reserved != ReservedIdentity::World) {
    std::string name(to_string(*reserved));
    return {MatchedEndpoint{name, name, "reserved identity"}, ""};
  }
  // 3. An address outside the cluster (world, or a CIDR identity).
  if (!ip.empty()) return {MatchedEndpoint{ip, ip, "address"}, ""};
  if (reserved) return {MatchedEndpoint{"world", "world", "reserved identity"}, ""};
  if (observed.empty()) return {std::nullopt, "no namespace, pod name, labels, identity or IP address"};
  return {std::nullopt, fmt::format("identity {} with labels [{}] and no IP address: neither a pod nor a reserved identity",
                                    observed.identity.value_or(0), fmt::join(observed.labels, ", "))};
}

}  // namespace netreach
