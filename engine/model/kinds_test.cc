#include <catch2/catch.hpp>

#include <set>

#include "model/kinds.h"

using namespace netreach;

namespace {
KindLookup::Status status(std::string_view api_version, std::string_view kind) {
  return look_up_kind(api_version, kind).status;
}
}  // namespace

TEST_CASE("KindTable: kinds served by their group and version are found, with their role", "[kinds]") {
  auto cnp = look_up_kind("cilium.io/v2", "CiliumNetworkPolicy");
  REQUIRE(cnp.status == KindLookup::Status::Served);
  CHECK(cnp.info->role == KindRole::CiliumNetworkPolicy);
  CHECK(look_up_kind("networking.k8s.io/v1", "NetworkPolicy").info->role == KindRole::NetworkPolicy);
  CHECK(look_up_kind("apps/v1", "Deployment").info->role == KindRole::PodSource);
  CHECK(look_up_kind("v1", "Pod").info->pod_template.empty());
  CHECK(look_up_kind("batch/v1", "CronJob").info->pod_template.size() == 4);
  // A CRD that moved to v2 is still served at v2alpha1 by older Cilium releases
  // (pkg/k8s/apis/cilium.io/client/crds/v2alpha1/ciliumcidrgroups.yaml).
  CHECK(look_up_kind("cilium.io/v2alpha1", "CiliumCIDRGroup").info->role == KindRole::CiliumCIDRGroup);
  CHECK(look_up_kind("cilium.io/v2", "CiliumCIDRGroup").info->role == KindRole::CiliumCIDRGroup);
  // Real kinds netreach does not evaluate keep a reason.
  auto cep = look_up_kind("cilium.io/v2", "CiliumEndpoint");
  REQUIRE(cep.status == KindLookup::Status::Served);
  CHECK(cep.info->role == KindRole::Ignored);
  CHECK_FALSE(cep.info->reason.empty());
  CHECK(status("cilium.io/v2alpha1", "CiliumLoadBalancerIPPool") == KindLookup::Status::Served);
  // Another project's CRDs are not judged.
  CHECK(status("monitoring.coreos.com/v1", "ServiceMonitor") == KindLookup::Status::UnknownGroup);
  CHECK(status("kustomize.config.k8s.io/v1beta1", "Kustomization") == KindLookup::Status::UnknownGroup);
}

TEST_CASE("KindTable: every Ignored kind has a reason, every kind a version, no kind twice", "[kinds]") {
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const auto& k : kind_table()) {
    INFO(k.group << " " << k.kind);
    CHECK_FALSE(k.versions.empty());
    CHECK(seen.insert({k.group, k.kind}).second);
    if (k.role == KindRole::Ignored) CHECK_FALSE(k.reason.empty());
    if (k.role == KindRole::PodSource && k.kind != "Pod") CHECK_FALSE(k.pod_template.empty());
  }
}

// The examples: each is rejected by the API server, so each is an
// error, never "not relevant to reachability".
TEST_CASE("KindTable: a misspelt kind gets the nearest real kind of its group", "[kinds]") {
  auto wide = look_up_kind("cilium.io/v2", "CiliumClusterWideNetworkPolicy");
  REQUIRE(wide.status == KindLookup::Status::NotServed);
  CHECK(wide.field == "kind");
  CHECK_THAT(wide.problem, Catch::Contains("cilium.io has no kind CiliumClusterWideNetworkPolicy"));
  CHECK_THAT(wide.problem, Catch::Contains("did you mean CiliumClusterwideNetworkPolicy?"));

  CHECK_THAT(look_up_kind("cilium.io/v2", "CilumNetworkPolicy").problem,
             Catch::Contains("did you mean CiliumNetworkPolicy?"));
  // The resource (plural) name and the short name are names of the kind too.
  CHECK_THAT(look_up_kind("cilium.io/v2", "CiliumNetworkPolicies").problem,
             Catch::Contains("did you mean CiliumNetworkPolicy?"));
  CHECK_THAT(look_up_kind("cilium.io/v2", "ciliumnetworkpolicies").problem,
             Catch::Contains("did you mean CiliumNetworkPolicy?"));
  CHECK_THAT(look_up_kind("cilium.io/v2", "cnp").problem, Catch::Contains("did you mean CiliumNetworkPolicy?"));
  CHECK_THAT(look_up_kind("apps/v1", "Deploymnet").problem, Catch::Contains("did you mean Deployment?"));
  CHECK_THAT(look_up_kind("v1", "Namepsace").problem, Catch::Contains("did you mean Namespace?"));

  // A kind of another group: where it is served, and the group's own kinds that contain it.
  auto knp = look_up_kind("cilium.io/v2", "NetworkPolicy");
  REQUIRE(knp.status == KindLookup::Status::NotServed);
  CHECK_THAT(knp.problem, Catch::Contains("did you mean CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy?"));
  CHECK_THAT(knp.problem, Catch::Contains("NetworkPolicy is served at networking.k8s.io/v1"));

  // Nothing near: no suggestion, still an error.
  auto far = look_up_kind("cilium.io/v2", "Frobnicator");
  REQUIRE(far.status == KindLookup::Status::NotServed);
  CHECK_THAT(far.problem, !Catch::Contains("did you mean"));
}

TEST_CASE("KindTable: a kind at a version its group does not serve names the versions that do", "[kinds]") {
  auto v1 = look_up_kind("cilium.io/v1", "CiliumNetworkPolicy");
  REQUIRE(v1.status == KindLookup::Status::NotServed);
  CHECK(v1.field == "apiVersion");
  CHECK_THAT(v1.problem, Catch::Contains("cilium.io/v1 does not serve CiliumNetworkPolicy"));
  CHECK_THAT(v1.problem, Catch::Contains("served at cilium.io/v2"));
  // networking.k8s.io/v1beta1 NetworkPolicy was removed (Kubernetes 1.16 serves v1 only).
  CHECK_THAT(look_up_kind("networking.k8s.io/v1beta1", "NetworkPolicy").problem,
             Catch::Contains("served at networking.k8s.io/v1"));
  CHECK_THAT(look_up_kind("cilium.io/v2", "CiliumL2AnnouncementPolicy").problem,
             Catch::Contains("served at cilium.io/v2alpha1"));
  CHECK_THAT(look_up_kind("cilium.io/v1", "CiliumPodIPPool").problem,
             Catch::Contains("served at cilium.io/v2 and cilium.io/v2alpha1"));
  // Workloads left extensions/v1beta1 for apps/v1.
  auto ext = look_up_kind("extensions/v1beta1", "Deployment");
  REQUIRE(ext.status == KindLookup::Status::NotServed);
  CHECK_THAT(ext.problem, Catch::Contains("Deployment is served at apps/v1"));
  // A group without a version.
  auto bare = look_up_kind("cilium.io", "CiliumNetworkPolicy");
  REQUIRE(bare.status == KindLookup::Status::NotServed);
  CHECK(bare.field == "apiVersion");
  CHECK_THAT(bare.problem, Catch::Contains("did you mean cilium.io/v2?"));
  // The core group is "v1": v2 is not a version of it.
  CHECK(status("v2", "Pod") == KindLookup::Status::NotServed);
}

TEST_CASE("KindTable: kubectl's names for NS/KIND/NAME references", "[kinds]") {
  for (const char* name : {"deploy", "deployment", "deployments", "Deployment", "DEPLOY"})
    CHECK(find_referable_kind(name)->kind == "Deployment");
  CHECK(find_referable_kind("po")->kind == "Pod");
  CHECK(find_referable_kind("svc")->kind == "Service");
  CHECK(find_referable_kind("jobs")->kind == "Job");
  CHECK(find_referable_kind("cm") == nullptr);   // a ConfigMap is not an endpoint
  CHECK(find_referable_kind("cnp") == nullptr);
  CHECK(reference_name("Deployment") == "deploy");
  CHECK(reference_name("Job") == "job");
  CHECK(reference_name("CronJob") == "cj");
  CHECK(reference_name("Whatever") == "po");
  CHECK(look_up_kind("apps/v1", "Deployment").info->resource_name() == "deployments");
  CHECK(look_up_kind("cilium.io/v2", "CiliumNetworkPolicy").info->resource_name() == "ciliumnetworkpolicies");
}

TEST_CASE("KindTable: kubectl's names of every kind (what-if --remove / --set-labels)", "[kinds]") {
  for (const char* name : {"cnp", "ciliumnp", "CiliumNetworkPolicy", "ciliumnetworkpolicies"})
    CHECK(find_kind_by_name(name)->kind == "CiliumNetworkPolicy");
  CHECK(find_kind_by_name("ccnp")->kind == "CiliumClusterwideNetworkPolicy");
  CHECK(find_kind_by_name("netpol")->kind == "NetworkPolicy");
  CHECK(find_kind_by_name("NS")->kind == "Namespace");
  CHECK(find_kind_by_name("namespaces")->kind == "Namespace");
  CHECK(find_kind_by_name("deploy")->kind == "Deployment");
  CHECK(find_kind_by_name("cm")->kind == "ConfigMap");
  CHECK(find_kind_by_name("cnps") == nullptr);
  CHECK(find_kind_by_name("cnp")->short_name() == "cnp");
  CHECK(find_kind_by_name("jobs")->short_name() == "job");
}
