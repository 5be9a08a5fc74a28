#include "cluster_generator.h"

#include <iterator>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace netreach::bench {
namespace {

// splitmix64: tiny, and unlike std:: distributions its output is the same on
// every platform and standard library, so a seed always gives the same bytes.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return n <= 0 ? 0 : int(next() % uint64_t(n)); }
  bool chance(int percent) { return below(100) < percent; }
  template <typename T, size_t N>
  const T& pick(const T (&items)[N]) { return items[below(int(N))]; }
  // Kubernetes-style random suffix: 5 (or n) chars from bcdfghjklmnpqrstvwxz2456789.
  std::string suffix(int n) {
    static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(kAlphabet[size_t(below(int(kAlphabet.size())))]);
    return s;
  }
  std::string hex(int n) {
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(kHex[size_t(below(16))]);
    return s;
  }

 private:
  uint64_t state_;
};

constexpr const char* kNamespaceWords[] = {"payments", "checkout", "catalog", "search",  "identity",
                                           "billing",  "shipping", "orders",  "ledger",  "media",
                                           "analytics", "gateway", "inventory", "notify", "reviews"};
constexpr const char* kAppWords[] = {"api",      "frontend", "worker", "db",      "cache",
                                     "queue",    "auth",     "proxy",  "indexer", "scheduler",
                                     "exporter", "web",      "backend", "grpc",   "ingest"};
constexpr const char* kTeams[] = {"core", "growth", "platform", "data", "sre"};
constexpr const char* kEnvs[] = {"prod", "staging"};
constexpr const char* kTiers[] = {"frontend", "backend", "data"};
constexpr const char* kImages[] = {"registry.example.com/{}:1.{}.{}", "ghcr.io/example/{}:v2.{}.{}",
                                   "docker.io/library/{}:3.{}.{}"};
constexpr const char* kNodes[] = {"ip-10-0-1-17.ec2.internal", "ip-10-0-2-33.ec2.internal",
                                  "ip-10-0-3-51.ec2.internal", "ip-10-0-4-12.ec2.internal"};
constexpr const char* kEntities[] = {"world", "cluster", "host", "remote-node", "kube-apiserver"};

struct NamedPort {
  const char* name;
  int port;
  const char* protocol;
};
constexpr NamedPort kPortSets[][3] = {
    {{"http", 8080, "TCP"}, {"metrics", 9090, "TCP"}, {nullptr, 0, nullptr}},
    {{"grpc", 50051, "TCP"}, {"metrics", 9090, "TCP"}, {"health", 8086, "TCP"}},
    {{"postgres", 5432, "TCP"}, {nullptr, 0, nullptr}, {nullptr, 0, nullptr}},
    {{"redis", 6379, "TCP"}, {nullptr, 0, nullptr}, {nullptr, 0, nullptr}},
    {{"http", 80, "TCP"}, {"https", 443, "TCP"}, {"quic", 443, "UDP"}},
};

struct Namespace {
  std::string name;
  const char* team;
  const char* env;
};

struct App {
  int ns;
  std::string name;
  bool stateful;
  int replicas;
  int port_set;
  const char* tier;
  std::string hash;  // pod-template-hash or controller-revision-hash
  std::string uid;
};

class Writer {
 public:
  Writer(const ClusterSpec& spec, std::ostream& out) : spec_(spec), out_(out), rng_(spec.seed) {}

  void run() {
    build_model();
    if (spec_.include_workloads) {
      write_namespaces();
      write_kube_dns();
      for (const App& app : apps_) write_workload(app);
      write_services();
    }
    write_policies();
    if (spec_.include_pod_objects)
      for (const App& app : apps_) write_pods(app);
    flush();
  }

 private:
  template <typename... Args>
  void emit(fmt::format_string<Args...> f, Args&&... args) {
    fmt::format_to(std::back_inserter(buf_), f, std::forward<Args>(args)...);
    if (buf_.size() > (1u << 20)) flush();
  }
  void flush() {
    out_.write(buf_.data(), std::streamsize(buf_.size()));
    buf_.clear();
  }
  std::string uid() {
    return fmt::format("{}-{}-{}-{}-{}", rng_.hex(8), rng_.hex(4), rng_.hex(4), rng_.hex(4),
                       rng_.hex(12));
  }
  const std::string& ns_of(const App& a) const { return namespaces_[size_t(a.ns)].name; }
  const NamedPort& first_port(const App& a) const { return kPortSets[a.port_set][0]; }

  void build_model() {
    int n_ns = spec_.namespaces < 1 ? 1 : spec_.namespaces;
    for (int i = 0; i < n_ns; ++i) {
      std::string name = kNamespaceWords[i % std::size(kNamespaceWords)];
      if (i >= int(std::size(kNamespaceWords))) name += fmt::format("-{}", i / std::size(kNamespaceWords));
      namespaces_.push_back({name, rng_.pick(kTeams), rng_.pick(kEnvs)});
    }
    int ppd = spec_.pods_per_deployment < 1 ? 1 : spec_.pods_per_deployment;
    int remaining = spec_.pods < 0 ? 0 : spec_.pods;
    for (int i = 0; remaining > 0; ++i) {
      App a;
      a.ns = i % n_ns;
      a.name = fmt::format("{}-{}", kAppWords[size_t(rng_.below(int(std::size(kAppWords))))], i);
      a.stateful = rng_.chance(12);
      a.replicas = std::min(remaining, 1 + rng_.below(2 * ppd - 1));
      a.port_set = rng_.below(int(std::size(kPortSets)));
      a.tier = rng_.pick(kTiers);
      a.hash = a.stateful ? a.name + "-" + rng_.hex(10) : rng_.hex(10);
      a.uid = uid();
      remaining -= a.replicas;
      apps_.push_back(std::move(a));
    }
  }

  void write_namespaces() {
    for (const Namespace& ns : namespaces_)
      emit("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {0}\n  labels:\n"
           "    kubernetes.io/metadata.name: {0}\n    team: {1}\n    env: {2}\n",
           ns.name, ns.team, ns.env);
  }

  void write_kube_dns() {
    emit("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n  labels:\n"
         "    kubernetes.io/metadata.name: kube-system\n"
         "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: coredns\n"
         "  namespace: kube-system\n  labels:\n    k8s-app: kube-dns\nspec:\n  replicas: 2\n"
         "  selector:\n    matchLabels:\n      k8s-app: kube-dns\n  template:\n    metadata:\n"
         "      labels:\n        k8s-app: kube-dns\n    spec:\n      containers:\n"
         "      - name: coredns\n        image: registry.k8s.io/coredns/coredns:v1.11.1\n"
         "        ports:\n        - name: dns\n          containerPort: 53\n          protocol: UDP\n"
         "        - name: dns-tcp\n          containerPort: 53\n          protocol: TCP\n"
         "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: kube-dns\n  namespace: kube-system\n"
         "spec:\n  selector:\n    k8s-app: kube-dns\n  clusterIP: 10.96.0.10\n  ports:\n"
         "  - name: dns\n    port: 53\n    protocol: UDP\n    targetPort: dns\n"
         "  - name: dns-tcp\n    port: 53\n    protocol: TCP\n    targetPort: dns-tcp\n");
  }

  void write_labels(const App& a, int indent) {
    std::string pad(size_t(indent), ' ');
    emit("{0}app.kubernetes.io/name: {1}\n{0}app.kubernetes.io/part-of: {2}\n{0}tier: {3}\n",
         pad, a.name, ns_of(a), a.tier);
  }

  void write_container_ports(const App& a, int indent) {
    std::string pad(size_t(indent), ' ');
    emit("{}ports:\n", pad);
    for (const NamedPort& p : kPortSets[a.port_set])
      if (p.name)
        emit("{0}- name: {1}\n{0}  containerPort: {2}\n{0}  protocol: {3}\n", pad, p.name, p.port,
             p.protocol);
  }

  void write_workload(const App& a) {
    emit("---\napiVersion: apps/v1\nkind: {}\nmetadata:\n  name: {}\n  namespace: {}\n  labels:\n",
         a.stateful ? "StatefulSet" : "Deployment", a.name, ns_of(a));
    write_labels(a, 4);
    emit("spec:\n  replicas: {}\n", a.replicas);
    if (a.stateful) emit("  serviceName: {}\n", a.name);
    emit("  selector:\n    matchLabels:\n      app.kubernetes.io/name: {}\n  template:\n"
         "    metadata:\n      labels:\n",
         a.name);
    write_labels(a, 8);
    emit("    spec:\n      serviceAccountName: {0}\n      containers:\n      - name: {0}\n"
         "        image: {1}\n",
         a.name, fmt::format(fmt::runtime(kImages[a.port_set % 3]), a.name, a.replicas, a.port_set));
    write_container_ports(a, 8);
    emit("        resources:\n          requests:\n            cpu: 100m\n            memory: 128Mi\n");
  }

  void write_services() {
    int count = spec_.services < 0 ? int(apps_.size()) : spec_.services;
    for (int i = 0; i < count && !apps_.empty(); ++i) {
      const App& a = apps_[size_t(i) % apps_.size()];
      std::string name = i < int(apps_.size()) ? a.name : fmt::format("{}-alt-{}", a.name, i);
      emit("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {}\n  namespace: {}\nspec:\n"
           "  selector:\n    app.kubernetes.io/name: {}\n  ports:\n",
           name, ns_of(a), a.name);
      for (const NamedPort& p : kPortSets[a.port_set])
        if (p.name)
          emit("  - name: {0}\n    port: {1}\n    protocol: {2}\n    targetPort: {0}\n", p.name,
               p.port == 8080 ? 80 : p.port, p.protocol);
    }
  }

  const App& random_app() { return apps_[size_t(rng_.below(int(apps_.size())))]; }

  void write_cnp_port_rule(const App& target, int indent) {
    std::string pad(size_t(indent), ' ');
    emit("{0}toPorts:\n{0}- ports:\n", pad);
    for (const NamedPort& p : kPortSets[target.port_set])
      if (p.name) emit("{0}  - port: \"{1}\"\n{0}    protocol: {2}\n", pad, p.port, p.protocol);
  }

  void write_dns_egress() {
    emit("  - toEndpoints:\n    - matchLabels:\n        k8s:io.kubernetes.pod.namespace: kube-system\n"
         "        k8s:k8s-app: kube-dns\n    toPorts:\n    - ports:\n      - port: \"53\"\n"
         "        protocol: ANY\n      rules:\n        dns:\n        - matchPattern: \"*\"\n");
  }

  void write_cnp(int i) {
    const App& a = random_app();
    const App& peer = random_app();
    emit("---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: {}-policy-{}\n"
         "  namespace: {}\nspec:\n  description: \"Allow traffic to {}\"\n  endpointSelector:\n"
         "    matchLabels:\n      app.kubernetes.io/name: {}\n  ingress:\n  - fromEndpoints:\n",
         a.name, i, ns_of(a), a.name, a.name);
    emit("    - matchLabels:\n        app.kubernetes.io/name: {}\n", a.name == peer.name ? "web" : peer.name);
    if (peer.ns != a.ns || rng_.chance(30))
      emit("    - matchLabels:\n        k8s:io.kubernetes.pod.namespace: {}\n"
           "        app.kubernetes.io/name: {}\n",
           ns_of(peer), peer.name);
    if (rng_.chance(20))
      emit("    - matchExpressions:\n      - key: tier\n        operator: In\n"
           "        values:\n        - frontend\n        - backend\n");
    write_cnp_port_rule(a, 4);
    if (rng_.chance(15)) emit("  - fromEntities:\n    - {}\n", rng_.pick(kEntities));
    emit("  egress:\n");
    const App& dep = random_app();
    emit("  - toEndpoints:\n    - matchLabels:\n        app.kubernetes.io/name: {}\n", dep.name);
    if (dep.ns != a.ns) emit("        k8s:io.kubernetes.pod.namespace: {}\n", ns_of(dep));
    write_cnp_port_rule(dep, 4);
    write_dns_egress();
    if (rng_.chance(25)) emit("  - toEntities:\n    - world\n    toPorts:\n    - ports:\n"
                              "      - port: \"443\"\n        protocol: TCP\n");
    if (rng_.chance(20)) {
      int octet = rng_.below(250);
      emit("  - toCIDRSet:\n    - cidr: 10.{0}.0.0/16\n      except:\n      - 10.{0}.1.0/24\n"
           "    - cidr: 192.168.{1}.0/24\n",
           octet, rng_.below(250));
    }
  }

  void write_ccnp(int i) {
    const Namespace& ns = namespaces_[size_t(rng_.below(int(namespaces_.size())))];
    emit("---\napiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata:\n"
         "  name: {}-baseline-{}\nspec:\n  endpointSelector:\n    matchLabels:\n"
         "      k8s:io.kubernetes.pod.namespace: {}\n  ingress:\n  - fromEntities:\n    - cluster\n"
         "  - fromEndpoints:\n    - matchLabels:\n        k8s:io.kubernetes.pod.namespace: monitoring\n"
         "    toPorts:\n    - ports:\n      - port: \"9090\"\n        protocol: TCP\n  egress:\n"
         "  - toEntities:\n    - kube-apiserver\n",
         ns.name, i, ns.name);
    write_dns_egress();
  }

  void write_knp(int i) {
    const App& a = random_app();
    const App& peer = random_app();
    emit("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {}-np-{}\n"
         "  namespace: {}\nspec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: {}\n"
         "  policyTypes:\n  - Ingress\n  - Egress\n  ingress:\n  - from:\n    - podSelector:\n"
         "        matchLabels:\n          app.kubernetes.io/name: {}\n",
         a.name, i, ns_of(a), a.name, peer.name);
    emit("    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: {}\n"
         "      podSelector:\n        matchLabels:\n          tier: {}\n",
         ns_of(peer), peer.tier);
    if (rng_.chance(30))
      emit("    - ipBlock:\n        cidr: 172.16.0.0/16\n        except:\n        - 172.16.{}.0/24\n",
           rng_.below(256));
    emit("    ports:\n");
    const NamedPort& p = first_port(a);
    if (rng_.chance(50)) emit("    - protocol: {}\n      port: {}\n", p.protocol, p.port);
    else emit("    - protocol: {}\n      port: {}\n", p.protocol, p.name);
    emit("  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels:\n"
         "          kubernetes.io/metadata.name: kube-system\n      podSelector:\n        matchLabels:\n"
         "          k8s-app: kube-dns\n    ports:\n    - protocol: UDP\n      port: 53\n"
         "    - protocol: TCP\n      port: 53\n");
    if (rng_.chance(40))
      emit("  - to:\n    - ipBlock:\n        cidr: 0.0.0.0/0\n        except:\n        - 10.0.0.0/8\n"
           "    ports:\n    - protocol: TCP\n      port: 443\n      endPort: 8443\n");
  }

  void write_policies() {
    if (apps_.empty()) return;
    for (int i = 0; i < spec_.policies; ++i) {
      int roll = rng_.below(100);
      if (roll < 70) write_cnp(i);
      else if (roll < 80) write_ccnp(i);
      else write_knp(i);
    }
  }

  // A Pod as `kubectl get pods -o yaml` prints it, including the fields a
  // policy simulator ignores (managedFields, status details): real dumps are
  // mostly such noise, and the loader must wade through it quickly.
  void write_pods(const App& a) {
    const char* owner_kind = a.stateful ? "StatefulSet" : "ReplicaSet";
    std::string owner = a.stateful ? a.name : a.name + "-" + a.hash;
    for (int r = 0; r < a.replicas; ++r) {
      std::string name = a.stateful ? fmt::format("{}-{}", a.name, r)
                                    : fmt::format("{}-{}", owner, rng_.suffix(5));
      int minute = rng_.below(60), second = rng_.below(60);
      std::string ts = fmt::format("2024-05-{:02}T{:02}:{:02}:{:02}Z", 1 + rng_.below(28),
                                   rng_.below(24), minute, second);
      int ip3 = rng_.below(256), ip4 = 1 + rng_.below(254);
      const char* node = rng_.pick(kNodes);
      emit("---\napiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: \"{}\"\n", ts);
      if (!a.stateful) emit("  generateName: {}-\n", owner);
      emit("  labels:\n");
      write_labels(a, 4);
      if (a.stateful)
        emit("    controller-revision-hash: {}\n    statefulset.kubernetes.io/pod-name: {}\n",
             a.hash, name);
      else
        emit("    pod-template-hash: {}\n", a.hash);
      emit("  managedFields:\n  - apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1:\n"
           "      f:metadata:\n        f:generateName: {{}}\n        f:labels:\n          .: {{}}\n"
           "          f:app.kubernetes.io/name: {{}}\n          f:tier: {{}}\n"
           "        f:ownerReferences:\n          .: {{}}\n          k:{{\"uid\":\"{}\"}}: {{}}\n"
           "      f:spec:\n        f:containers:\n          k:{{\"name\":\"{}\"}}:\n            .: {{}}\n"
           "            f:image: {{}}\n            f:name: {{}}\n    manager: kube-controller-manager\n"
           "    operation: Update\n    time: \"{}\"\n"
           "  - apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1:\n      f:status:\n"
           "        f:conditions:\n          k:{{\"type\":\"Ready\"}}:\n            .: {{}}\n"
           "            f:status: {{}}\n        f:podIP: {{}}\n    manager: kubelet\n"
           "    operation: Update\n    subresource: status\n    time: \"{}\"\n",
           a.uid, a.name, ts, ts);
      emit("  name: {}\n  namespace: {}\n  ownerReferences:\n  - apiVersion: apps/v1\n"
           "    blockOwnerDeletion: true\n    controller: true\n    kind: {}\n    name: {}\n"
           "    uid: {}\n  resourceVersion: \"{}\"\n  uid: {}\n",
           name, ns_of(a), owner_kind, owner, a.uid, 100000 + rng_.below(900000000), uid());
      emit("spec:\n  containers:\n  - name: {}\n    image: {}\n    imagePullPolicy: IfNotPresent\n",
           a.name, fmt::format(fmt::runtime(kImages[a.port_set % 3]), a.name, a.replicas, a.port_set));
      write_container_ports(a, 4);
      emit("    resources:\n      requests:\n        cpu: 100m\n        memory: 128Mi\n"
           "    terminationMessagePath: /dev/termination-log\n"
           "    terminationMessagePolicy: File\n    volumeMounts:\n"
           "    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n"
           "      name: kube-api-access-{0}\n      readOnly: true\n  dnsPolicy: ClusterFirst\n"
           "  enableServiceLinks: true\n  nodeName: {1}\n  preemptionPolicy: PreemptLowerPriority\n"
           "  priority: 0\n  restartPolicy: Always\n  schedulerName: default-scheduler\n"
           "  serviceAccountName: {2}\n  terminationGracePeriodSeconds: 30\n  tolerations:\n"
           "  - effect: NoExecute\n    key: node.kubernetes.io/not-ready\n    operator: Exists\n"
           "    tolerationSeconds: 300\n",
           rng_.suffix(5), node, a.name);
      emit("status:\n  conditions:\n  - lastProbeTime: null\n    lastTransitionTime: \"{0}\"\n"
           "    status: \"True\"\n    type: Ready\n  - lastProbeTime: null\n"
           "    lastTransitionTime: \"{0}\"\n    status: \"True\"\n    type: PodScheduled\n"
           "  containerStatuses:\n  - containerID: containerd://{1}\n    image: {2}\n"
           "    name: {2}\n    ready: true\n    restartCount: {3}\n    started: true\n"
           "    state:\n      running:\n        startedAt: \"{0}\"\n  hostIP: 10.0.{4}.{5}\n"
           "  phase: Running\n  podIP: 10.244.{6}.{7}\n  podIPs:\n  - ip: 10.244.{6}.{7}\n"
           "  qosClass: Burstable\n  startTime: \"{0}\"\n",
           ts, rng_.hex(64), a.name, rng_.below(3), 1 + rng_.below(4), 10 + rng_.below(50), ip3, ip4);
    }
  }

  const ClusterSpec& spec_;
  std::ostream& out_;
  Rng rng_;
  std::string buf_;
  std::vector<Namespace> namespaces_;
  std::vector<App> apps_;
};

}  // namespace

void generate_cluster(const ClusterSpec& spec, std::ostream& out) { Writer(spec, out).run(); }

std::string generate_cluster(const ClusterSpec& spec) {
  std::ostringstream out;
  generate_cluster(spec, out);
  return std::move(out).str();
}

}  // namespace netreach::bench
