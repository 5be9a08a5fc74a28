// Seeded random clusters for differential testing; see cluster_gen.h.
#include "cluster_gen.h"

#include <algorithm>
#include <cctype>
#include <random>
#include <set>
#include <string_view>

namespace netreach::differential {
namespace {

// ---- YAML emission ------------------------------------------------------------

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Keys are written plain unless they hold a character YAML could misread.
std::string key_text(const std::string& k) {
  for (char c : k)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '/')) return quote(k);
  return k;
}

std::string scalar_text(const YNode& n) { return n.quoted ? quote(n.scalar) : n.scalar; }

bool is_inline(const YNode& n) {
  return n.kind == YNode::Kind::Scalar || (n.kind == YNode::Kind::Seq && n.items.empty()) ||
         (n.kind == YNode::Kind::Map && n.entries.empty());
}

std::string inline_text(const YNode& n) {
  if (n.kind == YNode::Kind::Scalar) return scalar_text(n);
  return n.kind == YNode::Kind::Seq ? "[]" : "{}";
}

// Emits a non-inline node at column `indent`; when `first_inline`, the first
// line continues the current line (after "- ").
void emit(const YNode& n, int indent, bool first_inline, std::string& out) {
  std::string pad(indent, ' ');
  bool first = true;
  if (n.kind == YNode::Kind::Map) {
    for (const auto& [k, v] : n.entries) {
      if (!(first && first_inline)) out += pad;
      first = false;
      out += key_text(k) + ":";
      if (is_inline(v)) {
        out += " " + inline_text(v) + "\n";
      } else {
        out += "\n";
        emit(v, indent + 2, false, out);
      }
    }
  } else {
    for (const auto& item : n.items) {
      if (!(first && first_inline)) out += pad;
      first = false;
      out += "-";
      if (is_inline(item)) {
        out += " " + inline_text(item) + "\n";
      } else if (item.kind == YNode::Kind::Map) {
        out += " ";
        emit(item, indent + 2, true, out);
      } else {
        out += "\n";
        emit(item, indent + 2, false, out);
      }
    }
  }
}

// ---- random helpers ------------------------------------------------------------

struct Rng {
  std::mt19937_64 gen;
  explicit Rng(uint64_t seed) : gen(seed * 0x9E3779B97F4A7C15ULL + 12345) {}
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(gen) < p; }
  int range(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }  // inclusive
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[range(0, static_cast<int>(v.size()) - 1)]; }
  template <typename T>
  std::vector<T> subset(const std::vector<T>& v, int lo, int hi) {  // distinct, lo..hi elements
    std::vector<T> copy = v;
    std::shuffle(copy.begin(), copy.end(), gen);
    copy.resize(std::min<size_t>(copy.size(), range(lo, hi)));
    return copy;
  }
};

YNode S(const std::string& s) { return YNode::str(s); }
YNode P(const std::string& s) { return YNode::plain(s); }

YNode str_seq(const std::vector<std::string>& values) {
  YNode seq = YNode::seq();
  for (const auto& v : values) seq.add(S(v));
  return seq;
}

YNode expression(const std::string& key, const std::string& op, const std::vector<std::string>& values = {}) {
  YNode e = YNode::map();
  e.set("key", S(key));
  e.set("operator", S(op));
  if (!values.empty()) e.set("values", str_seq(values));
  return e;
}

// ---- the generator ------------------------------------------------------------------

const std::vector<std::string> kNamespacePool = {"alpha", "beta", "gamma", "delta"};
const std::vector<std::string> kApps = {"web", "db", "api"};
const std::vector<std::string> kTiers = {"front", "back"};

struct ContainerPortSpec {
  std::string name;
  int port;
  std::string protocol;  // "TCP" or "UDP"
};
const std::vector<ContainerPortSpec> kContainerPorts = {
    {"http", 8080, "TCP"}, {"http", 8081, "TCP"},  {"dns", 53, "UDP"},   {"metrics", 9090, "TCP"},
    {"", 80, "TCP"},       {"web", 80, "TCP"},     {"", 5432, "TCP"},   {"dns", 5353, "UDP"},
    {"db", 5432, "TCP"},   {"http", 8080, "UDP"},  {"", 7000, "SCTP"},   {"http", 8082, "SCTP"},
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) { out_.seed = seed; }

  GeneratedCluster run() {
    namespaces_ = rng_.subset(kNamespacePool, 2, 4);
    std::sort(namespaces_.begin(), namespaces_.end());
    for (const auto& ns : namespaces_) add_namespace(ns);
    if (rng_.chance(0.75)) add_cluster_dns();
    int pods = rng_.range(3, 8);
    for (int i = 0; i < pods; ++i) add_pod(i);
    int services = rng_.chance(0.75) ? rng_.range(1, 3) : 0;
    for (int i = 0; i < services; ++i) add_service(i);
    int policies = rng_.range(1, 6);
    for (int i = 0; i < policies; ++i) {
      double r = rng_.range(0, 99) / 100.0;
      if (r < 0.45) add_cilium_policy(i, false);
      else if (r < 0.70) add_cilium_policy(i, true);
      else add_knp(i);
    }
    out_.external_ips = {"10.1.2.3", "10.9.9.9", "203.0.113.5", "8.8.8.8"};
    out_.fqdn_names = {"fqdn:api.example.com", "fqdn:a.example.com", "fqdn:x.b.example.com", "fqdn:other.org"};
    return std::move(out_);
  }

 private:
  Rng rng_;
  GeneratedCluster out_;
  std::vector<std::string> namespaces_;
  std::vector<std::string> pod_namespaces_;  // of the generated pods (not the cluster DNS)
  struct GeneratedService {
    std::string ns, name;
  };
  std::vector<GeneratedService> services_;

  const std::string& some_ns() { return rng_.pick(namespaces_); }

  void add_namespace(const std::string& name) {
    YNode doc = YNode::map();
    doc.set("apiVersion", S("v1"));
    doc.set("kind", S("Namespace"));
    YNode& md = doc.set("metadata", YNode::map());
    md.set("name", S(name));
    YNode labels = YNode::map();
    if (rng_.chance(0.6)) labels.set("team", S(rng_.chance(0.5) ? "red" : "blue"));
    if (rng_.chance(0.5)) labels.set("env", S(rng_.chance(0.5) ? "prod" : "dev"));
    if (!labels.entries.empty()) md.set("labels", std::move(labels));
    out_.documents.push_back(std::move(doc));
  }

  // The cluster DNS (docs/semantics.md#dns-visibility): kube-system's `k8s-app: kube-dns` pod.
  void add_cluster_dns() {
    YNode ns = YNode::map();
    ns.set("apiVersion", S("v1"));
    ns.set("kind", S("Namespace"));
    ns.set("metadata", YNode::map()).set("name", S("kube-system"));
    out_.documents.push_back(std::move(ns));
    YNode doc = YNode::map();
    doc.set("apiVersion", S("v1"));
    doc.set("kind", S("Pod"));
    YNode& md = doc.set("metadata", YNode::map());
    md.set("name", S("coredns"));
    md.set("namespace", S("kube-system"));
    md.set("labels", YNode::map()).set("k8s-app", S("kube-dns"));
    YNode container = YNode::map();
    container.set("name", S("coredns"));
    container.set("image", S("x"));
    YNode& ports = container.set("ports", YNode::seq());
    for (auto [name, proto] : {std::pair{"dns", "UDP"}, std::pair{"dns-tcp", "TCP"}}) {
      YNode cp = YNode::map();
      cp.set("name", S(name));
      cp.set("containerPort", P("53"));
      cp.set("protocol", S(proto));
      ports.add(std::move(cp));
    }
    doc.set("spec", YNode::map()).set("containers", YNode::seq()).add(std::move(container));
    out_.documents.push_back(std::move(doc));
    out_.pods.push_back("kube-system/coredns");
  }

  // A ClusterIP Service in the namespace of some generated pod: a selector on
  // `app` (now and then none), ports with a numeric, a named or no targetPort
  // (docs/semantics.md#service-backends).
  void add_service(int index) {
    struct SP { std::string name; int port; std::string target; bool named_target; std::string proto; };
    static const std::vector<SP> kPorts = {
        {"web", 80, "8080", false, "TCP"}, {"named", 81, "http", true, "TCP"}, {"db", 5432, "", false, "TCP"},
        {"dns", 53, "dns", true, "UDP"},   {"plain", 90, "80", false, "TCP"},
    };
    std::string name = "s" + std::to_string(index);
    const std::string& ns = rng_.pick(pod_namespaces_);
    YNode doc = YNode::map();
    doc.set("apiVersion", S("v1"));
    doc.set("kind", S("Service"));
    YNode& md = doc.set("metadata", YNode::map());
    md.set("name", S(name));
    md.set("namespace", S(ns));
    if (rng_.chance(0.8)) md.set("labels", YNode::map()).set("svc", S(rng_.chance(0.5) ? "a" : "b"));
    YNode& spec = doc.set("spec", YNode::map());
    if (rng_.chance(0.3)) spec.set("type", S("ClusterIP"));
    if (rng_.chance(0.85)) spec.set("selector", YNode::map()).set("app", S(rng_.pick(kApps)));
    std::vector<SP> chosen = rng_.subset(kPorts, 1, 2);
    YNode& ports = spec.set("ports", YNode::seq());
    for (const auto& sp : chosen) {
      YNode p = YNode::map();
      if (chosen.size() > 1 || rng_.chance(0.5)) p.set("name", S(sp.name));
      p.set("port", P(std::to_string(sp.port)));
      if (sp.proto != "TCP" || rng_.chance(0.3)) p.set("protocol", S(sp.proto));
      if (!sp.target.empty()) p.set("targetPort", sp.named_target ? S(sp.target) : P(sp.target));
      ports.add(std::move(p));
      out_.service_targets.push_back({ns + "/svc/" + name, std::to_string(sp.port) + "/" + sp.proto});
    }
    out_.documents.push_back(std::move(doc));
    services_.push_back({ns, name});
  }

  void add_pod(int index) {
    std::string name = "p" + std::to_string(index);
    std::string ns = some_ns();
    YNode labels = YNode::map();
    if (rng_.chance(0.8)) labels.set("app", S(rng_.pick(kApps)));
    if (rng_.chance(0.5)) labels.set("tier", S(rng_.pick(kTiers)));
    if (rng_.chance(0.1)) labels.set("app.kubernetes.io/name", S(rng_.pick(kApps)));
    if (rng_.chance(0.1)) labels.set("pod-template-hash", S("abc"));
    if (rng_.chance(0.07)) labels.set("io.cilium.k8s.policy.serviceaccount", S("sa1"));  // spoofed (docs/semantics.md#labels-cilium-adds)
    if (rng_.chance(0.07)) labels.set("io.kubernetes.pod.namespace", S(some_ns()));       // overwritten (docs/semantics.md#labels-cilium-adds)
    if (rng_.chance(0.07)) labels.set("statefulset.kubernetes.io/pod-name", S(name));    // filtered (docs/semantics.md#label-filter)

    YNode spec = YNode::map();
    // hostNetwork pods carry their node's identity (docs/semantics.md#hostnetwork-pods); placement by
    // spec.nodeName on one of two nodes, or unknown.
    bool host_network = rng_.chance(0.15);
    if (host_network) spec.set("hostNetwork", P("true"));
    if (rng_.chance(host_network ? 0.6 : 0.35)) spec.set("nodeName", S(rng_.chance(0.5) ? "n1" : "n2"));
    if (rng_.chance(0.5)) spec.set("serviceAccountName", S(rng_.chance(0.5) ? "sa1" : "sa2"));
    YNode containers = YNode::seq();
    std::vector<ContainerPortSpec> chosen = rng_.subset(kContainerPorts, 0, 3);
    // Within one pod: names unique, (port, protocol) unique.
    std::vector<ContainerPortSpec> ports;
    for (const auto& p : chosen) {
      bool clash = false;
      for (const auto& q : ports)
        clash = clash || (!p.name.empty() && p.name == q.name) || (p.port == q.port && p.protocol == q.protocol);
      if (!clash) ports.push_back(p);
    }
    int ncontainers = ports.size() >= 2 && rng_.chance(0.4) ? 2 : 1;
    for (int c = 0; c < ncontainers; ++c) {
      YNode container = YNode::map();
      container.set("name", S("c" + std::to_string(c)));
      container.set("image", S("x"));
      YNode cports = YNode::seq();
      for (size_t i = c; i < ports.size(); i += ncontainers) {
        YNode cp = YNode::map();
        if (!ports[i].name.empty()) cp.set("name", S(ports[i].name));
        cp.set("containerPort", P(std::to_string(ports[i].port)));
        if (ports[i].protocol != "TCP" || rng_.chance(0.5)) cp.set("protocol", S(ports[i].protocol));
        cports.add(std::move(cp));
      }
      if (!cports.items.empty()) container.set("ports", std::move(cports));
      containers.add(std::move(container));
    }
    spec.set("containers", std::move(containers));

    YNode doc = YNode::map();
    if (rng_.chance(0.2)) {
      // A Deployment: its pod template is the pod.
      doc.set("apiVersion", S("apps/v1"));
      doc.set("kind", S("Deployment"));
      YNode& md = doc.set("metadata", YNode::map());
      md.set("name", S(name));
      md.set("namespace", S(ns));
      labels.set("wl", S(name));
      YNode& dspec = doc.set("spec", YNode::map());
      YNode& sel = dspec.set("selector", YNode::map());
      YNode& ml = sel.set("matchLabels", YNode::map());
      ml.set("wl", S(name));
      YNode& tmpl = dspec.set("template", YNode::map());
      YNode& tmd = tmpl.set("metadata", YNode::map());
      tmd.set("labels", std::move(labels));
      tmpl.set("spec", std::move(spec));
    } else {
      doc.set("apiVersion", S("v1"));
      doc.set("kind", S("Pod"));
      YNode& md = doc.set("metadata", YNode::map());
      md.set("name", S(name));
      md.set("namespace", S(ns));
      if (!labels.entries.empty()) md.set("labels", std::move(labels));
      doc.set("spec", std::move(spec));
    }
    out_.documents.push_back(std::move(doc));
    out_.pods.push_back(ns + "/" + name);
    pod_namespaces_.push_back(ns);
  }

  // ---- Cilium policies ----

  YNode subject_selector(bool ccnp) {
    YNode sel = YNode::map();
    if (rng_.chance(0.2)) return sel;  // {}
    YNode ml = YNode::map();
    YNode exprs = YNode::seq();
    if (rng_.chance(0.7)) ml.set(rng_.chance(0.8) ? "app" : "tier", S(rng_.chance(0.8) ? rng_.pick(kApps) : rng_.pick(kTiers)));
    if (rng_.chance(0.3)) {
      switch (rng_.range(0, 3)) {
        case 0: exprs.add(expression("app", "In", rng_.subset(kApps, 1, 2))); break;
        case 1: exprs.add(expression("tier", "NotIn", {"front"})); break;
        case 2: exprs.add(expression("tier", "Exists")); break;
        default: exprs.add(expression("app", "DoesNotExist")); break;
      }
    }
    if (rng_.chance(0.08)) {  // label-filter keys on the subject too (docs/semantics.md#label-filter)
      if (rng_.chance(0.5)) ml.set("pod-template-hash", S("abc"));
      else exprs.add(expression("statefulset.kubernetes.io/pod-name", "DoesNotExist"));
    }
    if (ccnp && rng_.chance(0.15)) ml.set("k8s:io.kubernetes.pod.namespace", S(some_ns()));
    if (!ccnp && rng_.chance(0.05)) ml.set("io.kubernetes.pod.namespace", S(some_ns()));       // ANDed (docs/semantics.md#cnp-subjects)
    if (!ccnp && rng_.chance(0.05)) ml.set("k8s:io.kubernetes.pod.namespace", S(some_ns()));   // overwritten (docs/semantics.md#cnp-subjects)
    if (!ccnp && rng_.chance(0.05))  // a matchExpressions term on the namespace is kept and ANDed (docs/semantics.md#cnp-subjects)
      exprs.add(expression("k8s:io.kubernetes.pod.namespace", "In", rng_.subset(namespaces_, 1, 2)));
    if (!ml.entries.empty()) sel.set("matchLabels", std::move(ml));
    if (!exprs.items.empty()) sel.set("matchExpressions", std::move(exprs));
    return sel;
  }

  YNode peer_selector() {
    YNode sel = YNode::map();
    YNode ml = YNode::map();
    YNode exprs = YNode::seq();
    switch (rng_.range(0, 13)) {
      case 0: break;  // {}
      case 1: ml.set("app", S(rng_.pick(kApps))); break;
      case 2:
        ml.set("app", S(rng_.pick(kApps)));
        ml.set("k8s:io.kubernetes.pod.namespace", S(some_ns()));
        break;
      case 3: ml.set("io.kubernetes.pod.namespace", S(some_ns())); break;
      case 4: ml.set(rng_.chance(0.5) ? "io.cilium.k8s.namespace.labels.team" : "k8s:io.cilium.k8s.namespace.labels.team",
                     S(rng_.chance(0.5) ? "red" : "blue"));
        break;
      case 5: ml.set("io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name", S(some_ns())); break;
      case 6: ml.set("io.cilium.k8s.policy.serviceaccount", S(rng_.chance(0.5) ? "sa1" : "default")); break;
      case 7:  // kept by the label filter, or filtered out so that they match nothing (docs/semantics.md#label-filter)
        switch (rng_.range(0, 2)) {
          case 0: ml.set("app.kubernetes.io/name", S(rng_.pick(kApps))); break;
          case 1: ml.set("pod-template-hash", S("abc")); break;
          default: exprs.add(expression("statefulset.kubernetes.io/pod-name", "Exists")); break;
        }
        break;
      case 8: exprs.add(expression("io.kubernetes.pod.namespace", "NotIn", {some_ns()})); break;  // docs/semantics.md#negative-namespace-terms
      case 9: exprs.add(expression("app", "In", rng_.subset(kApps, 1, 2))); break;
      case 10:
        exprs.add(expression("tier", "DoesNotExist"));
        if (rng_.chance(0.5)) exprs.add(expression("k8s:io.kubernetes.pod.namespace", "Exists"));
        break;
      case 11: ml.set("reserved:host", S("")); break;
      case 12:
        switch (rng_.range(0, 3)) {
          case 0: ml.set("k8s:app", S(rng_.pick(kApps))); break;
          case 1: ml.set("any:app", S(rng_.pick(kApps))); break;
          case 2: ml.set("io.cilium.k8s.policy.cluster", S("default")); break;
          default: exprs.add(expression("k8s:io.kubernetes.pod.namespace", "NotIn", {some_ns()})); break;
        }
        break;
      default:
        ml.set("tier", S(rng_.pick(kTiers)));
        ml.set("io.cilium.k8s.namespace.labels.env", S(rng_.chance(0.5) ? "prod" : "dev"));
        break;
    }
    if (!ml.entries.empty()) sel.set("matchLabels", std::move(ml));
    if (!exprs.items.empty()) sel.set("matchExpressions", std::move(exprs));
    return sel;
  }

  YNode port_entry() {
    struct E { std::string port; int end; std::string proto; };
    static const std::vector<E> entries = {
        {"80", 0, "TCP"},   {"53", 0, "UDP"},     {"8080", 0, ""},     {"8000", 8100, "TCP"}, {"http", 0, "TCP"},
        {"http", 0, ""},    {"dns", 0, "UDP"},    {"dns", 0, "ANY"},   {"0", 0, "TCP"},       {"0", 0, "ANY"},
        {"9090", 0, "ANY"}, {"metrics", 0, ""},   {"5432", 0, "TCP"},  {"web", 0, "TCP"},     {"8079", 8081, "ANY"},
        {"db", 0, "TCP"},   {"53", 0, "ANY"},     {"0", 100, "TCP"},
        {"http", 8090, "TCP"},  // named port with endPort: resolved number up to endPort (docs/semantics.md#named-ports)
        {"8080", 8000, "TCP"},  // endPort <= port: a single port (docs/semantics.md#port-ranges)
        {"HTTP", 0, "ANY"},     // names are lower-cased (docs/semantics.md#port-syntax)
        {"7000", 0, "SCTP"},  {"http", 0, "ANY"},
    };
    const E& e = rng_.pick(entries);
    YNode pp = YNode::map();
    pp.set("port", S(e.port));
    if (e.end) pp.set("endPort", P(std::to_string(e.end)));
    if (!e.proto.empty()) pp.set("protocol", S(e.proto));
    return pp;
  }

  YNode to_ports() {
    YNode tp = YNode::seq();
    int items = rng_.chance(0.8) ? 1 : 2;
    for (int i = 0; i < items; ++i) {
      YNode item = YNode::map();
      YNode ports = YNode::seq();
      int n = rng_.range(1, 2);
      for (int j = 0; j < n; ++j) ports.add(port_entry());
      item.set("ports", std::move(ports));
      tp.add(std::move(item));
    }
    return tp;
  }

  // toServices (docs/semantics.md#toservices): by name and namespace (a namespace left out means
  // any), or by the Service object's labels; now and then a name that matches nothing.
  YNode to_services_rule() {
    YNode rule = YNode::map();
    YNode& list = rule.set("toServices", YNode::seq());
    int n = rng_.range(1, 2);
    for (int i = 0; i < n; ++i) {
      YNode entry = YNode::map();
      if (rng_.chance(0.6)) {
        YNode& ref = entry.set("k8sService", YNode::map());
        bool known = !services_.empty() && rng_.chance(0.85);
        GeneratedService target = known ? rng_.pick(services_) : GeneratedService{some_ns(), "nosuch"};
        ref.set("serviceName", S(target.name));
        if (rng_.chance(0.8)) ref.set("namespace", S(rng_.chance(0.8) ? target.ns : some_ns()));
      } else {
        YNode& ref = entry.set("k8sServiceSelector", YNode::map());
        ref.set("selector", YNode::map()).set("matchLabels", YNode::map()).set("svc", S(rng_.chance(0.5) ? "a" : "b"));
        if (rng_.chance(0.5)) ref.set("namespace", S(services_.empty() ? some_ns() : rng_.pick(services_).ns));
      }
      list.add(std::move(entry));
    }
    if (rng_.chance(0.5)) rule.set("toPorts", to_ports());
    else if (rng_.chance(0.2)) rule.set("icmps", icmps());  // an unresolved one then allows those types to every peer
    return rule;
  }

  // toFQDNs (docs/semantics.md#fqdn-peers, #fqdn-matching).
  YNode to_fqdns_rule() {
    YNode rule = YNode::map();
    YNode& list = rule.set("toFQDNs", YNode::seq());
    static const std::vector<std::pair<std::string, std::string>> kSelectors = {
        {"matchName", "api.example.com"}, {"matchPattern", "*.example.com"}, {"matchName", "other.org"},
        {"matchPattern", "*"},            {"matchName", "API.example.com."},  {"matchPattern", "*.b.example.com"}};
    for (const auto& [field, value] : rng_.subset(kSelectors, 1, 2)) list.add(YNode::map()).set(field, S(value));
    if (rng_.chance(0.5)) rule.set("toPorts", to_ports());
    else if (rng_.chance(0.2)) rule.set("icmps", icmps());  // an unresolved one then allows those types to every peer
    return rule;
  }

  // DNS visibility for toFQDNs (docs/semantics.md#dns-visibility): port 53 with rules.dns, to the
  // cluster DNS or to any peer.
  YNode dns_rule() {
    YNode rule = YNode::map();
    if (rng_.chance(0.6)) {
      YNode sel = YNode::map();
      YNode& ml = sel.set("matchLabels", YNode::map());
      ml.set("k8s:io.kubernetes.pod.namespace", S("kube-system"));
      ml.set("k8s-app", S("kube-dns"));
      rule.set("toEndpoints", YNode::seq()).add(std::move(sel));
    }
    YNode item = YNode::map();
    YNode& port = item.set("ports", YNode::seq()).add(YNode::map());
    port.set("port", S("53"));
    port.set("protocol", S(rng_.chance(0.5) ? "UDP" : "ANY"));
    YNode& dns = item.set("rules", YNode::map()).set("dns", YNode::seq());
    static const std::vector<std::pair<std::string, std::string>> kNames = {
        {"matchPattern", "*"}, {"matchPattern", "*.example.com"}, {"matchName", "api.example.com"}};
    for (const auto& [field, value] : rng_.subset(kNames, 1, 2)) dns.add(YNode::map()).set(field, S(value));
    rule.set("toPorts", YNode::seq()).add(std::move(item));
    return rule;
  }

  YNode peer_rule(bool ingress, bool deny) {
    if (!ingress && !deny) {
      double special = rng_.range(0, 99) / 100.0;
      if (special < 0.12) return to_services_rule();
      if (special < 0.27) return to_fqdns_rule();
      if (special < 0.34) return dns_rule();
    }
    YNode rule = YNode::map();
    const std::string pre = ingress ? "from" : "to";
    bool has_l3 = true;
    double r = rng_.range(0, 99) / 100.0;
    if (r < 0.25) {
      has_l3 = false;
    } else if (r < 0.60) {
      YNode list = YNode::seq();
      int n = rng_.range(1, 2);
      for (int i = 0; i < n; ++i) list.add(peer_selector());
      rule.set(pre + "Endpoints", std::move(list));
    } else if (r < 0.75) {
      rule.set(pre + "Entities",
               str_seq(rng_.subset(std::vector<std::string>{"world", "cluster", "all", "host", "remote-node", "none", "health"}, 1, 2)));
    } else if (r < 0.95) {
      if (rng_.chance(0.5)) {
        rule.set(pre + "CIDR",
                 str_seq(rng_.subset(std::vector<std::string>{"10.0.0.0/8", "203.0.113.0/24", "0.0.0.0/0", "10.1.2.3/32", "10.1.2.3"}, 1, 2)));
      } else {
        YNode set = YNode::seq();
        int n = rng_.range(1, 2);
        std::vector<int> which = rng_.subset(std::vector<int>{0, 1, 2}, n, n);
        for (int w : which) {
          YNode e = YNode::map();
          if (w == 0) {
            e.set("cidr", S("10.0.0.0/8"));
            e.set("except", str_seq({"10.1.0.0/16"}));
          } else if (w == 1) {
            e.set("cidr", S("0.0.0.0/0"));
            e.set("except", str_seq(rng_.subset(std::vector<std::string>{"203.0.113.0/24", "10.0.0.0/8"}, 1, 2)));
          } else {
            e.set("cidr", S("203.0.113.0/24"));
          }
          set.add(std::move(e));
        }
        rule.set(pre + "CIDRSet", std::move(set));
      }
    } else {
      // An explicit empty L3 list: selects nothing, even with toPorts (docs/semantics.md#rule-shapes).
      static const std::vector<std::string> kinds = {"Endpoints", "Entities", "CIDR", "CIDRSet"};
      rule.set(pre + rng_.pick(kinds), YNode::seq());
    }
    if (rng_.chance(0.08)) {  // fromRequires / toRequires: ANDed into endpoint peers (docs/semantics.md#fromrequires-and-torequires)
      YNode reqs = YNode::seq();
      YNode sel = YNode::map();
      YNode& ml = sel.set("matchLabels", YNode::map());
      switch (rng_.range(0, 2)) {
        case 0: ml.set("app", S(rng_.pick(kApps))); break;
        case 1: ml.set("k8s:io.kubernetes.pod.namespace", S(some_ns())); break;
        default: ml.set("io.cilium.k8s.namespace.labels.env", S(rng_.chance(0.5) ? "prod" : "dev")); break;
      }
      reqs.add(std::move(sel));
      rule.set(pre + "Requires", std::move(reqs));
    }
    if (!has_l3) {
      double s = rng_.range(0, 99) / 100.0;
      if (s < 0.8) rule.set("toPorts", to_ports());
      else if (s < 0.88) rule.set("icmps", icmps());
      // else: the empty rule `{}`
    } else if (rng_.chance(0.5)) {
      rule.set("toPorts", to_ports());
    } else if (rng_.chance(0.08)) {
      rule.set("icmps", icmps());
    }
    return rule;
  }

  // ICMP fields (docs/semantics.md#icmp): a number or a name of either
  // family, type 0 among them (every type of its family to Cilium), so that
  // the probes icmp:8, icmp:3 and icmpv6:128 tell the cases apart.
  YNode icmps() {
    struct Choice { const char* family; const char* type; bool name; };
    static const Choice kChoices[] = {{"", "8", false},          {"IPv4", "8", false},        {"IPv4", "EchoRequest", true},
                                      {"IPv4", "0", false},      {"", "DestinationUnreachable", true},
                                      {"IPv6", "128", false},    {"IPv6", "EchoRequest", true}, {"IPv6", "0", false}};
    YNode fields = YNode::seq();
    for (int i = 0, n = rng_.range(1, 2); i < n; ++i) {
      const Choice& c = kChoices[rng_.range(0, int(std::size(kChoices)) - 1)];
      YNode field = YNode::map();
      field.set("type", c.name ? S(c.type) : P(c.type));
      if (*c.family) field.set("family", S(c.family));
      fields.add(std::move(field));
    }
    YNode item = YNode::map();
    item.set("fields", std::move(fields));
    YNode list = YNode::seq();
    list.add(std::move(item));
    return list;
  }

  YNode cilium_rule(bool ccnp) {
    YNode rule = YNode::map();
    rule.set("endpointSelector", subject_selector(ccnp));
    struct Dir { const char* field; bool ingress; double p; };
    static const Dir dirs[] = {{"ingress", true, 0.5}, {"egress", false, 0.45}, {"ingressDeny", true, 0.2}, {"egressDeny", false, 0.2}};
    bool ingress_rules = false, egress_rules = false, any_direction = false;
    for (const auto& d : dirs) {
      if (!rng_.chance(d.p)) continue;
      any_direction = true;
      YNode list = YNode::seq();
      bool deny = std::string_view(d.field).ends_with("Deny");
      if (!rng_.chance(0.05)) {  // else the explicit `[]`, which counts as nothing (docs/semantics.md#default-deny)
        int n = rng_.range(1, 2);
        for (int i = 0; i < n; ++i) list.add(peer_rule(d.ingress, deny));
        // A toFQDNs rule with its DNS rule beside it more often than by chance.
        bool fqdns = std::any_of(list.items.begin(), list.items.end(), [](const YNode& r) {
          return std::any_of(r.entries.begin(), r.entries.end(), [](const YNodeEntry& e) { return e.first == "toFQDNs"; });
        });
        if (fqdns && rng_.chance(0.7)) list.add(dns_rule());
        (d.ingress ? ingress_rules : egress_rules) = true;
      }
      rule.set(d.field, std::move(list));
    }
    // The CRD requires one of the four lists (anyOf); `[]` counts and means nothing.
    if (!any_direction) rule.set("ingress", YNode::seq());
    if (rng_.chance(0.2)) {
      YNode edd = YNode::map();
      if (rng_.chance(0.6)) edd.set("ingress", P(rng_.chance(0.7) ? "false" : "true"));
      if (rng_.chance(0.6)) edd.set("egress", P(rng_.chance(0.7) ? "false" : "true"));
      rule.set("enableDefaultDeny", std::move(edd));
    }
    return rule;
  }

  void add_cilium_policy(int index, bool ccnp) {
    YNode doc = YNode::map();
    doc.set("apiVersion", S("cilium.io/v2"));
    doc.set("kind", S(ccnp ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy"));
    YNode& md = doc.set("metadata", YNode::map());
    md.set("name", S("pol" + std::to_string(index)));
    if (!ccnp) md.set("namespace", S(some_ns()));
    if (rng_.chance(0.25)) {
      YNode specs = YNode::seq();
      int n = rng_.range(1, 2);
      for (int i = 0; i < n; ++i) specs.add(cilium_rule(ccnp));
      if (rng_.chance(0.3)) doc.set("spec", cilium_rule(ccnp));
      doc.set("specs", std::move(specs));
    } else {
      doc.set("spec", cilium_rule(ccnp));
    }
    out_.documents.push_back(std::move(doc));
  }

  // ---- Kubernetes NetworkPolicy ----

  YNode knp_pod_selector() {
    YNode sel = YNode::map();
    switch (rng_.range(0, 3)) {
      case 0: break;
      case 1: case 2: {
        YNode& ml = sel.set("matchLabels", YNode::map());
        ml.set("app", S(rng_.pick(kApps)));
        break;
      }
      default: {
        YNode& ex = sel.set("matchExpressions", YNode::seq());
        ex.add(rng_.chance(0.5) ? expression("tier", "In", {rng_.pick(kTiers)}) : expression("app", "NotIn", {"db"}));
      }
    }
    return sel;
  }

  YNode knp_namespace_selector() {
    YNode sel = YNode::map();
    switch (rng_.range(0, 3)) {
      case 0: break;  // {}: every namespace
      case 1: sel.set("matchLabels", YNode::map()).set("team", S(rng_.chance(0.5) ? "red" : "blue")); break;
      case 2: sel.set("matchLabels", YNode::map()).set("kubernetes.io/metadata.name", S(some_ns())); break;
      default: sel.set("matchExpressions", YNode::seq()).add(expression("env", "Exists"));
    }
    return sel;
  }

  YNode knp_peer() {
    YNode peer = YNode::map();
    switch (rng_.range(0, 4)) {
      case 0: peer.set("podSelector", knp_pod_selector()); break;
      case 1: peer.set("namespaceSelector", knp_namespace_selector()); break;
      case 2:
        peer.set("podSelector", knp_pod_selector());
        peer.set("namespaceSelector", knp_namespace_selector());
        break;
      default: {
        YNode& ib = peer.set("ipBlock", YNode::map());
        if (rng_.chance(0.5)) {
          ib.set("cidr", S("10.0.0.0/8"));
          if (rng_.chance(0.6)) ib.set("except", str_seq({"10.1.0.0/16"}));
        } else {
          ib.set("cidr", S("0.0.0.0/0"));
          if (rng_.chance(0.5)) ib.set("except", str_seq({"203.0.113.0/24"}));
        }
      }
    }
    return peer;
  }

  YNode knp_ports() {
    YNode ports = YNode::seq();
    int n = rng_.range(1, 2);
    for (int i = 0; i < n; ++i) {
      YNode p = YNode::map();
      switch (rng_.range(0, 6)) {
        case 0: p.set("port", P("80")); break;
        case 1: p.set("port", P("53")); p.set("protocol", S("UDP")); break;
        case 2: p.set("port", S("http")); break;
        case 3: p.set("port", P("8000")); p.set("endPort", P("8100")); break;
        case 4: p.set("protocol", S("UDP")); break;  // all UDP ports
        case 5: p.set("port", S("dns")); p.set("protocol", S("UDP")); break;
        default: p.set("port", P("8080")); p.set("protocol", S("TCP")); break;
      }
      ports.add(std::move(p));
    }
    return ports;
  }

  YNode knp_rule(bool ingress) {
    YNode rule = YNode::map();
    const char* peers_field = ingress ? "from" : "to";
    double r = rng_.range(0, 99) / 100.0;
    if (r < 0.2) {
      // absent: every peer (docs/semantics.md#knp-empty-peers)
    } else if (r < 0.3) {
      rule.set(peers_field, YNode::seq());  // empty: every peer too
    } else {
      YNode peers = YNode::seq();
      int n = rng_.range(1, 2);
      for (int i = 0; i < n; ++i) peers.add(knp_peer());
      rule.set(peers_field, std::move(peers));
    }
    if (rng_.chance(0.6)) rule.set("ports", knp_ports());
    return rule;
  }

  void add_knp(int index) {
    YNode doc = YNode::map();
    doc.set("apiVersion", S("networking.k8s.io/v1"));
    doc.set("kind", S("NetworkPolicy"));
    YNode& md = doc.set("metadata", YNode::map());
    md.set("name", S("pol" + std::to_string(index)));
    md.set("namespace", S(some_ns()));
    YNode& spec = doc.set("spec", YNode::map());
    spec.set("podSelector", knp_pod_selector());
    if (rng_.chance(0.5)) {
      YNode types = YNode::seq();
      for (const char* t : {"Ingress", "Egress"})
        if (rng_.chance(0.6)) types.add(S(t));
      if (types.items.empty()) types.add(S("Ingress"));
      spec.set("policyTypes", std::move(types));
    }
    for (bool ingress : {true, false}) {
      if (!rng_.chance(ingress ? 0.6 : 0.5)) continue;
      YNode list = YNode::seq();
      int n = rng_.range(0, 2);
      for (int i = 0; i < n; ++i) list.add(knp_rule(ingress));
      spec.set(ingress ? "ingress" : "egress", std::move(list));
    }
    out_.documents.push_back(std::move(doc));
  }
};

void shuffle_tree(YNode& n, std::mt19937_64& gen) {
  for (auto& item : n.items) shuffle_tree(item, gen);
  for (auto& [k, v] : n.entries) shuffle_tree(v, gen);
  std::shuffle(n.items.begin(), n.items.end(), gen);
  std::shuffle(n.entries.begin(), n.entries.end(), gen);
}

}  // namespace

std::string to_yaml(const YNode& node) {
  if (is_inline(node)) return inline_text(node) + "\n";
  std::string out;
  emit(node, 0, false, out);
  return out;
}

std::string GeneratedCluster::yaml() const {
  std::string out;
  for (const auto& doc : documents) out += "---\n" + to_yaml(doc);
  return out;
}

GeneratedCluster GeneratedCluster::reordered(uint64_t shuffle_seed) const {
  GeneratedCluster copy = *this;
  std::mt19937_64 gen(shuffle_seed);
  for (auto& doc : copy.documents) shuffle_tree(doc, gen);
  std::shuffle(copy.documents.begin(), copy.documents.end(), gen);
  return copy;
}

GeneratedCluster generate_cluster(uint64_t seed) { return Generator(seed).run(); }

}  // namespace netreach::differential
