// evaluate_side: one direction of one flow, as Cilium's policy map would judge
// it (docs/semantics.md#per-direction-verdict), with the explanation.
//
//   1. not an endpoint, or not enforcing in this direction -> allow
//   2. a deny rule covering (peer, proto, port) -> deny (deny wins, docs/semantics.md#deny-wins)
//   3. an allow rule covering it -> allow (allows are a union, docs/semantics.md#allows-are-a-union)
//   4. ingress from the local host -> allow (allow-localhost, docs/semantics.md#allow-localhost)
//   5. otherwise default deny
// "Covering" is peer match x port match, with the empty/absent rules of docs/semantics.md#rule-shapes.
#pragma once

#include <optional>
#include <string>

#include "model/cidr.h"
#include "model/verdict.h"
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
  bool local_host = false;          // the node hosting the subject (docs/semantics.md#allow-localhost)
  std::string display;
};

// `http`: the request, when the query names one; it decides allows whose
// port carries HTTP rules (docs/semantics.md#http-rules).
SideVerdict evaluate_side(const Model& model, Direction direction, const SideSubject& subject,
                          const SidePeer& peer, uint16_t port, Protocol protocol,
                          const HttpRequest* http = nullptr);

// A pod's two views: the subject whose policy is evaluated (no identity for a
// hostNetwork pod: it is not an endpoint), and the peer the other end sees
// (not for hostNetwork pods, whose traffic carries the node's identity).
SideSubject pod_subject(const Model& model, const Pod& pod, std::string display);
SidePeer pod_peer(const Model& model, const Pod& pod, std::string display);
// An endpoint subject as the peer of the other end (the same identity).
SidePeer subject_as_peer(const Model& model, const SideSubject& subject);

}  // namespace netreach
