#include <catch2/catch.hpp>

#include "model/identity.h"

using namespace netreach;

// pkg/labelsfilter/filter.go :: defaultLabelPrefixCfg, filterLabels (docs/semantics.md#label-filter).
TEST_CASE("Label filter: default includes and excludes", "[identity][label-filter]") {
  CHECK(label_filter_keeps("app"));
  CHECK(label_filter_keeps("app.kubernetes.io/name"));
  CHECK(label_filter_keeps("io.kubernetes.pod.namespace"));
  CHECK(label_filter_keeps("io.cilium.k8s.namespace.labels.team"));
  CHECK(label_filter_keeps("io.cilium.k8s.policy.serviceaccount"));
  CHECK(label_filter_keeps("job-name"));
  CHECK(label_filter_keeps("node-role.kubernetes.io/control-plane"));
  CHECK(label_filter_keeps("topology.kubernetes.io/zone"));

  CHECK_FALSE(label_filter_keeps("pod-template-hash"));
  CHECK_FALSE(label_filter_keeps("controller-revision-hash"));
  CHECK_FALSE(label_filter_keeps("statefulset.kubernetes.io/pod-name"));
  CHECK_FALSE(label_filter_keeps("batch.kubernetes.io/controller-uid"));
  CHECK_FALSE(label_filter_keeps("controller-uid"));
  CHECK_FALSE(label_filter_keeps("kubernetes.io/hostname"));
  CHECK_FALSE(label_filter_keeps("io.kubernetes.container.name"));
  CHECK_FALSE(label_filter_keeps("failure-domain.beta.kubernetes.io/zone"));
  CHECK_FALSE(label_filter_keeps("k8s.io/anything"));
  CHECK_FALSE(label_filter_keeps("annotation.foo"));
}

// cilium PR #43725: January 2026 releases also drop topology.kubernetes.io.
TEST_CASE("Label filter: topology labels are dropped from v1.19", "[identity][label-filter]") {
  CHECK(label_filter_keeps("topology.kubernetes.io/zone", LabelFilterVersion::V1_17));
  CHECK_FALSE(label_filter_keeps("topology.kubernetes.io/zone", LabelFilterVersion::V1_19));
}

// pkg/k8s/utils/utils.go :: SanitizePodLabels (docs/semantics.md#pod-labels, #labels-cilium-adds).
TEST_CASE("Pod identity: k8s labels plus namespace, namespace labels, service account, cluster", "[identity][labels-cilium-adds]") {
  Namespace ns{"shop", {{"kubernetes.io/metadata.name", "shop"}, {"team", "blue"}}, true, {}};
  Pod pod;
  pod.namespace_ = "shop";
  pod.labels = {{"app", "web"},
                {"io.cilium.k8s.policy.serviceaccount", "spoofed"},
                {"io.kubernetes.pod.namespace", "spoofed"},
                {"pod-template-hash", "abc"}};
  pod.service_account = "web-sa";
  LabelSet labels = pod_identity_labels(pod, &ns, "prod");
  auto value = [&](std::string_view key) -> std::string {
    const Label* l = labels.find(SelectorKey{"k8s", std::string(key)});
    return l ? l->value : "<absent>";
  };
  CHECK(value("app") == "web");
  CHECK(value("io.kubernetes.pod.namespace") == "shop");
  CHECK(value("io.cilium.k8s.namespace.labels.team") == "blue");
  CHECK(value("io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name") == "shop");
  CHECK(value("io.cilium.k8s.policy.serviceaccount") == "web-sa");  // the spoofed one is replaced
  CHECK(value("io.cilium.k8s.policy.cluster") == "prod");
  CHECK(value("pod-template-hash") == "<absent>");
  for (const auto& l : labels.labels()) CHECK(l.source == "k8s");
}

// pkg/identity/numericidentity.go: identity 7 carries kube-apiserver and remote-node.
TEST_CASE("Reserved identities: kube-apiserver is also remote-node", "[identity][reserved-identities]") {
  LabelSet api = reserved_identity_labels(ReservedIdentity::KubeApiserver);
  CHECK(api.has(SelectorKey{"reserved", "kube-apiserver"}));
  CHECK(api.has(SelectorKey{"reserved", "remote-node"}));
  CHECK_FALSE(reserved_identity_labels(ReservedIdentity::World).has(SelectorKey{"reserved", "remote-node"}));
}
