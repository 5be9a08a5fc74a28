#include "fuzz_support.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "resolve/model.h"

namespace netreach::fuzz {
namespace {

constexpr std::string_view kFixedModel = R"(
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: blue}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: b, labels: {app: db}}
spec: {containers: [{name: c, image: x, ports: [{name: pg, containerPort: 5432}, {containerPort: 53, protocol: UDP}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: b, labels: {app: agent}}
spec: {hostNetwork: true, containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: b}
spec: {selector: {app: db}, ports: [{name: sql, port: 5432, targetPort: pg}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-egress, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
    - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: b, app: db}}]
      toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
    - toCIDR: [10.0.0.0/8]
    - toFQDNs: [{matchName: example.com}]
    - toEntities: [kube-apiserver]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: b}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {team: blue}}}]
      ports: [{port: pg}]
)";

}  // namespace

std::shared_ptr<const Model> model_from_text(std::string_view yaml, const Options& options) {
  return load_texts({{"fuzz.yaml", std::string(yaml)}}, options).model;
}

const Model& fixed_model() {
  static std::shared_ptr<const Model> model = [] {
    auto m = model_from_text(kFixedModel, Options{});
    if (!m) {
      std::fprintf(stderr, "fuzz harness: the fixed model does not load\n");
      std::abort();
    }
    return m;
  }();
  return *model;
}

const std::string& bytes_as_file(const uint8_t* data, size_t size) {
  static int fd = [] {
    int f = ::memfd_create("netreach-fuzz", 0);
    if (f < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    return f;
  }();
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (::ftruncate(fd, 0) != 0 || (size && ::pwrite(fd, data, size, 0) != ssize_t(size))) {
    std::perror("fuzz harness: writing the input");
    std::abort();
  }
  return path;
}

}  // namespace netreach::fuzz
