// resolve_model(): pods share an identity exactly when what Cilium builds the
// identity from agrees (namespace, service account, the labels its label filter
// keeps: pkg/labelsfilter/filter.go), whatever labels the filter drops.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "test_support.h"

using namespace netreach;
using netreach::testing::model_from_yaml;

namespace {

std::string pod(const std::string& name, const std::string& ns, const std::string& labels, const std::string& sa = "default") {
  return "---\napiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: " + ns + ", labels: {" + labels +
         "}}\nspec: {serviceAccountName: " + sa + ", containers: [{name: c, image: x}]}\n";
}

// Pod name -> identity.
std::map<std::string, IdentityId> identities(const Model& m) {
  std::map<std::string, IdentityId> out;
  for (size_t i = 0; i < m.cluster.pods.size(); ++i) out[m.cluster.pods[i].name] = m.pod_identity[i];
  return out;
}

}  // namespace

TEST_CASE("resolve: labels the filter drops never split an identity; kept ones, the namespace and the service account do",
          "[resolve]") {
  auto m = model_from_yaml(
      // Replicas of two ReplicaSets and StatefulSet pods: only dropped labels differ.
      pod("web-a1", "a", "app: web, pod-template-hash: 5d4f8b9c7") + pod("web-a2", "a", "app: web, pod-template-hash: 5d4f8b9c7") +
      pod("web-b1", "a", "app: web, pod-template-hash: 7c9b8f4d5") +
      pod("db-0", "a", "app: db, statefulset.kubernetes.io/pod-name: db-0, apps.kubernetes.io/pod-index: \"0\", controller-revision-hash: db-6b7c") +
      pod("db-1", "a", "controller-revision-hash: db-6b7c, apps.kubernetes.io/pod-index: \"1\", statefulset.kubernetes.io/pod-name: db-1, app: db") +
      // A kept label, another namespace, another service account: each its own identity.
      pod("web-canary", "a", "app: web, pod-template-hash: 5d4f8b9c7, track: canary") + pod("web-other-ns", "b", "app: web, pod-template-hash: 5d4f8b9c7") +
      pod("web-robot", "a", "app: web, pod-template-hash: 5d4f8b9c7", "robot") +
      // The same kept labels written in another order are the same identity.
      pod("two-1", "a", "x: \"1\", y: \"2\", pod-template-hash: aaa") + pod("two-2", "a", "pod-template-hash: bbb, y: \"2\", x: \"1\""));
  auto id = identities(*m);
  CHECK(id["web-a1"] == id["web-a2"]);
  CHECK(id["web-a1"] == id["web-b1"]);
  CHECK(id["db-0"] == id["db-1"]);
  CHECK(id["two-1"] == id["two-2"]);
  CHECK(id["web-canary"] != id["web-a1"]);
  CHECK(id["web-other-ns"] != id["web-a1"]);
  CHECK(id["web-robot"] != id["web-a1"]);
  CHECK(id["db-0"] != id["web-a1"]);
  CHECK(m->identities.pod_identity_count() == 6);  // web, db, two, canary, web in b, robot
  // The identity's labels are the kept ones.
  const auto& labels = m->identities[id["db-1"]].labels;
  CHECK(labels.has(SelectorKey{"k8s", "app"}));
  CHECK_FALSE(labels.has(SelectorKey{"k8s", "statefulset.kubernetes.io/pod-name"}));
  CHECK_FALSE(labels.has(SelectorKey{"k8s", "apps.kubernetes.io/pod-index"}));
}
