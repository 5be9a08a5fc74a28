#include "resolve/model.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "resolve/label_index.h"

namespace netreach {
namespace {

// Service selector -> Cilium endpoint selector: the Service's spec.selector
// with k8s: keys plus the Service's namespace (pkg/policy/k8s/service.go ::
// appendSelector, v1.17+).
Selector service_backend_selector(const Service& svc) {
  Selector sel;
  for (const auto& [k, v] : *svc.selector)
    sel.requirements.push_back({SelectorKey{std::string(kSourceK8s), k}, SelectorOp::In, {v}, RequirementOrigin::Translated});
  sel.requirements.push_back({SelectorKey{std::string(kSourceK8s), std::string(kPodNamespaceLabel)},
                              SelectorOp::In, {svc.namespace_}, RequirementOrigin::Translated});
  return sel;
}

LabelSet service_object_labels(const Service& svc) {
  std::vector<Label> labels;
  for (const auto& [k, v] : svc.labels) labels.push_back({std::string(kSourceK8s), k, v});
  return LabelSet(std::move(labels));
}

void resolve_services(Model& model, const PeerRule& peer_rule) {
  for (const auto& sp : peer_rule.services) {
    ResolvedService resolved;
    for (const auto& svc : model.cluster.services) {
      // An empty namespace matches a Service of that name in any namespace (docs/semantics.md#toservices).
      if (!sp.service_namespace.empty() && sp.service_namespace != svc.namespace_) continue;
      bool match = sp.by_selector ? sp.service_label_selector.matches(service_object_labels(svc))
                                  : sp.service_name == svc.name;
      if (!match) continue;
      resolved.services.push_back(fmt::format("{}/{}", svc.namespace_, svc.name));
      if (svc.selector) resolved.selectors.push_back(service_backend_selector(svc));
      else ++resolved.selectorless;
    }
    model.services.emplace(&sp, std::move(resolved));
  }
}

// Pods that agree on everything their identity depends on get the same
// identity: the namespace, the service account, and the labels Cilium's label
// filter keeps (pkg/labelsfilter/filter.go; cluster name and namespace labels
// are per cluster and per namespace). The memo is keyed on the kept labels
// only: in a pod dump most pods carry labels of their own that the filter
// drops (pod-template-hash of each ReplicaSet, statefulset.kubernetes.io/
// pod-name, apps.kubernetes.io/pod-index, a Job's completion index), so a key
// on every label would build and intern a label set per pod rather than per
// identity. Whether a key is kept is asked once per distinct key.
class KeptLabelKeys {
 public:
  bool kept(const std::string& key) const {
    auto [it, inserted] = kept_.try_emplace(key, false);
    if (inserted) it->second = label_filter_keeps(key);
    return it->second;
  }

 private:
  mutable std::unordered_map<std::string_view, bool> kept_;  // views into the pods' label keys
};

struct PodIdentityKeyHash {
  const KeptLabelKeys* keys;
  size_t operator()(const Pod* pod) const {
    std::hash<std::string_view> h;
    size_t seed = h(pod->namespace_) * 31 + h(pod->service_account);
    for (const auto& [k, v] : pod->labels)
      if (keys->kept(k)) seed = (seed * 1000003) ^ (h(k) * 31 + h(v));
    return seed;
  }
};
struct PodIdentityKeyEq {
  const KeptLabelKeys* keys;
  bool operator()(const Pod* a, const Pod* b) const {
    if (a->namespace_ != b->namespace_ || a->service_account != b->service_account) return false;
    auto i = a->labels.begin(), j = b->labels.begin();
    for (;;) {
      while (i != a->labels.end() && !keys->kept(i->first)) ++i;
      while (j != b->labels.end() && !keys->kept(j->first)) ++j;
      if (i == a->labels.end() || j == b->labels.end()) return i == a->labels.end() && j == b->labels.end();
      if (*i++ != *j++) return false;
    }
  }
};

void index_endpoints(Model& m) {
  const Cluster& c = m.cluster;
  for (uint32_t w = 0; w < c.workloads.size(); ++w)
    m.workloads_by_name[Model::endpoint_key(c.workloads[w].namespace_, c.workloads[w].name)].push_back(w);
  for (uint32_t s = 0; s < c.services.size(); ++s)
    m.services_by_name[Model::endpoint_key(c.services[s].namespace_, c.services[s].name)].push_back(s);
  m.pods_of_workload.assign(c.workloads.size(), {});
  for (uint32_t i = 0; i < c.pods.size(); ++i) {
    const Pod& pod = c.pods[i];
    m.pods_by_name[Model::endpoint_key(pod.namespace_, pod.name)].push_back(i);
    m.pods_by_namespace[pod.namespace_].push_back(i);
    if (pod.workload && *pod.workload < c.workloads.size()) m.pods_of_workload[*pod.workload].push_back(i);
  }
}

}  // namespace

std::string Model::endpoint_key(std::string_view ns, std::string_view name) {
  std::string key;
  key.reserve(ns.size() + 1 + name.size());
  key.append(ns).append("/").append(name);
  return key;
}

const CidrGroup* Model::cidr_group(const std::string& name) const {
  auto it = cidr_groups_by_name.find(name);
  return it == cidr_groups_by_name.end() ? nullptr : &cluster.cidr_groups[it->second];
}

LabelSet cidr_group_identity_labels(const CidrGroup& group) {
  constexpr std::string_view kGroupNameKey = "io.cilium.policy.cidrgroupname/";  // pkg/policy/api/cidr.go :: LabelPrefixGroupName
  constexpr std::string_view kCiliumPolicyLabels = "io.cilium.k8s.policy";        // pkg/k8s/apis/cilium.io :: LabelPrefix
  std::vector<Label> labels{{std::string(kSourceCidrGroup), std::string(kGroupNameKey) + group.name, ""}};
  for (const auto& [key, value] : group.labels)
    if (!key.starts_with(kCiliumPolicyLabels)) labels.push_back({std::string(kSourceCidrGroup), key, value});
  return LabelSet(std::move(labels));
}

LabelSet Model::cidr_group_labels(const IpAddress& ip) const {
  return cidr_group_labels(IpPrefix{ip, static_cast<uint8_t>(ip.v6 ? 128 : 32)});
}

LabelSet Model::cidr_group_labels(const IpPrefix& p) const {
  // key -> (length of the group prefix containing p, label)
  std::map<std::string, std::pair<int, Label>> merged;
  for (const auto& group : cluster.cidr_groups) {
    int longest = -1;
    for (const auto& prefix : group.cidrs)
      if (prefix.contains(p)) longest = std::max(longest, int(prefix.length));
    if (longest < 0) continue;
    const LabelSet group_labels = cidr_group_identity_labels(group);
    for (const auto& label : group_labels.labels()) {
      auto [it, inserted] = merged.try_emplace(label.key, longest, label);
      if (!inserted && longest > it->second.first) it->second = {longest, label};
    }
  }
  std::vector<Label> labels;
  for (auto& [key, entry] : merged) labels.push_back(std::move(entry.second));
  return LabelSet(std::move(labels));
}

std::shared_ptr<Model> resolve_model(Cluster cluster, const Options& options) {
  auto model = std::make_shared<Model>();
  model->options = options;
  model->cluster = std::move(cluster);
  Model& m = *model;

  // Namespaces by name (Cluster::find_namespace is a linear scan: 10,000
  // namespaces times 150,000 pods is too many).
  std::unordered_map<std::string_view, const Namespace*> namespaces;
  namespaces.reserve(m.cluster.namespaces.size());
  for (const auto& ns : m.cluster.namespaces) namespaces.emplace(ns.name, &ns);  // first wins, as find_namespace

  index_endpoints(m);
  for (uint32_t g = 0; g < m.cluster.cidr_groups.size(); ++g)
    m.cidr_groups_by_name.emplace(m.cluster.cidr_groups[g].name, g);

  // Identities, one per distinct label set.
  m.pod_identity.resize(m.cluster.pods.size(), 0);
  KeptLabelKeys kept_keys;
  std::unordered_map<const Pod*, IdentityId, PodIdentityKeyHash, PodIdentityKeyEq> identity_of_shape(
      0, PodIdentityKeyHash{&kept_keys}, PodIdentityKeyEq{&kept_keys});
  for (size_t i = 0; i < m.cluster.pods.size(); ++i) {
    const Pod& pod = m.cluster.pods[i];
    if (pod.host_network) continue;  // carries the node's identity, not its own (docs/semantics.md#hostnetwork-pods)
    auto [shape, inserted] = identity_of_shape.emplace(&pod, 0);
    if (inserted) {
      auto ns = namespaces.find(pod.namespace_);
      shape->second = m.identities.intern_pod(
          pod_identity_labels(pod, ns == namespaces.end() ? nullptr : ns->second, m.cluster.cluster_name),
          pod.namespace_);
    }
    m.pod_identity[i] = shape->second;
    for (const auto& port : pod.ports)
      if (!port.name.empty()) m.named_ports[port.name][port.protocol].insert(port.port);
  }

  // Subjects: each rule's selector matched once against its candidates: the
  // policy's namespace for CNP/KNP, every endpoint for CCNP. When one of the
  // selector's In requirements narrows the candidates (a CCNP selecting
  // app=x need not look at 150,000 endpoints), only the identities carrying
  // one of its labels are tested; the full selector still decides.
  m.rules_selecting.assign(m.identities.size(), {});
  std::vector<IdentityId> endpoints;
  for (const auto& identity : m.identities.all())
    if (identity.is_endpoint()) endpoints.push_back(identity.id);
  const LabelIndex labels(m.identities);
  for (uint32_t p = 0; p < m.cluster.policies.size(); ++p) {
    const Policy& policy = m.cluster.policies[p];
    const bool clusterwide = policy.kind == PolicyKind::CiliumClusterwideNetworkPolicy;
    const std::vector<IdentityId>& candidates = clusterwide ? endpoints : m.identities.in_namespace(policy.namespace_);
    auto is_candidate = [&](IdentityId id) {
      const Identity& identity = m.identities[id];
      return clusterwide ? identity.is_endpoint()
                         : identity.kind == IdentityKind::Pod && identity.namespace_ == policy.namespace_;
    };
    for (uint32_t r = 0; r < policy.rules.size(); ++r) {
      const Rule& rule = policy.rules[r];
      for (const auto* list : {&rule.egress, &rule.egress_deny})
        for (const auto& pr : *list) resolve_services(m, pr);
      // nodeSelector rules apply to the host endpoint only, which enforces
      // nothing without the host firewall (docs/semantics.md#host-firewall).
      if (rule.node_selector) continue;
      auto narrowed = labels.candidates(rule.subject);
      if (narrowed && narrowed->size() < candidates.size()) {
        for (IdentityId id : *narrowed)
          if (is_candidate(id) && rule.subject.matches(m.identities[id].labels)) m.rules_selecting[id].push_back({p, r});
        continue;
      }
      for (IdentityId id : candidates)
        if (rule.subject.matches(m.identities[id].labels)) m.rules_selecting[id].push_back({p, r});
    }
  }
  // A stable order, whatever the order of the input documents: by policy
  // (kind, namespace, name), then rule index. The policies are ranked once,
  // equal keys sharing a rank, so that sorting compares integers only and
  // gives exactly the order of comparing those fields.
  std::vector<uint32_t> by_key(m.cluster.policies.size());
  for (uint32_t p = 0; p < by_key.size(); ++p) by_key[p] = p;
  auto policy_key = [&](uint32_t p) {
    const Policy& policy = m.cluster.policies[p];
    return std::tie(policy.kind, policy.namespace_, policy.name);
  };
  std::sort(by_key.begin(), by_key.end(), [&](uint32_t a, uint32_t b) { return policy_key(a) < policy_key(b); });
  std::vector<uint32_t> rank(by_key.size());
  for (size_t i = 0; i < by_key.size(); ++i)
    rank[by_key[i]] = i > 0 && policy_key(by_key[i]) == policy_key(by_key[i - 1]) ? rank[by_key[i - 1]] : uint32_t(i);
  for (auto& handles : m.rules_selecting) {
    std::stable_sort(handles.begin(), handles.end(), [&](RuleHandle a, RuleHandle b) {
      return std::tie(rank[a.policy], a.rule) < std::tie(rank[b.policy], b.rule);
    });
  }
  return model;
}

}  // namespace netreach
