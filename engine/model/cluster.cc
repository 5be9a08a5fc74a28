#include "model/cluster.h"

#include <fmt/format.h>

namespace netreach {

const Namespace* Cluster::find_namespace(std::string_view name) const {
  for (const auto& ns : namespaces)
    if (ns.name == name) return &ns;
  return nullptr;
}

std::string Pod::endpoint_name(const Cluster& cluster) const {
  if (workload) return cluster.workloads[*workload].namespace_ + "/" + cluster.workloads[*workload].name;
  return namespace_ + "/" + name;
}

std::string Pod::display(const Cluster& cluster) const {
  if (workload) {
    const Workload& w = cluster.workloads[*workload];
    if (from_template) return fmt::format("{}/{}", w.namespace_, w.name);
    return fmt::format("{}/{} (pod {})", w.namespace_, w.name, name);
  }
  return fmt::format("{}/{}", namespace_, name);
}

}  // namespace netreach
