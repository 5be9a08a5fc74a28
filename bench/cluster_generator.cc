#include "cluster_generator.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string_view>
#include <unordered_set>
#include <utility>
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

// Where the YAML goes: one stream, or files split between documents.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void write(std::string_view text) = 0;
  virtual void finish() {}
  long long bytes = 0;
};

class StreamSink : public Sink {
 public:
  explicit StreamSink(std::ostream& out) : out_(out) {}
  void write(std::string_view text) override {
    out_.write(text.data(), std::streamsize(text.size()));
    bytes += static_cast<long long>(text.size());
  }

 private:
  std::ostream& out_;
};

// Parts of at most part_bytes: text is held back until the start of the next
// document ("---" at the start of a line), and a part is closed before a run
// of documents that would make it too big.
class PartSink : public Sink {
 public:
  PartSink(const FileOutput& output, std::vector<std::string>& paths) : output_(output), paths_(paths) {
    std::filesystem::create_directories(output_.directory);
  }
  void write(std::string_view text) override {
    pending_ += text;
    size_t cut = pending_.rfind("\n---\n");
    if (cut == std::string::npos || cut == 0) return;
    put(std::string_view(pending_).substr(0, cut + 1));
    pending_.erase(0, cut + 1);
  }
  void finish() override {
    put(pending_);
    pending_.clear();
    file_.close();
  }

 private:
  void put(std::string_view text) {
    if (text.empty()) return;
    if (!file_.is_open() || (part_ > 0 && part_ + static_cast<long long>(text.size()) > output_.part_bytes)) {
      file_.close();
      paths_.push_back((std::filesystem::path(output_.directory) / fmt::format("{}-{:03}.yaml", output_.stem, paths_.size())).string());
      file_.open(paths_.back(), std::ios::binary | std::ios::trunc);
      part_ = 0;
    }
    file_.write(text.data(), std::streamsize(text.size()));
    part_ += static_cast<long long>(text.size());
    bytes += static_cast<long long>(text.size());
  }

  const FileOutput& output_;
  std::vector<std::string>& paths_;
  std::ofstream file_;
  std::string pending_;
  long long part_ = 0;
};

// A label value as kubectl prints it: quoted when YAML would read it as a
// number ("0042", "96291436e8").
std::string label_value(const std::string& v) {
  bool numeric = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == 'e' || c == 'E' || c == '.';
  }) && std::isdigit(static_cast<unsigned char>(v.front()));
  return numeric ? "\"" + v + "\"" : v;
}

// A Pod as `kubectl get pods -o yaml` prints it, for both shapes.
struct PodObject {
  std::string name, generate_name, namespace_;
  std::vector<std::pair<std::string, std::string>> labels;  // in this order
  const char* owner_kind = nullptr;
  std::string owner_name, owner_uid;
  std::string service_account, container, image;
  std::vector<NamedPort> ports;
  std::string node;
  bool host_network = false;
  const char* restart_policy = "Always";
};

// What both shapes share: the output buffer, the random source, the counts,
// and the Pod object writer.
class Emitter {
 public:
  Emitter(const ClusterSpec& spec, Sink& sink) : spec_(spec), sink_(sink), rng_(spec.seed) {}

  ClusterStats stats() const {
    ClusterStats s = stats_;
    s.bytes = sink_.bytes;
    s.distinct_pod_label_sets = static_cast<long long>(label_sets_.size());
    return s;
  }

 protected:
  template <typename... Args>
  void emit(fmt::format_string<Args...> f, Args&&... args) {
    fmt::format_to(std::back_inserter(buf_), f, std::forward<Args>(args)...);
    if (buf_.size() > (1u << 20)) flush();
  }
  void flush() {
    sink_.write(buf_);
    buf_.clear();
  }
  void done() {
    flush();
    sink_.finish();
  }
  std::string uid() {
    return fmt::format("{}-{}-{}-{}-{}", rng_.hex(8), rng_.hex(4), rng_.hex(4), rng_.hex(4),
                       rng_.hex(12));
  }

  // Including the fields a policy simulator ignores (managedFields, status
  // details): real dumps are mostly such noise, and the loader must wade
  // through it quickly.
  void write_pod_object(const PodObject& p) {
    ++stats_.pods;
    ++stats_.documents;
    uint64_t label_hash = 1469598103934665603ull;  // FNV-1a over the labels as written
    for (const auto& [k, v] : p.labels)
      for (std::string_view part : {std::string_view(k), std::string_view("="), std::string_view(v), std::string_view("\n")})
        for (char c : part) label_hash = (label_hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    label_sets_.insert(label_hash ^ std::hash<std::string_view>{}(p.namespace_));
    int minute = rng_.below(60), second = rng_.below(60);
    int day = 1 + rng_.below(28), hour = rng_.below(24);
    std::string ts = fmt::format("2024-05-{:02}T{:02}:{:02}:{:02}Z", day, hour, minute, second);
    int ip3 = rng_.below(256), ip4 = 1 + rng_.below(254);
    int host3 = 1 + rng_.below(4), host4 = 10 + rng_.below(50);
    emit("---\napiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: \"{}\"\n", ts);
    if (!p.generate_name.empty()) emit("  generateName: {}\n", p.generate_name);
    emit("  labels:\n");
    for (const auto& [k, v] : p.labels) emit("    {}: {}\n", k, label_value(v));
    emit("  managedFields:\n  - apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1:\n"
         "      f:metadata:\n        f:generateName: {{}}\n        f:labels:\n          .: {{}}\n");
    for (const auto& [k, v] : p.labels) emit("          f:{}: {{}}\n", k);
    emit("        f:ownerReferences:\n          .: {{}}\n          k:{{\"uid\":\"{}\"}}: {{}}\n"
         "      f:spec:\n        f:containers:\n          k:{{\"name\":\"{}\"}}:\n            .: {{}}\n"
         "            f:image: {{}}\n            f:name: {{}}\n    manager: kube-controller-manager\n"
         "    operation: Update\n    time: \"{}\"\n"
         "  - apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1:\n      f:status:\n"
         "        f:conditions:\n          k:{{\"type\":\"Ready\"}}:\n            .: {{}}\n"
         "            f:status: {{}}\n        f:podIP: {{}}\n    manager: kubelet\n"
         "    operation: Update\n    subresource: status\n    time: \"{}\"\n",
         p.owner_uid, p.container, ts, ts);
    int resource_version = 100000 + rng_.below(900000000);
    std::string pod_uid = uid();
    emit("  name: {}\n  namespace: {}\n  ownerReferences:\n  - apiVersion: {}\n"
         "    blockOwnerDeletion: true\n    controller: true\n    kind: {}\n    name: {}\n"
         "    uid: {}\n  resourceVersion: \"{}\"\n  uid: {}\n",
         p.name, p.namespace_, std::string_view(p.owner_kind) == "Job" ? "batch/v1" : "apps/v1", p.owner_kind,
         p.owner_name, p.owner_uid, resource_version, pod_uid);
    emit("spec:\n  containers:\n  - name: {}\n    image: {}\n    imagePullPolicy: IfNotPresent\n", p.container,
         p.image);
    if (!p.ports.empty()) {
      emit("    ports:\n");
      for (const NamedPort& port : p.ports)
        emit("    - name: {}\n      containerPort: {}\n      protocol: {}\n", port.name, port.port, port.protocol);
    }
    std::string volume = rng_.suffix(5);
    emit("    resources:\n      requests:\n        cpu: 100m\n        memory: 128Mi\n"
         "    terminationMessagePath: /dev/termination-log\n"
         "    terminationMessagePolicy: File\n    volumeMounts:\n"
         "    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n"
         "      name: kube-api-access-{0}\n      readOnly: true\n  dnsPolicy: ClusterFirst\n"
         "  enableServiceLinks: true\n",
         volume);
    if (p.host_network) emit("  hostNetwork: true\n");
    emit("  nodeName: {0}\n  preemptionPolicy: PreemptLowerPriority\n"
         "  priority: 0\n  restartPolicy: {1}\n  schedulerName: default-scheduler\n"
         "  serviceAccount: {2}\n  serviceAccountName: {2}\n  terminationGracePeriodSeconds: 30\n  tolerations:\n"
         "  - effect: NoExecute\n    key: node.kubernetes.io/not-ready\n    operator: Exists\n"
         "    tolerationSeconds: 300\n",
         p.node, p.restart_policy, p.service_account);
    std::string container_id = rng_.hex(64);
    int restarts = rng_.below(3);
    std::string pod_ip = p.host_network ? fmt::format("10.0.{}.{}", host3, host4) : fmt::format("10.244.{}.{}", ip3, ip4);
    emit("status:\n  conditions:\n  - lastProbeTime: null\n    lastTransitionTime: \"{0}\"\n"
         "    status: \"True\"\n    type: Ready\n  - lastProbeTime: null\n"
         "    lastTransitionTime: \"{0}\"\n    status: \"True\"\n    type: PodScheduled\n"
         "  containerStatuses:\n  - containerID: containerd://{1}\n    image: {2}\n"
         "    name: {3}\n    ready: true\n    restartCount: {4}\n    started: true\n"
         "    state:\n      running:\n        startedAt: \"{0}\"\n  hostIP: 10.0.{5}.{6}\n"
         "  phase: Running\n  podIP: {7}\n  podIPs:\n  - ip: {7}\n"
         "  qosClass: Burstable\n  startTime: \"{0}\"\n",
         ts, container_id, p.image, p.container, restarts, host3, host4, pod_ip);
  }

  const ClusterSpec& spec_;
  Sink& sink_;
  Rng rng_;
  std::string buf_;
  ClusterStats stats_;
  std::unordered_set<uint64_t> label_sets_;
};

// ---- the templates shape ---------------------------------------------------------

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

class Writer : public Emitter {
 public:
  using Emitter::Emitter;

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
    done();
  }

 private:
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
    stats_.namespaces += static_cast<long long>(namespaces_.size());
    stats_.documents += static_cast<long long>(namespaces_.size());
    for (const Namespace& ns : namespaces_)
      emit("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {0}\n  labels:\n"
           "    kubernetes.io/metadata.name: {0}\n    team: {1}\n    env: {2}\n",
           ns.name, ns.team, ns.env);
  }

  void write_kube_dns() {
    ++stats_.namespaces, ++stats_.workloads, ++stats_.services;
    stats_.documents += 3;
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
    ++stats_.workloads, ++stats_.documents;
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
      ++stats_.services, ++stats_.documents;
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
    ++stats_.cnp, ++stats_.documents;
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
    ++stats_.ccnp, ++stats_.documents;
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
    ++stats_.knp, ++stats_.documents;
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

  void write_pods(const App& a) {
    PodObject p;
    p.namespace_ = ns_of(a);
    p.owner_kind = a.stateful ? "StatefulSet" : "ReplicaSet";
    p.owner_name = a.stateful ? a.name : a.name + "-" + a.hash;
    p.owner_uid = a.uid;
    p.service_account = p.container = a.name;
    p.image = fmt::format(fmt::runtime(kImages[a.port_set % 3]), a.name, a.replicas, a.port_set);
    for (const NamedPort& port : kPortSets[a.port_set])
      if (port.name) p.ports.push_back(port);
    for (int r = 0; r < a.replicas; ++r) {
      p.name = a.stateful ? fmt::format("{}-{}", a.name, r) : fmt::format("{}-{}", p.owner_name, rng_.suffix(5));
      p.generate_name = a.stateful ? "" : p.owner_name + "-";
      p.labels = {{"app.kubernetes.io/name", a.name}, {"app.kubernetes.io/part-of", p.namespace_}, {"tier", a.tier}};
      if (a.stateful) {
        p.labels.emplace_back("controller-revision-hash", a.hash);
        p.labels.emplace_back("statefulset.kubernetes.io/pod-name", p.name);
      } else {
        p.labels.emplace_back("pod-template-hash", a.hash);
      }
      p.node = rng_.pick(kNodes);
      write_pod_object(p);
    }
  }

  std::vector<Namespace> namespaces_;
  std::vector<App> apps_;
};

// ---- the envelope shape ----------------------------------------------------------

constexpr const char* kTeamWords[] = {"atlas", "borealis", "cobalt", "delta",  "ember",  "falcon", "granite",
                                      "harbor", "iris",    "juniper", "kestrel", "lumen", "meridian", "nimbus",
                                      "onyx",  "pioneer", "quartz",  "raven",  "sierra", "tundra", "umbra",
                                      "vertex", "willow",  "xenon",   "zephyr"};
constexpr const char* kEnvelopeEnvs[] = {"prod", "staging", "dev"};
constexpr const char* kCharts[] = {"web-service", "worker", "stateful-store", "batch-job", "node-agent"};

// Named ports per workload (names unique within a container, as the API server
// requires); UDP and SCTP ones too, so protocols matter.
constexpr NamedPort kEnvelopePortSets[][3] = {
    {{"http", 8080, "TCP"}, {"metrics", 9090, "TCP"}, {nullptr, 0, nullptr}},
    {{"grpc", 50051, "TCP"}, {"metrics", 9090, "TCP"}, {"health", 8086, "TCP"}},
    {{"postgres", 5432, "TCP"}, {"metrics", 9187, "TCP"}, {nullptr, 0, nullptr}},
    {{"redis", 6379, "TCP"}, {nullptr, 0, nullptr}, {nullptr, 0, nullptr}},
    {{"http", 80, "TCP"}, {"https", 443, "TCP"}, {"quic", 443, "UDP"}},
    {{"kafka", 9092, "TCP"}, {"jmx", 5556, "TCP"}, {"metrics", 9308, "TCP"}},
    {{"statsd", 8125, "UDP"}, {"admin", 8126, "TCP"}, {nullptr, 0, nullptr}},
    {{"sip", 5060, "UDP"}, {"sip-tcp", 5060, "TCP"}, {"diameter", 3868, "SCTP"}},
};
constexpr int kEnvelopePortSetCount = int(std::size(kEnvelopePortSets));

enum class WorkloadKind { Deployment, StatefulSet, DaemonSet, Job };

struct EnvNamespace {
  std::string name;
  int team;
  const char* env;
  int tenant;
};

struct EnvWorkload {
  int ns;
  std::string name;
  WorkloadKind kind;
  int replicas;
  int port_set;
  const char* tier;
  std::string service_account;
  std::vector<std::string> hashes;  // ReplicaSets alive (Deployments), or the revision
  std::string uid;
  uint64_t name_seed;  // pod-name suffixes
  bool host_network;
  bool service;  // has a Service (Deployments and StatefulSets)
};

// The envelope's namespaces, workloads and pod names, drawn from the seed
// alone: the cluster and the expectations over it agree on every name.
struct EnvelopeModel {
  std::vector<EnvNamespace> namespaces;
  std::vector<EnvWorkload> workloads;
  int nodes = 3;

  explicit EnvelopeModel(const ClusterSpec& spec) {
    Rng rng(spec.seed ^ 0x5EEDE17E10BEull);
    int n_ns = std::max(1, spec.namespaces);
    for (int i = 0; i < n_ns; ++i) {
      int team = rng.below(int(std::size(kTeamWords)));
      namespaces.push_back({fmt::format("{}-{}-{:04}", kNamespaceWords[size_t(i) % std::size(kNamespaceWords)], kTeamWords[team], i),
                            team, rng.pick(kEnvelopeEnvs), rng.below(50)});
    }
    nodes = std::max(3, spec.pods / 110);
    int n_workloads = std::max(1, std::min(spec.workloads > 0 ? spec.workloads : spec.pods / 15, std::max(1, spec.pods)));
    // Kinds and their weight in pods: most pods belong to StatefulSets and
    // indexed Jobs, whose pods each carry a label of their own that Cilium's
    // label filter drops (pod name, pod index, completion index).
    double total_weight = 0;
    std::vector<double> weight;
    for (int i = 0; i < n_workloads; ++i) {
      EnvWorkload w;
      w.ns = i % n_ns;
      int roll = rng.below(100);
      w.kind = roll < 45 ? WorkloadKind::Deployment
               : roll < 80 ? WorkloadKind::StatefulSet
               : roll < 90 ? WorkloadKind::Job
                           : WorkloadKind::DaemonSet;
      w.name = fmt::format("{}-{}", kAppWords[size_t(rng.below(int(std::size(kAppWords))))], i);
      w.port_set = rng.below(kEnvelopePortSetCount);
      w.tier = rng.pick(kTiers);
      w.service_account = rng.chance(70) ? w.name : "default";
      int generations = w.kind == WorkloadKind::Deployment && rng.chance(30) ? 2 + rng.below(2) : 1;
      // Hashes in the controllers' alphabet (bcdfghjklmnpqrstvwxz2456789).
      for (int g = 0; g < generations; ++g) w.hashes.push_back(w.kind == WorkloadKind::StatefulSet ? w.name + "-" + rng.suffix(10) : rng.suffix(10));
      w.uid = fmt::format("{}-{}-{}-{}-{}", rng.hex(8), rng.hex(4), rng.hex(4), rng.hex(4), rng.hex(12));
      w.name_seed = rng.next();
      w.host_network = w.kind == WorkloadKind::DaemonSet && rng.chance(30);
      w.service = w.kind == WorkloadKind::Deployment || w.kind == WorkloadKind::StatefulSet;
      double base = w.kind == WorkloadKind::Deployment ? 3 : w.kind == WorkloadKind::DaemonSet ? 8 : 28;
      weight.push_back(base * (0.7 + 0.6 * double(rng.below(1000)) / 1000.0));
      total_weight += weight.back();
      workloads.push_back(std::move(w));
    }
    // Replicas in proportion to the weights, at least one each, summing to spec.pods.
    int assigned = 0;
    for (size_t i = 0; i < workloads.size(); ++i) {
      workloads[i].replicas = std::max(1, int(double(spec.pods) * weight[i] / total_weight));
      assigned += workloads[i].replicas;
    }
    for (size_t i = 0; assigned != spec.pods && !workloads.empty(); i = (i + 1) % workloads.size()) {
      if (assigned < spec.pods) workloads[i].replicas++, assigned++;
      else if (workloads[i].replicas > 1) workloads[i].replicas--, assigned--;
    }
  }

  const std::string& ns_of(const EnvWorkload& w) const { return namespaces[size_t(w.ns)].name; }

  // Suffixes as the controllers make them (5 characters of
  // bcdfghjklmnpqrstvwxz2456789), distinct within a workload.
  static std::string suffix(uint64_t seed, int replica) {
    static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    uint64_t v = (seed + uint64_t(replica) * 104729ull) % 14348907ull;  // 27^5; 104729 is prime, not 3
    std::string s(5, 'b');
    for (int i = 0; i < 5; ++i, v /= 27) s[size_t(i)] = kAlphabet[v % 27];
    return s;
  }

  // The ReplicaSet (Deployments) or revision of replica r.
  const std::string& hash_of(const EnvWorkload& w, int r) const { return w.hashes[size_t(r) % w.hashes.size()]; }

  std::string pod_name(const EnvWorkload& w, int r) const {
    switch (w.kind) {
      case WorkloadKind::Deployment: return fmt::format("{}-{}-{}", w.name, hash_of(w, r), suffix(w.name_seed, r));
      case WorkloadKind::StatefulSet: return fmt::format("{}-{}", w.name, r);
      case WorkloadKind::DaemonSet: return fmt::format("{}-{}", w.name, suffix(w.name_seed, r));
      case WorkloadKind::Job: return fmt::format("{}-{}-{}", w.name, r, suffix(w.name_seed, r));
    }
    return w.name;
  }

  std::vector<NamedPort> ports_of(const EnvWorkload& w) const {
    std::vector<NamedPort> out;
    for (const NamedPort& p : kEnvelopePortSets[w.port_set])
      if (p.name) out.push_back(p);
    return out;
  }
};

class EnvelopeWriter : public Emitter {
 public:
  EnvelopeWriter(const ClusterSpec& spec, Sink& sink) : Emitter(spec, sink), model_(spec) {}

  void run() {
    write_namespaces();
    write_system();
    write_services();
    write_policies();
    for (const EnvWorkload& w : model_.workloads) write_pods(w);
    stats_.workloads += static_cast<long long>(model_.workloads.size());
    done();
  }

 private:
  const EnvWorkload& random_workload() { return model_.workloads[size_t(rng_.below(int(model_.workloads.size())))]; }
  const EnvNamespace& ns(const EnvWorkload& w) const { return model_.namespaces[size_t(w.ns)]; }
  std::string node_name(int n) const { return fmt::format("ip-10-{}-{}-{}.ec2.internal", 16 + (n >> 12), (n >> 6) & 63, n & 63); }
  std::string image_of(const EnvWorkload& w) {
    return fmt::format(fmt::runtime(kImages[size_t(w.port_set) % std::size(kImages)]), w.name, w.port_set, w.replicas % 10);
  }

  void write_namespaces() {
    for (const EnvNamespace& n : model_.namespaces) {
      ++stats_.namespaces, ++stats_.documents;
      emit("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {0}\n  labels:\n"
           "    kubernetes.io/metadata.name: {0}\n    team: {1}\n    env: {2}\n    tenant: t{3:02}\n"
           "    pod-security.kubernetes.io/enforce: baseline\n",
           n.name, kTeamWords[n.team], n.env, n.tenant);
    }
    for (const char* name : {"kube-system", "monitoring", "ingress-nginx"}) {
      ++stats_.namespaces, ++stats_.documents;
      emit("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {0}\n  labels:\n    kubernetes.io/metadata.name: {0}\n", name);
    }
  }

  // kube-dns, Prometheus and the ingress controller, as Pod objects too.
  void write_system() {
    struct System {
      const char* ns;
      const char* name;
      const char* app_label_key;
      const char* app;
      int replicas;
      std::vector<NamedPort> ports;
    };
    const System systems[] = {
        {"kube-system", "coredns", "k8s-app", "kube-dns", 2, {{"dns", 53, "UDP"}, {"dns-tcp", 53, "TCP"}, {"metrics", 9153, "TCP"}}},
        {"monitoring", "prometheus", "app.kubernetes.io/name", "prometheus", 2, {{"web", 9090, "TCP"}}},
        {"ingress-nginx", "ingress-nginx-controller", "app.kubernetes.io/name", "ingress-nginx", 3,
         {{"http", 80, "TCP"}, {"https", 443, "TCP"}}},
    };
    for (const System& sys : systems) {
      std::string hash = rng_.suffix(10);
      PodObject p;
      p.namespace_ = sys.ns;
      p.owner_kind = "ReplicaSet";
      p.owner_name = fmt::format("{}-{}", sys.name, hash);
      p.owner_uid = uid();
      p.service_account = p.container = sys.name;
      p.image = fmt::format("registry.k8s.io/{}:v1.11.1", sys.name);
      p.ports = sys.ports;
      for (int r = 0; r < sys.replicas; ++r) {
        p.name = fmt::format("{}-{}", p.owner_name, rng_.suffix(5));
        p.generate_name = p.owner_name + "-";
        p.labels = {{sys.app_label_key, sys.app}, {"pod-template-hash", hash}};
        p.node = node_name(rng_.below(model_.nodes));
        write_pod_object(p);
      }
      ++stats_.services, ++stats_.documents;
      emit("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {}\n  namespace: {}\nspec:\n  selector:\n    {}: {}\n  ports:\n",
           std::string_view(sys.name) == "coredns" ? "kube-dns" : sys.name, sys.ns, sys.app_label_key, sys.app);
      for (const NamedPort& port : sys.ports)
        emit("  - name: {0}\n    port: {1}\n    protocol: {2}\n    targetPort: {0}\n", port.name, port.port, port.protocol);
    }
  }

  void write_services() {
    for (const EnvWorkload& w : model_.workloads) {
      if (!w.service) continue;
      ++stats_.services, ++stats_.documents;
      emit("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {0}\n  namespace: {1}\n  labels:\n"
           "    app.kubernetes.io/name: {0}\n    team: {2}\nspec:\n{3}  selector:\n    app.kubernetes.io/name: {0}\n"
           "    app.kubernetes.io/instance: {0}-{4}\n  ports:\n",
           w.name, model_.ns_of(w), kTeamWords[ns(w).team], w.kind == WorkloadKind::StatefulSet ? "  clusterIP: None\n" : "",
           ns(w).env);
      for (const NamedPort& port : model_.ports_of(w))
        emit("  - name: {0}\n    port: {1}\n    protocol: {2}\n    targetPort: {0}\n", port.name, port.port, port.protocol);
    }
  }

  // ---- policies ----

  void write_policies() {
    int total = std::max(0, spec_.policies);
    int defaults = std::min(total, int(model_.namespaces.size()));
    int rest = total - defaults;
    int ccnps = std::min(rest, std::max(rest > 0 ? 1 : 0, rest / 200));
    int knps = (rest - ccnps) * 28 / 100;
    int cnps = rest - ccnps - knps;
    for (int i = 0; i < defaults; ++i) write_namespace_default(model_.namespaces[size_t(i)]);
    for (int i = 0; i < ccnps; ++i) write_ccnp(i);
    for (int i = 0; i < cnps; ++i) write_cnp(i);
    for (int i = 0; i < knps; ++i) write_knp(i);
  }

  // Same-namespace traffic, Prometheus scraping by named port, DNS through the proxy.
  void write_namespace_default(const EnvNamespace& n) {
    ++stats_.cnp, ++stats_.documents;
    emit("---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: namespace-defaults\n  namespace: {}\n"
         "spec:\n  description: \"Default for every namespace: its own pods, scraping, DNS\"\n  endpointSelector: {{}}\n"
         "  ingress:\n  - fromEndpoints:\n    - {{}}\n  - fromEndpoints:\n    - matchLabels:\n"
         "        k8s:io.kubernetes.pod.namespace: monitoring\n        app.kubernetes.io/name: prometheus\n"
         "    toPorts:\n    - ports:\n      - port: metrics\n        protocol: TCP\n"
         "  egress:\n  - toEndpoints:\n    - {{}}\n  - toEndpoints:\n    - matchLabels:\n"
         "        k8s:io.kubernetes.pod.namespace: kube-system\n        k8s:k8s-app: kube-dns\n"
         "    toPorts:\n    - ports:\n      - port: \"53\"\n        protocol: ANY\n      rules:\n        dns:\n"
         "        - matchPattern: \"*\"\n",
         n.name);
  }

  // The ports of a workload, in a toPorts rule: by name or by number.
  void write_cnp_ports(const EnvWorkload& w, const char* pad) {
    emit("{0}toPorts:\n{0}- ports:\n", pad);
    bool by_name = rng_.chance(40);
    for (const NamedPort& p : model_.ports_of(w)) {
      if (by_name) emit("{0}  - port: {1}\n{0}    protocol: {2}\n", pad, p.name, p.protocol);
      else emit("{0}  - port: \"{1}\"\n{0}    protocol: {2}\n", pad, p.port, p.protocol);
    }
  }

  void write_cnp(int i) {
    ++stats_.cnp, ++stats_.documents;
    const EnvWorkload& a = random_workload();
    const EnvWorkload& peer = random_workload();
    const EnvWorkload& dep = random_workload();
    emit("---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: {}-{}\n  namespace: {}\n"
         "spec:\n  endpointSelector:\n    matchLabels:\n      app.kubernetes.io/name: {}\n  ingress:\n  - fromEndpoints:\n"
         "    - matchLabels:\n        app.kubernetes.io/component: frontend\n",
         a.name, i, model_.ns_of(a), a.name);
    if (rng_.chance(50))  // cross-namespace, by the peer namespace's labels
      emit("    - matchLabels:\n        k8s:io.cilium.k8s.namespace.labels.team: {}\n        app.kubernetes.io/name: {}\n",
           kTeamWords[ns(peer).team], peer.name);
    if (rng_.chance(35))  // by service account
      emit("    - matchLabels:\n        k8s:io.cilium.k8s.policy.serviceaccount: {}\n        k8s:io.kubernetes.pod.namespace: {}\n",
           peer.service_account, model_.ns_of(peer));
    if (rng_.chance(20))
      emit("    - matchExpressions:\n      - key: k8s:io.cilium.k8s.namespace.labels.env\n        operator: In\n"
           "        values:\n        - prod\n        - staging\n      - key: tier\n        operator: NotIn\n        values:\n        - data\n");
    write_cnp_ports(a, "    ");
    if (rng_.chance(20)) {
      emit("  - fromEntities:\n    - {}\n", rng_.pick(kEntities));
      if (rng_.chance(50)) emit("    - health\n");
      write_cnp_ports(a, "    ");
    }
    if (rng_.chance(15))
      emit("  - fromCIDRSet:\n    - cidr: 10.{0}.0.0/16\n      except:\n      - 10.{0}.{1}.0/24\n      - 10.{0}.{2}.128/25\n",
           rng_.below(256), rng_.below(256), rng_.below(256));
    if (rng_.chance(15))
      emit("  ingressDeny:\n  - fromEntities:\n    - world\n    toPorts:\n    - ports:\n      - port: \"30000\"\n"
           "        endPort: 32767\n        protocol: TCP\n");
    emit("  egress:\n  - toEndpoints:\n    - matchLabels:\n        app.kubernetes.io/name: {}\n", dep.name);
    if (dep.ns != a.ns) emit("        k8s:io.kubernetes.pod.namespace: {}\n", model_.ns_of(dep));
    write_cnp_ports(dep, "    ");
    if (dep.service && rng_.chance(10))
      emit("  - toServices:\n    - k8sService:\n        serviceName: {}\n        namespace: {}\n", dep.name, model_.ns_of(dep));
    if (rng_.chance(25))
      emit("  - toCIDRSet:\n    - cidr: 0.0.0.0/0\n      except:\n      - 10.0.0.0/8\n      - 172.16.0.0/12\n      - 192.168.0.0/16\n"
           "    toPorts:\n    - ports:\n      - port: \"443\"\n        protocol: TCP\n");
    if (rng_.chance(10)) emit("  - toEntities:\n    - kube-apiserver\n");
    if (rng_.chance(15))
      emit("  egressDeny:\n  - toCIDRSet:\n    - cidr: 169.254.169.254/32\n  - toEntities:\n    - world\n    toPorts:\n"
           "    - ports:\n      - port: \"1\"\n        endPort: 1023\n        protocol: UDP\n");
  }

  void write_ccnp(int i) {
    ++stats_.ccnp, ++stats_.documents;
    const char* team = kTeamWords[size_t(i) % std::size(kTeamWords)];
    emit("---\napiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata:\n  name: team-{}-baseline-{}\n"
         "spec:\n  endpointSelector:\n    matchLabels:\n      k8s:io.cilium.k8s.namespace.labels.team: {}\n"
         "  ingress:\n  - fromEntities:\n    - health\n    - remote-node\n  - fromEndpoints:\n    - matchLabels:\n"
         "        k8s:io.kubernetes.pod.namespace: ingress-nginx\n        app.kubernetes.io/name: ingress-nginx\n"
         "    toPorts:\n    - ports:\n      - port: http\n        protocol: TCP\n      - port: \"8080\"\n        protocol: TCP\n"
         "  egress:\n  - toEntities:\n    - kube-apiserver\n    toPorts:\n    - ports:\n      - port: \"6443\"\n        protocol: TCP\n"
         "  egressDeny:\n  - toCIDRSet:\n    - cidr: 169.254.0.0/16\n      except:\n      - 169.254.20.10/32\n",
         team, i, team);
  }

  void write_knp(int i) {
    ++stats_.knp, ++stats_.documents;
    const EnvWorkload& a = random_workload();
    const EnvWorkload& peer = random_workload();
    bool egress = rng_.chance(50);
    emit("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {}-np-{}\n  namespace: {}\n"
         "spec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: {}\n  policyTypes:\n  - Ingress\n{}"
         "  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app.kubernetes.io/component: frontend\n"
         "    - namespaceSelector:\n        matchLabels:\n          team: {}\n      podSelector:\n        matchLabels:\n"
         "          app.kubernetes.io/name: {}\n",
         a.name, i, model_.ns_of(a), a.name, egress ? "  - Egress\n" : "", kTeamWords[ns(peer).team], peer.name);
    if (rng_.chance(30))
      emit("    - ipBlock:\n        cidr: 172.16.0.0/12\n        except:\n        - 172.16.{}.0/24\n", rng_.below(256));
    emit("    ports:\n");
    const NamedPort p = model_.ports_of(a).front();
    if (rng_.chance(50)) emit("    - protocol: {}\n      port: {}\n", p.protocol, p.name);
    else emit("    - protocol: {}\n      port: {}\n", p.protocol, p.port);
    if (rng_.chance(20)) emit("    - protocol: TCP\n      port: 8000\n      endPort: 8999\n");
    if (egress) {
      emit("  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: kube-system\n"
           "      podSelector:\n        matchLabels:\n          k8s-app: kube-dns\n    ports:\n    - protocol: UDP\n      port: 53\n"
           "    - protocol: TCP\n      port: 53\n  - to:\n    - ipBlock:\n        cidr: 0.0.0.0/0\n        except:\n        - 10.0.0.0/8\n"
           "    ports:\n    - protocol: TCP\n      port: 443\n");
    }
  }

  // ---- pods ----

  void write_pods(const EnvWorkload& w) {
    const EnvNamespace& n = ns(w);
    PodObject p;
    p.namespace_ = n.name;
    p.service_account = w.service_account;
    p.container = w.name;
    p.image = image_of(w);
    p.ports = model_.ports_of(w);
    p.host_network = w.host_network;
    p.owner_uid = w.uid;
    std::string chart = fmt::format("{}-1.{}.{}", kCharts[int(w.kind)], w.port_set, w.replicas % 7);
    for (int r = 0; r < w.replicas; ++r) {
      p.name = model_.pod_name(w, r);
      p.labels = {{"app.kubernetes.io/name", w.name},
                  {"app.kubernetes.io/instance", fmt::format("{}-{}", w.name, n.env)},
                  {"app.kubernetes.io/component", w.tier},
                  {"app.kubernetes.io/part-of", n.name},
                  {"app.kubernetes.io/managed-by", "Helm"},
                  {"helm.sh/chart", chart},
                  {"team", kTeamWords[n.team]}};
      const std::string& hash = model_.hash_of(w, r);
      switch (w.kind) {
        case WorkloadKind::Deployment:
          p.owner_kind = "ReplicaSet";
          p.owner_name = fmt::format("{}-{}", w.name, hash);
          p.generate_name = p.owner_name + "-";
          p.labels.emplace_back("pod-template-hash", hash);
          p.restart_policy = "Always";
          break;
        case WorkloadKind::StatefulSet:
          p.owner_kind = "StatefulSet";
          p.owner_name = w.name;
          p.generate_name = w.name + "-";
          p.labels.emplace_back("apps.kubernetes.io/pod-index", std::to_string(r));
          p.labels.emplace_back("controller-revision-hash", hash);
          p.labels.emplace_back("statefulset.kubernetes.io/pod-name", p.name);
          p.restart_policy = "Always";
          break;
        case WorkloadKind::DaemonSet:
          p.owner_kind = "DaemonSet";
          p.owner_name = w.name;
          p.generate_name = w.name + "-";
          p.labels.emplace_back("controller-revision-hash", hash);
          p.labels.emplace_back("pod-template-generation", "1");
          p.restart_policy = "Always";
          break;
        case WorkloadKind::Job:
          p.owner_kind = "Job";
          p.owner_name = w.name;
          p.generate_name = fmt::format("{}-{}-", w.name, r);
          p.labels.emplace_back("batch.kubernetes.io/controller-uid", w.uid);
          p.labels.emplace_back("batch.kubernetes.io/job-completion-index", std::to_string(r));
          p.labels.emplace_back("batch.kubernetes.io/job-name", w.name);
          p.labels.emplace_back("controller-uid", w.uid);
          p.labels.emplace_back("job-name", w.name);
          p.restart_policy = "Never";
          break;
      }
      p.node = node_name(w.kind == WorkloadKind::DaemonSet ? r % model_.nodes : rng_.below(model_.nodes));
      write_pod_object(p);
    }
  }

  EnvelopeModel model_;
};

// Expectations over the envelope: pods by name (NS/POD), Services, entities
// and addresses, every way of stating a port.
void write_envelope_expectations(const ClusterSpec& spec, int count, std::ostream& out) {
  EnvelopeModel model(spec);
  Rng rng(spec.seed ^ 0xE4BEC7A7105ull);
  std::string buf = "apiVersion: netreach/v1\nkind: Expectations\nexpectations:\n";
  auto pod_ref = [&](const EnvWorkload& w) {
    return fmt::format("{}/{}", model.ns_of(w), model.pod_name(w, rng.below(w.replicas)));
  };
  auto random_workload = [&]() -> const EnvWorkload& { return model.workloads[size_t(rng.below(int(model.workloads.size())))]; };
  for (int i = 0; i < count; ++i) {
    const EnvWorkload& src = random_workload();
    std::string from = pod_ref(src);
    std::string to, port, protocol;
    int roll = rng.below(100);
    if (roll < 75) {
      const EnvWorkload* dst = &random_workload();
      if (roll < 15) {  // within the source's namespace when it has another workload
        for (int tries = 0; tries < 8 && dst->ns != src.ns; ++tries) dst = &random_workload();
      }
      bool service = dst->service && roll >= 55;
      to = service ? fmt::format("{}/svc/{}", model.ns_of(*dst), dst->name) : pod_ref(*dst);
      std::vector<NamedPort> ports = model.ports_of(*dst);
      const NamedPort& p = ports[size_t(rng.below(int(ports.size())))];
      std::string lower = p.protocol;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      int way = rng.below(5);
      // A bare number means TCP: a Service without that TCP port would be an input error.
      if (way == 1 && service && std::string_view(p.protocol) != "TCP") way = 2;
      switch (way) {
        case 0: port = p.name; break;                                    // named: the port's own protocol
        case 1: port = fmt::format("\"{}\"", p.port); break;             // a number: TCP
        case 2: port = fmt::format("{}/{}", p.port, p.protocol); break;  // NUMBER/PROTOCOL
        case 3: port = fmt::format("\"{}\"", p.port), protocol = p.protocol; break;
        default: port = fmt::format("{}/{}", p.port, lower); break;      // lower case
      }
    } else if (roll < 85) {
      to = "kube-system/svc/kube-dns";
      port = rng.chance(50) ? "dns" : "53/UDP";
    } else if (roll < 92) {
      to = rng.chance(50) ? "world" : fmt::format("203.0.113.{}", 1 + rng.below(254));
      port = "443/TCP";
    } else {
      to = pod_ref(src);
      from = rng.pick(kEntities);
      if (from == "cluster") from = "host";
      std::vector<NamedPort> ports = model.ports_of(src);
      port = fmt::format("{}/{}", ports.front().port, ports.front().protocol);
    }
    if (rng.chance(50)) buf += fmt::format("  - name: \"e{}: {} -> {}\"\n    from: {}\n", i, from, to, from);
    else buf += fmt::format("  - from: {}\n", from);
    buf += fmt::format("    to: {}\n    port: {}\n", to, port);
    if (!protocol.empty()) buf += fmt::format("    protocol: {}\n", protocol);
    buf += fmt::format("    expect: {}\n", rng.chance(50) ? "allow" : "deny");
    if (buf.size() > (1u << 20)) {
      out.write(buf.data(), std::streamsize(buf.size()));
      buf.clear();
    }
  }
  out.write(buf.data(), std::streamsize(buf.size()));
}

ClusterStats run_writer(const ClusterSpec& spec, Sink& sink) {
  if (spec.envelope) {
    EnvelopeWriter w(spec, sink);
    w.run();
    return w.stats();
  }
  Writer w(spec, sink);
  w.run();
  return w.stats();
}

}  // namespace

ClusterSpec envelope_spec(int pods, uint64_t seed) {
  ClusterSpec spec;
  spec.seed = seed;
  spec.envelope = true;
  spec.pods = pods;
  spec.namespaces = std::max(1, pods / 75);
  spec.workloads = std::max(1, pods / 15);
  spec.policies = std::max(1, pods * 3 / 25);
  spec.include_pod_objects = true;
  return spec;
}

ClusterStats generate_cluster(const ClusterSpec& spec, std::ostream& out) {
  StreamSink sink(out);
  return run_writer(spec, sink);
}

std::string generate_cluster(const ClusterSpec& spec) {
  std::ostringstream out;
  generate_cluster(spec, out);
  return std::move(out).str();
}

ClusterStats generate_cluster_files(const ClusterSpec& spec, const FileOutput& output, std::vector<std::string>& paths) {
  PartSink sink(output, paths);
  return run_writer(spec, sink);
}

void generate_expectations(const ClusterSpec& spec, int count, std::ostream& out) {
  write_envelope_expectations(spec, count, out);
}

}  // namespace netreach::bench
