#include "query/endpoint_ref.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/protocol.h"
#include "model/kinds.h"
#include "model/suggest.h"

namespace netreach {
namespace {

// kubectl's names of a kind, for NS/KIND/NAME: the one kind table.
std::optional<std::string> canonical_kind(std::string_view k) {
  if (const KindInfo* info = find_referable_kind(k)) return std::string(info->kind);
  return std::nullopt;
}

}  // namespace

std::string short_kind_name(const std::string& kind) { return reference_name(kind); }

namespace {

// Pods of one workload that look alike (same labels, ports, network, node)
// behave alike: keep one of each shape.
void add_instance(std::vector<EndpointInstance>& out, const Pod& pod, std::string display) {
  for (const auto& existing : out) {
    const Pod& e = *existing.pod;
    if (e.labels == pod.labels && e.service_account == pod.service_account && e.host_network == pod.host_network &&
        e.node_name == pod.node_name && e.ports.size() == pod.ports.size() &&
        std::equal(e.ports.begin(), e.ports.end(), pod.ports.begin(), [](const ContainerPort& a, const ContainerPort& b) {
          return a.name == b.name && a.port == b.port && a.protocol == b.protocol;
        }))
      return;
  }
  EndpointInstance inst;
  inst.kind = EndpointInstance::Kind::Pod;
  inst.pod = &pod;
  inst.display = std::move(display);
  out.push_back(std::move(inst));
}

}  // namespace

Result<EndpointRef> resolve_endpoint(const Model& model, const std::string& written) {
  EndpointRef ref;
  ref.written = written;
  ref.display = written;
  const Cluster& cluster = model.cluster;
  SourcePos nowhere;

  if (written.starts_with("fqdn:")) {
    std::string name = to_lower_ascii(written.substr(5));
    if (name.empty()) return Diagnostic::error(nowhere, "", "fqdn: needs a name, as in fqdn:api.example.com");
    if (name.ends_with('.')) name.pop_back();
    EndpointInstance inst{EndpointInstance::Kind::External, nullptr, std::nullopt, std::nullopt, name, "fqdn:" + name};
    ref.display = inst.display;
    ref.instances.push_back(std::move(inst));
    return ref;
  }
  if (auto ip = IpAddress::parse(written)) {
    EndpointInstance inst{EndpointInstance::Kind::External, nullptr, std::nullopt, ip, "", ip->to_string()};
    ref.display = fmt::format("{} (outside the cluster)", ip->to_string());
    inst.display = ref.display;
    ref.instances.push_back(std::move(inst));
    return ref;
  }
  if (written.find('/') == std::string::npos) {
    for (auto r : {ReservedIdentity::World, ReservedIdentity::Host, ReservedIdentity::RemoteNode,
                   ReservedIdentity::KubeApiserver, ReservedIdentity::Health, ReservedIdentity::Ingress,
                   ReservedIdentity::Init, ReservedIdentity::Unmanaged}) {
      if (written == to_string(r)) {
        EndpointInstance inst;
        inst.kind = r == ReservedIdentity::World ? EndpointInstance::Kind::External : EndpointInstance::Kind::Reserved;
        inst.reserved = r;
        inst.display = written;
        ref.instances.push_back(std::move(inst));
        return ref;
      }
    }
    return Diagnostic::error(nowhere, "", fmt::format("unknown endpoint \"{}\": expected NS/NAME, NS/KIND/NAME, an entity "
                                                      "(world, host, remote-node, kube-apiserver, health, ingress, init, unmanaged), "
                                                      "an IP address or fqdn:NAME", written));
  }

  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = written.find('/', start);
    parts.push_back(written.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (parts.size() > 3 || std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); }))
    return Diagnostic::error(nowhere, "", fmt::format("malformed endpoint \"{}\": expected NS/NAME or NS/KIND/NAME", written));
  const std::string& ns = parts[0];
  const std::string& name = parts.back();
  std::optional<std::string> kind;
  if (parts.size() == 3) {
    kind = canonical_kind(parts[1]);
    if (!kind) return Diagnostic::error(nowhere, "", fmt::format("unknown kind \"{}\" in \"{}\": use {}", parts[1], written, fmt::join(referable_kind_names(), ", ")));
  }

  // The Model's indexes give the candidates, in cluster order; the checks
  // below are those of a scan over the whole cluster.
  static const std::vector<uint32_t> kNone;
  auto lookup = [](const auto& index, const std::string& key) -> const std::vector<uint32_t>& {
    auto it = index.find(key);
    return it == index.end() ? kNone : it->second;
  };
  const std::string key = Model::endpoint_key(ns, name);

  if (kind == "Service") {
    for (uint32_t s : lookup(model.services_by_name, key)) {
      const Service& svc = cluster.services[s];
      if (svc.namespace_ == ns && svc.name == name) {
        ref.service = &svc;
        ref.display = fmt::format("{}/svc/{}", ns, name);
        if (svc.selector && !svc.selector->empty()) {
          for (uint32_t p : lookup(model.pods_by_namespace, ns)) {
            const Pod& pod = cluster.pods[p];
            if (pod.namespace_ != ns) continue;
            bool match = std::all_of(svc.selector->begin(), svc.selector->end(), [&](const auto& kv) {
              return std::find(pod.labels.begin(), pod.labels.end(), kv) != pod.labels.end();
            });
            if (match) add_instance(ref.instances, pod, pod.display(cluster));
          }
        }
        return ref;
      }
    }
    std::vector<std::string> names;
    for (const auto& svc : cluster.services)
      if (svc.namespace_ == ns) names.push_back(svc.name);
    return Diagnostic::error(nowhere, "", fmt::format("no Service {} in namespace {}{}", name, ns, candidates_hint(name, names)));
  }

  // Candidates: workloads and pods named NAME in NS (of KIND when given).
  std::vector<std::string> candidates;
  std::optional<uint32_t> workload;
  for (uint32_t w : lookup(model.workloads_by_name, key)) {
    const Workload& wl = cluster.workloads[w];
    if (wl.namespace_ != ns || wl.name != name || (kind && *kind != wl.kind)) continue;
    candidates.push_back(fmt::format("{}/{}/{}", ns, short_kind_name(wl.kind), name));
    workload = w;
  }
  // Pods whose controller is not in the input (a pod dump), by the controller
  // their ownerReferences name (Pod::owner_kind): the graph's vertex for them.
  std::vector<const Pod*> owned;
  if (!workload) {
    std::vector<std::string> owner_kinds;
    for (uint32_t p : lookup(model.pods_by_namespace, ns)) {
      const Pod& pod = cluster.pods[p];
      if (pod.namespace_ != ns || pod.owner_name != name || (kind && *kind != pod.owner_kind)) continue;
      if (std::find(owner_kinds.begin(), owner_kinds.end(), pod.owner_kind) == owner_kinds.end()) {
        owner_kinds.push_back(pod.owner_kind);
        candidates.push_back(fmt::format("{}/{}/{}", ns, short_kind_name(pod.owner_kind), name));
      }
      owned.push_back(&pod);
    }
  }
  const Pod* named_pod = nullptr;
  if (!kind || kind == "Pod") {
    for (uint32_t p : lookup(model.pods_by_name, key)) {
      const Pod& pod = cluster.pods[p];
      if (pod.from_template || pod.namespace_ != ns || pod.name != name) continue;
      // A Pod owned by the workload of the same name is that workload.
      if (workload && pod.workload == workload) continue;
      named_pod = &pod;
      candidates.push_back(fmt::format("{}/po/{}", ns, name));
    }
  }
  if (candidates.size() > 1)
    return Diagnostic::error(nowhere, "", fmt::format("\"{}\" is ambiguous: it could be {}; name the kind", written,
                                                      fmt::join(candidates, ", ")));
  if (named_pod) {
    add_instance(ref.instances, *named_pod, named_pod->display(cluster));
    ref.display = named_pod->display(cluster);
    return ref;
  }
  if (!owned.empty()) {
    ref.display = fmt::format("{}/{}", ns, name);
    for (const Pod* pod : owned) add_instance(ref.instances, *pod, ref.display);
    return ref;
  }
  if (workload) {
    ref.display = fmt::format("{}/{}", ns, name);
    for (uint32_t p : model.pods_of_workload[*workload])
      if (cluster.pods[p].workload == workload) add_instance(ref.instances, cluster.pods[p], ref.display);
    if (ref.instances.empty())
      return Diagnostic::error(nowhere, "", fmt::format("{} has no pods in the input", written));
    return ref;
  }
  if (!cluster.find_namespace(ns)) {
    std::vector<std::string> names;
    for (const auto& n : cluster.namespaces) names.push_back(n.name);
    return Diagnostic::error(nowhere, "", fmt::format("no namespace {} in the input (endpoint \"{}\"){}", ns, written, candidates_hint(ns, names)));
  }
  // The names an endpoint in NS could have been meant as: its workloads (of
  // KIND when given) and Pods.
  std::vector<std::string> names;
  for (const auto& wl : cluster.workloads)
    if (wl.namespace_ == ns && (!kind || *kind == wl.kind)) names.push_back(wl.name);
  if (!kind || kind == "Pod")
    for (uint32_t p : lookup(model.pods_by_namespace, ns))
      if (!cluster.pods[p].from_template && cluster.pods[p].namespace_ == ns) names.push_back(cluster.pods[p].name);
  return Diagnostic::error(nowhere, "", fmt::format("no {} named {} in namespace {}{}", kind ? *kind : "Pod or workload", name, ns,
                                                    candidates_hint(name, names)));
}

}  // namespace netreach
