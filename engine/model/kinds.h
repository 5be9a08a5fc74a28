// KindTable: the API kinds netreach knows, by API group, with the versions
// that serve them. One table for every place a kind is looked up: the loader
// (what an object is and what netreach does with it), NS/KIND/NAME references
// (kubectl's names of a kind) and the did-you-mean of a misspelt kind or
// apiVersion.
//
// Known groups: core, apps, batch, networking.k8s.io, discovery.k8s.io,
// policy, rbac.authorization.k8s.io, autoscaling, cilium.io, and extensions
// (whose workloads and Ingress moved to apps and networking.k8s.io). For a
// known group the table lists every kind and every version that a Kubernetes
// release in support serves (for cilium.io: every CRD a Cilium release ships,
// pkg/k8s/apis/cilium.io/client/crds/{v2,v2alpha1}), so an object of a kind or
// version not listed there is one the API server rejects: look_up_kind says
// so, with the nearest real names. Groups not listed (another project's CRDs)
// are not judged.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace netreach {

// What netreach does with an object of the kind.
enum class KindRole : uint8_t {
  Namespace,
  Service,
  Node,
  PodSource,  // Pod, or a workload with a pod template
  CiliumNetworkPolicy,
  CiliumClusterwideNetworkPolicy,
  NetworkPolicy,
  CiliumCIDRGroup,  // read for cidrGroupRef / cidrGroupSelector
  Ignored,          // counted and listed with `reason`
};

struct KindInfo {
  std::string_view group;  // "" = core
  std::string_view kind;   // CamelCase, as written in `kind:`
  std::vector<std::string_view> versions;      // served versions, newest first
  KindRole role = KindRole::Ignored;
  std::string_view reason;                     // why an Ignored kind cannot change a verdict
  std::vector<std::string_view> short_names;   // kubectl's ("deploy")
  std::vector<std::string_view> pod_template;  // PodSource: path to the pod template ({} for Pod)

  // "apps/v1", "v1".
  std::string api_version(std::string_view version) const;
  // The resource (plural) name, as kubectl and RBAC write it: "deployments".
  std::string resource_name() const;
  // The name references use: kubectl's first short name, else the kind in
  // lower case ("deploy", "job").
  std::string short_name() const;
};

const std::vector<KindInfo>& kind_table();

struct KindLookup {
  enum class Status : uint8_t {
    Served,        // `info` is the kind, served at the version written
    UnknownGroup,  // a group the table does not describe: not judged
    NotServed,     // a known group that does not serve this kind at this version
  };
  Status status = Status::UnknownGroup;
  const KindInfo* info = nullptr;  // Served
  std::string field;               // NotServed: "kind" or "apiVersion", the field to fix
  std::string problem;             // NotServed: what is wrong, and the nearest real names
};

// `api_version` and `kind` as written in the object.
KindLookup look_up_kind(std::string_view api_version, std::string_view kind);

// The kind kubectl knows by `name`: the kind, its plural resource name or a
// short name, in any case ("cnp", "CiliumNetworkPolicies", "ns"). Null when
// no kind of the table has that name.
const KindInfo* find_kind_by_name(std::string_view name);
// NS/KIND/NAME references: the kind (Pod, a workload, Service) that kubectl
// knows by `name`, a short name, singular or plural, in any case.
const KindInfo* find_referable_kind(std::string_view name);
// The name of a kind in NS/KIND/NAME: kubectl's short name, else the singular
// in lower case ("deploy", "job"); "po" for a kind that is not a workload.
std::string reference_name(std::string_view kind);
// The names find_referable_kind accepts, one per kind, for error messages.
std::vector<std::string> referable_kind_names();

}  // namespace netreach
