#include "model/kinds.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/suggest.h"

namespace netreach {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

constexpr std::string_view kNoEffect = "does not affect L3/L4 reachability";
constexpr std::string_view kBackends = "Service backends are computed from Service selectors and pods";
constexpr std::string_view kAgentState =
    "state the Cilium agent maintains; netreach derives endpoints and identities from pods, namespaces and nodes";
constexpr std::string_view kAgentConfig = "Cilium agent configuration; netreach takes agent options from the command line";

using R = KindRole;
const std::vector<std::string_view> kV1 = {"v1"};
const std::vector<std::string_view> kCiliumV2 = {"v2"};
const std::vector<std::string_view> kCiliumBoth = {"v2", "v2alpha1"};
const std::vector<std::string_view> kCiliumAlpha = {"v2alpha1"};
const std::vector<std::string_view> kTemplate = {"spec", "template"};

// Known groups, with what to add when a kind is not served there.
struct GroupInfo {
  std::string_view name;
  std::string_view note;
};
constexpr GroupInfo kGroups[] = {
    {"", ""},
    {"apps", ""},
    {"batch", ""},
    {"networking.k8s.io", ""},
    {"discovery.k8s.io", ""},
    {"policy", ""},
    {"rbac.authorization.k8s.io", ""},
    {"autoscaling", ""},
    {"cilium.io", ""},
    {"extensions", "extensions/v1beta1 is no longer served (workloads moved to apps/v1 in Kubernetes 1.16, "
                   "Ingress to networking.k8s.io/v1 in 1.22)"},
};

const GroupInfo* find_group(std::string_view name) {
  for (const auto& g : kGroups)
    if (g.name == name) return &g;
  return nullptr;
}

std::string group_display(std::string_view group) {
  return group.empty() ? "the core API group (apiVersion v1)" : std::string(group);
}

}  // namespace

std::string KindInfo::api_version(std::string_view version) const {
  return group.empty() ? std::string(version) : fmt::format("{}/{}", group, version);
}

std::string KindInfo::resource_name() const {
  // The plural the API server derives for a kind without an explicit one
  // (k8s.io/apimachinery meta.UnsafeGuessKindToResource); every CRD Cilium
  // ships uses the same rule.
  std::string singular = lower(kind);
  if (singular.ends_with('s')) return singular + "es";
  if (singular.ends_with('y')) return singular.substr(0, singular.size() - 1) + "ies";
  return singular + "s";
}

std::string KindInfo::short_name() const { return short_names.empty() ? lower(kind) : std::string(short_names.front()); }

const std::vector<KindInfo>& kind_table() {
  static const std::vector<KindInfo> table = {
      // core (k8s.io/api/core/v1)
      {"", "Pod", kV1, R::PodSource, {}, {"po"}, {}},
      {"", "ReplicationController", kV1, R::PodSource, {}, {"rc"}, kTemplate},
      {"", "Service", kV1, R::Service, {}, {"svc"}, {}},
      {"", "Namespace", kV1, R::Namespace, {}, {"ns"}, {}},
      {"", "Node", kV1, R::Node, {}, {"no"}, {}},
      {"", "Endpoints", kV1, R::Ignored, kBackends, {"ep"}, {}},
      {"", "ConfigMap", kV1, R::Ignored, kNoEffect, {"cm"}, {}},
      {"", "Secret", kV1, R::Ignored, kNoEffect, {}, {}},
      {"", "ServiceAccount", kV1, R::Ignored, kNoEffect, {"sa"}, {}},
      {"", "PersistentVolume", kV1, R::Ignored, kNoEffect, {"pv"}, {}},
      {"", "PersistentVolumeClaim", kV1, R::Ignored, kNoEffect, {"pvc"}, {}},
      {"", "LimitRange", kV1, R::Ignored, kNoEffect, {"limits"}, {}},
      {"", "ResourceQuota", kV1, R::Ignored, kNoEffect, {"quota"}, {}},
      {"", "Event", kV1, R::Ignored, kNoEffect, {"ev"}, {}},
      {"", "PodTemplate", kV1, R::Ignored, kNoEffect, {}, {}},
      {"", "Binding", kV1, R::Ignored, kNoEffect, {}, {}},
      {"", "ComponentStatus", kV1, R::Ignored, kNoEffect, {"cs"}, {}},
      // `kubectl get -o yaml` wraps objects in a List, unwrapped while reading.
      {"", "List", kV1, R::Ignored, "a List without items holds no objects", {}, {}},
      // apps/v1
      {"apps", "Deployment", kV1, R::PodSource, {}, {"deploy"}, kTemplate},
      {"apps", "StatefulSet", kV1, R::PodSource, {}, {"sts"}, kTemplate},
      {"apps", "DaemonSet", kV1, R::PodSource, {}, {"ds"}, kTemplate},
      {"apps", "ReplicaSet", kV1, R::PodSource, {}, {"rs"}, kTemplate},
      {"apps", "ControllerRevision", kV1, R::Ignored, kNoEffect, {}, {}},
      // batch/v1
      {"batch", "Job", kV1, R::PodSource, {}, {}, kTemplate},
      {"batch", "CronJob", kV1, R::PodSource, {}, {"cj"}, {"spec", "jobTemplate", "spec", "template"}},
      // networking.k8s.io (NetworkPolicy: v1 only since Kubernetes 1.16)
      {"networking.k8s.io", "NetworkPolicy", kV1, R::NetworkPolicy, {}, {"netpol"}, {}},
      {"networking.k8s.io", "Ingress", kV1, R::Ignored, kNoEffect, {"ing"}, {}},
      {"networking.k8s.io", "IngressClass", kV1, R::Ignored, kNoEffect, {}, {}},
      {"networking.k8s.io", "IPAddress", {"v1", "v1beta1", "v1alpha1"}, R::Ignored, kNoEffect, {"ip"}, {}},
      {"networking.k8s.io", "ServiceCIDR", {"v1", "v1beta1", "v1alpha1"}, R::Ignored, kNoEffect, {}, {}},
      {"networking.k8s.io", "ClusterCIDR", {"v1alpha1"}, R::Ignored, kNoEffect, {}, {}},
      {"discovery.k8s.io", "EndpointSlice", kV1, R::Ignored, kBackends, {}, {}},
      {"policy", "PodDisruptionBudget", kV1, R::Ignored, kNoEffect, {"pdb"}, {}},
      {"policy", "Eviction", kV1, R::Ignored, kNoEffect, {}, {}},
      {"rbac.authorization.k8s.io", "Role", kV1, R::Ignored, kNoEffect, {}, {}},
      {"rbac.authorization.k8s.io", "ClusterRole", kV1, R::Ignored, kNoEffect, {}, {}},
      {"rbac.authorization.k8s.io", "RoleBinding", kV1, R::Ignored, kNoEffect, {}, {}},
      {"rbac.authorization.k8s.io", "ClusterRoleBinding", kV1, R::Ignored, kNoEffect, {}, {}},
      {"autoscaling", "HorizontalPodAutoscaler", {"v2", "v1"}, R::Ignored, kNoEffect, {"hpa"}, {}},
      // cilium.io: pkg/k8s/apis/cilium.io/client/crds/v2 and v2alpha1, over the
      // Cilium releases (a CRD that moved to v2 is still served at v2alpha1).
      {"cilium.io", "CiliumNetworkPolicy", kCiliumV2, R::CiliumNetworkPolicy, {}, {"cnp", "ciliumnp"}, {}},
      {"cilium.io", "CiliumClusterwideNetworkPolicy", kCiliumV2, R::CiliumClusterwideNetworkPolicy, {}, {"ccnp"}, {}},
      {"cilium.io", "CiliumCIDRGroup", kCiliumBoth, R::CiliumCIDRGroup, {}, {"ccg"}, {}},
      {"cilium.io", "CiliumEndpoint", kCiliumV2, R::Ignored, kAgentState, {"cep", "ciliumep"}, {}},
      {"cilium.io", "CiliumEndpointSlice", kCiliumAlpha, R::Ignored, kAgentState, {"ces"}, {}},
      {"cilium.io", "CiliumIdentity", kCiliumV2, R::Ignored, kAgentState, {"ciliumid"}, {}},
      {"cilium.io", "CiliumNode", kCiliumV2, R::Ignored, kAgentState, {"cn", "ciliumn"}, {}},
      {"cilium.io", "CiliumNodeConfig", kCiliumBoth, R::Ignored, kAgentConfig, {}, {}},
      {"cilium.io", "CiliumExternalWorkload", kCiliumV2, R::Ignored,
       "not evaluated by netreach yet: a machine outside the cluster that joins it", {"cew"}, {}},
      {"cilium.io", "CiliumLocalRedirectPolicy", kCiliumV2, R::Ignored,
       "not evaluated by netreach yet: it redirects traffic for a Service or address to node-local pods", {"clrp"}, {}},
      {"cilium.io", "CiliumEgressGatewayPolicy", kCiliumV2, R::Ignored,
       "not evaluated by netreach yet: it changes the source address of egress traffic", {}, {}},
      {"cilium.io", "CiliumEgressNATPolicy", kCiliumAlpha, R::Ignored,
       "not evaluated by netreach yet: it changes the source address of egress traffic", {}, {}},
      {"cilium.io", "CiliumEnvoyConfig", kCiliumBoth, R::Ignored,
       "not evaluated by netreach yet: it configures Cilium's L7 proxy", {"cec"}, {}},
      {"cilium.io", "CiliumClusterwideEnvoyConfig", kCiliumBoth, R::Ignored,
       "not evaluated by netreach yet: it configures Cilium's L7 proxy", {"ccec"}, {}},
      {"cilium.io", "CiliumLoadBalancerIPPool", kCiliumBoth, R::Ignored, kNoEffect, {"ippools", "ippool", "lbippool", "lbippools"}, {}},
      {"cilium.io", "CiliumL2AnnouncementPolicy", kCiliumAlpha, R::Ignored, kNoEffect, {"l2announcement"}, {}},
      {"cilium.io", "CiliumPodIPPool", kCiliumBoth, R::Ignored, kNoEffect, {"cpip"}, {}},
      {"cilium.io", "CiliumBGPPeeringPolicy", kCiliumAlpha, R::Ignored, kNoEffect, {"bgpp"}, {}},
      {"cilium.io", "CiliumBGPClusterConfig", kCiliumBoth, R::Ignored, kNoEffect, {}, {}},
      {"cilium.io", "CiliumBGPPeerConfig", kCiliumBoth, R::Ignored, kNoEffect, {}, {}},
      {"cilium.io", "CiliumBGPAdvertisement", kCiliumBoth, R::Ignored, kNoEffect, {}, {}},
      {"cilium.io", "CiliumBGPNodeConfig", kCiliumBoth, R::Ignored, kNoEffect, {}, {}},
      {"cilium.io", "CiliumBGPNodeConfigOverride", kCiliumBoth, R::Ignored, kNoEffect, {}, {}},
      {"cilium.io", "CiliumGatewayClassConfig", kCiliumAlpha, R::Ignored, kNoEffect, {}, {}},
      {"cilium.io", "CiliumNetworkDriverClusterConfig", kCiliumAlpha, R::Ignored, kAgentConfig, {}, {}},
      {"cilium.io", "CiliumNetworkDriverConfig", kCiliumAlpha, R::Ignored, kAgentConfig, {}, {}},
      {"cilium.io", "CiliumNetworkDriverNodeConfig", kCiliumAlpha, R::Ignored, kAgentConfig, {}, {}},
  };
  return table;
}

namespace {

// The kinds of `group` that `written` may have meant: the nearest kind,
// resource or short names; else the kinds that contain it (NetworkPolicy in
// cilium.io: CiliumNetworkPolicy).
std::vector<std::string> kinds_meant(std::string_view group, std::string_view written) {
  std::vector<std::string> names;  // kinds, resource names, short names
  std::vector<const KindInfo*> owner;
  for (const auto& k : kind_table()) {
    if (k.group != group) continue;
    names.emplace_back(k.kind);
    owner.push_back(&k);
    names.push_back(k.resource_name());
    owner.push_back(&k);
    for (auto s : k.short_names) {
      names.emplace_back(s);
      owner.push_back(&k);
    }
  }
  std::vector<std::string_view> views(names.begin(), names.end());
  std::vector<std::string> out;
  auto add = [&](std::string_view kind) {
    if (std::find(out.begin(), out.end(), kind) == out.end() && out.size() < 3) out.emplace_back(kind);
  };
  // A resource or short name written as the kind ("ciliumnetworkpolicies", "cnp").
  const std::string needle = lower(written);
  for (size_t i = 0; i < names.size(); ++i)
    if (lower(names[i]) == needle) add(owner[i]->kind);
  if (!out.empty()) return out;
  for (const auto& name : nearest_names(written, views, views.size()))
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) add(owner[i]->kind);
  if (!out.empty()) return out;
  if (needle.size() < 4) return out;
  for (const auto& k : kind_table())
    if (k.group == group && lower(k.kind).find(needle) != std::string::npos) add(k.kind);
  return out;
}

std::string versions_of(const KindInfo& k) {
  std::vector<std::string> out;
  for (auto v : k.versions) out.push_back(k.api_version(v));
  if (out.size() == 1) return out[0];
  std::string head;
  for (size_t i = 0; i + 1 < out.size(); ++i) head += (i ? ", " : "") + out[i];
  return fmt::format("{} and {}", head, out.back());
}

}  // namespace

KindLookup look_up_kind(std::string_view api_version, std::string_view kind) {
  KindLookup found;
  const size_t slash = api_version.find('/');
  const std::string_view group = slash == std::string_view::npos ? std::string_view{} : api_version.substr(0, slash);
  const std::string_view version = slash == std::string_view::npos ? api_version : api_version.substr(slash + 1);

  // `apiVersion: cilium.io` (a group without its version).
  if (slash == std::string_view::npos && !api_version.empty() && find_group(api_version)) {
    found.status = KindLookup::Status::NotServed;
    found.field = "apiVersion";
    std::string meant;
    for (const auto& k : kind_table())
      if (k.group == api_version && k.kind == kind) meant = " " + did_you_mean({k.api_version(k.versions.front())});
    found.problem = fmt::format("apiVersion \"{}\" names an API group without its version (GROUP/VERSION), so the "
                                "API server rejects the object:{}",
                                api_version, meant.empty() ? " write GROUP/VERSION" : meant);
    return found;
  }
  const GroupInfo* known = find_group(group);
  if (!known) return found;  // UnknownGroup

  for (const auto& k : kind_table()) {
    if (k.group != group || k.kind != kind) continue;
    if (std::find(k.versions.begin(), k.versions.end(), version) != k.versions.end()) {
      found.status = KindLookup::Status::Served;
      found.info = &k;
      return found;
    }
    found.status = KindLookup::Status::NotServed;
    found.field = "apiVersion";
    found.problem = fmt::format("{} does not serve {}, so the API server rejects the object; {} is served at {}",
                                api_version, kind, kind, versions_of(k));
    return found;
  }

  found.status = KindLookup::Status::NotServed;
  found.field = "kind";
  found.problem = fmt::format("{} has no kind {}, so the API server rejects the object", group_display(group), kind);
  if (auto meant = kinds_meant(group, kind); !meant.empty()) found.problem += ": " + did_you_mean(meant);
  // The same kind in another known group (NetworkPolicy in cilium.io/v2).
  for (const auto& k : kind_table()) {
    if (k.kind != kind || k.group == group) continue;
    found.problem += fmt::format("; {} is served at {}", kind, versions_of(k));
    break;
  }
  if (!known->note.empty()) found.problem += fmt::format(" ({})", known->note);
  return found;
}

const KindInfo* find_kind_by_name(std::string_view name) {
  // Kind names are unique across the table's groups, and so are short names.
  const std::string written = lower(name);
  for (const auto& k : kind_table()) {
    if (lower(k.kind) == written || k.resource_name() == written) return &k;
    for (auto s : k.short_names)
      if (s == written) return &k;
  }
  return nullptr;
}

const KindInfo* find_referable_kind(std::string_view name) {
  const KindInfo* k = find_kind_by_name(name);
  return k && (k->role == KindRole::PodSource || k->role == KindRole::Service) ? k : nullptr;
}

std::string reference_name(std::string_view kind) {
  for (const auto& k : kind_table()) {
    if (k.kind != kind || k.role != KindRole::PodSource) continue;
    return k.short_name();
  }
  return "po";
}

std::vector<std::string> referable_kind_names() {
  std::vector<std::string> out;
  for (const auto& k : kind_table())
    if (k.role == KindRole::PodSource || k.role == KindRole::Service)
      out.push_back(k.short_name());
  return out;
}

}  // namespace netreach
