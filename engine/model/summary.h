// What the input held, counted: objects by kind, workloads, identities,
// policies, what was ignored and why. summarize() is in netreach.h.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace netreach {

struct Summary {
  size_t documents = 0;
  std::vector<std::pair<std::string, size_t>> objects_by_kind;  // sorted by kind
  size_t namespaces = 0, undeclared_namespaces = 0;
  size_t workloads = 0, pods = 0, host_network_pods = 0, services = 0, nodes = 0;
  size_t identities = 0;
  size_t policies_cnp = 0, policies_ccnp = 0, policies_knp = 0, rules = 0;
  size_t cidr_groups = 0;  // CiliumCIDRGroup objects (one per name)
  struct Ignored {
    std::string kind;
    size_t count;
    std::string reason;
  };
  std::vector<Ignored> ignored;
  // Objects that may create pods the input does not hold (HelmRelease, Argo
  // CD Applications, operators' custom resources), as "apiVersion Kind" and
  // count; and the policy selectors (subject or peer) that select no pod of
  // the input, as "CNP shop/api spec.ingress[0].fromEndpoints[0] (file:line)".
  // When both are non-empty, the selected pods may be created by the former.
  std::vector<std::pair<std::string, size_t>> pod_creators;
  std::vector<std::string> selectors_without_pods;
};

}  // namespace netreach
