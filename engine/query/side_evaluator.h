// evaluate_side: one direction of one flow, as Cilium's policy map would judge
// it (SEMANTICS.md R1.3), with the explanation.
//
//   1. not an endpoint, or not enforcing in this direction -> allow
//   2. a deny rule covering (peer, proto, port) -> deny (deny wins, R14.2)
//   3. an allow rule covering it -> allow (allows are a union, R14.3)
//   4. ingress from the local host -> allow (allow-localhost, R5.4)
//   5. otherwise default deny
// "Covering" is peer match x port match, with the empty/absent rules of R6.6.
#pragma once

#include <optional>
#include <string>

#include "netreach.h"
#include "policy/cidr.h"
#include "resolve/model.h"

namespace netreach {

// The endpoint whose policy is evaluated.
struct SideSubject {
  std::optional<IdentityId> identity;  // absent: not an endpoint (world, host, hostNetwork pod)
  const Pod* pod = nullptr;            // for ingress named ports (its containers)
  std::string display;
};

// The other end of the flow, as this side sees it.
struct SidePeer {
  LabelSet labels;                  // identity labels
  bool is_pod = false;
  const Pod* pod = nullptr;         // when is_pod
  std::string namespace_;           // when is_pod
  bool external = false;            // world: an address outside the cluster
  std::optional<IpAddress> ip;      // known address of an external peer
  std::string fqdn;                 // `fqdn:NAME` destination
  bool local_host = false;          // the node hosting the subject (R5.4)
  std::string display;
};

SideVerdict evaluate_side(const Model& model, Direction direction, const SideSubject& subject,
                          const SidePeer& peer, uint16_t port, Protocol protocol);

}  // namespace netreach
