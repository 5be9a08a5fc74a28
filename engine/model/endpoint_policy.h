// One endpoint's effective policy, as values: per direction, its enforcement
// and a row per peer a rule element selects. explain_endpoint() is in
// netreach.h.
#pragma once

#include <string>
#include <vector>

#include "model/rule_ref.h"
#include "model/verdict.h"

namespace netreach {

// One row of an endpoint's effective policy in one direction: a peer (or a
// kind of peer: a CIDR, a name, any peer), the ports, allow or deny, and the
// rule element it comes from. A row per peer a rule element selects, the way
// `cilium-dbg endpoint get` lists a realised policy per selector and port.
struct PolicyEntry {
  std::string peer;      // "global-auth/auth", "world", "10.0.0.0/8 except 10.1.0.0/16", "fqdn:api.example.com", "any peer"
  std::string selector;  // what the element says: "toEndpoints {app=auth, ...}", "toEntities world"
  std::string ports;     // "TCP 5555", "TCP 53; UDP 53", "any port", "ICMP type 8"
  bool deny = false;
  RuleRef rule;                    // the element: spec.egress[0] and where
  std::vector<std::string> notes;  // "TCP 5555 is denied by CCNP deny spec.ingressDeny[0] (file:line)", caveats
};

struct DirectionPolicy {
  Direction direction = Direction::Ingress;
  Enforcement enforcement = Enforcement::NotSelected;
  std::vector<RuleRef> selecting;     // rules (spec / specs[i]) selecting the endpoint with rules in this direction
  std::vector<PolicyEntry> entries;   // deny rows first, then allow rows; by rule position within each
  std::string otherwise;              // what happens to the rest: "denied (default deny)", "allowed (...)"
};

struct EndpointPolicy {
  std::string endpoint;             // the pods' display: NS/NAME
  std::vector<std::string> pods;    // the pods behind this identity (workloads: their pods, or the template)
  std::string identity;             // the identity's labels as Cilium sees them
  DirectionPolicy ingress, egress;
};

}  // namespace netreach
