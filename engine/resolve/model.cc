#include "resolve/model.h"

#include <algorithm>

#include <fmt/format.h>

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
      // An empty namespace matches a Service of that name in any namespace (R9.1).
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

}  // namespace

std::shared_ptr<Model> resolve_model(Cluster cluster, const Options& options) {
  auto model = std::make_shared<Model>();
  model->options = options;
  model->cluster = std::move(cluster);
  Model& m = *model;

  // Identities, one per distinct label set.
  m.pod_identity.resize(m.cluster.pods.size(), 0);
  for (size_t i = 0; i < m.cluster.pods.size(); ++i) {
    const Pod& pod = m.cluster.pods[i];
    if (pod.host_network) continue;  // carries the node's identity, not its own (R17.1)
    m.pod_identity[i] = m.identities.intern_pod(
        pod_identity_labels(pod, m.cluster.find_namespace(pod.namespace_), m.cluster.cluster_name),
        pod.namespace_);
    for (const auto& port : pod.ports)
      if (!port.name.empty()) m.named_ports[port.name][port.protocol].insert(port.port);
  }

  // Subjects: each rule's selector matched once against its candidates.
  m.rules_selecting.assign(m.identities.size(), {});
  std::vector<IdentityId> endpoints;
  for (const auto& identity : m.identities.all())
    if (identity.is_endpoint()) endpoints.push_back(identity.id);
  for (uint32_t p = 0; p < m.cluster.policies.size(); ++p) {
    const Policy& policy = m.cluster.policies[p];
    const std::vector<IdentityId>& candidates = policy.kind == PolicyKind::CiliumClusterwideNetworkPolicy
                                                    ? endpoints
                                                    : m.identities.in_namespace(policy.namespace_);
    for (uint32_t r = 0; r < policy.rules.size(); ++r) {
      const Rule& rule = policy.rules[r];
      for (const auto* list : {&rule.egress, &rule.egress_deny})
        for (const auto& pr : *list) resolve_services(m, pr);
      // nodeSelector rules apply to the host endpoint only, which enforces
      // nothing without the host firewall (R17.4).
      if (rule.node_selector) continue;
      for (IdentityId id : candidates)
        if (rule.subject.matches(m.identities[id].labels)) m.rules_selecting[id].push_back({p, r});
    }
  }
  // A stable order, whatever the order of the input documents.
  for (auto& handles : m.rules_selecting) {
    std::stable_sort(handles.begin(), handles.end(), [&](RuleHandle a, RuleHandle b) {
      const Policy& pa = m.policy(a);
      const Policy& pb = m.policy(b);
      return std::tie(pa.kind, pa.namespace_, pa.name, a.rule) < std::tie(pb.kind, pb.namespace_, pb.name, b.rule);
    });
  }
  return model;
}

}  // namespace netreach
