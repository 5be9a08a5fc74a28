// Endpoint references as users write them on the command line and in
// expectation files, resolved against a Model.
//
//   NS/NAME            the Pod or workload NAME in namespace NS
//   NS/KIND/NAME       KIND: po, deploy, sts, ds, rs, rc, job, cj, svc (and long forms)
//   world, host, remote-node, kube-apiserver, health, ingress, init, unmanaged
//   an IPv4 or IPv6 address (a peer outside the cluster)
//   fqdn:NAME          a DNS name outside the cluster
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/cidr.h"
#include "model/diagnostic.h"
#include "model/identity.h"
#include "resolve/model.h"

namespace netreach {

// One concrete thing that can send or receive.
struct EndpointInstance {
  enum class Kind : uint8_t { Pod, Reserved, External };
  Kind kind = Kind::Pod;
  const Pod* pod = nullptr;                  // Kind::Pod
  std::optional<ReservedIdentity> reserved;  // Kind::Reserved
  std::optional<IpAddress> ip;               // Kind::External
  std::string fqdn;                          // Kind::External
  std::string display;
};

struct EndpointRef {
  std::string written;
  std::string display;
  const Service* service = nullptr;          // NS/svc/NAME
  std::vector<EndpointInstance> instances;   // pods of a workload (one per distinct pod shape), or one
};

Result<EndpointRef> resolve_endpoint(const Model& model, const std::string& written);

// kubectl's short name of a workload kind ("Deployment" -> "deploy"), as used
// in NS/KIND/NAME references; "po" for anything else.
std::string short_kind_name(const std::string& kind);

}  // namespace netreach
