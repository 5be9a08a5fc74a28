// DNS visibility for toFQDNs: the proxy learns a name's addresses only from
// lookups it sees, so the verdict of a flow to `fqdn:NAME` depends on the
// actual DNS flow (the source to its DNS server on 53, through a rule with
// `rules.dns` matching the name, allowed on both sides). pkg/policy/l4.go
// (a port with DNS rules is redirected to the DNS proxy, which refuses names
// outside them); pkg/policy/api/fqdn.go (a toFQDNs selector selects nothing
// until a name resolves through the proxy); docs/semantics.md#dns-visibility.
#include <catch2/catch.hpp>

#include <string>

#include "query/dns_visibility.h"
#include "test_support.h"

using namespace netreach;
using netreach::testing::explain;
using netreach::testing::model_from_yaml;
using netreach::testing::verdict;

namespace {

const std::string kCluster = R"(
apiVersion: v1
kind: Namespace
metadata: {name: app}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: app, labels: {org: alliance}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system}
spec:
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      containers:
      - name: coredns
        image: x
        ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53, protocol: TCP}]
)";

// Cilium's examples/policies/l7/dns/dns-visibility.yaml, in namespace app,
// with the DNS rule's selector given as `dns_selector`.
std::string visibility_policy(const std::string& dns_selector) {
  return R"(---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: tofqdn-dns-visibility, namespace: app}
spec:
  endpointSelector: {matchLabels: {any:org: alliance}}
  egress:
  - toEndpoints:
    - matchLabels: )" + dns_selector + R"(
    toPorts:
    - ports: [{port: "53", protocol: ANY}]
      rules:
        dns: [{matchPattern: "*"}]
  - toFQDNs:
    - matchName: cilium.io
    - matchName: sub.cilium.io
    - matchPattern: "*.sub.cilium.io"
)";
}

const std::string kGoodSelector = R"({"k8s:io.kubernetes.pod.namespace": kube-system, "k8s:k8s-app": kube-dns})";
// The example's typo: `k8s.io.kubernetes.pod.namespace` is an ordinary label
// key, so Cilium adds the policy's namespace and the rule selects no pod.
const std::string kTypoSelector = R"({"k8s.io.kubernetes.pod.namespace": kube-system, "k8s:k8s-app": kube-dns})";

std::string egress_text(const QueryResult& r) {
  std::string out = r.flows.at(0).egress.reason;
  for (const auto& nm : r.flows.at(0).egress.near_misses)
    for (const auto& reason : nm.reasons) out += "\n" + reason;
  return out;
}

}  // namespace

TEST_CASE("DNS visibility: the DNS flow to the cluster DNS is judged and named", "[evaluate][dns-visibility]") {
  auto m = model_from_yaml(kCluster + visibility_policy(kGoodSelector));
  auto r = explain(*m, "app/client", "fqdn:sub.cilium.io", "443");
  CHECK(r.verdict == Verdict::Allow);
  CHECK_THAT(r.flows.at(0).egress.reason, Catch::Contains("whose lookups go through Cilium's DNS proxy"));
  CHECK_THAT(r.flows.at(0).egress.reason,
             Catch::Contains("DNS flow judged: app/client -> kube-system/coredns 53/UDP: allowed"));
  CHECK(verdict(*m, "app/client", "fqdn:a.sub.cilium.io", "80") == Verdict::Allow);  // toFQDNs without toPorts
  CHECK(verdict(*m, "app/client", "fqdn:example.com", "443") == Verdict::Deny);       // no toFQDNs name matches
}

TEST_CASE("DNS visibility: Cilium's dns-visibility example with its selector typo denies", "[evaluate][dns-visibility]") {
  auto m = model_from_yaml(kCluster + visibility_policy(kTypoSelector));
  // The lookup itself is denied: the DNS rule selects no DNS server.
  CHECK(verdict(*m, "app/client", "kube-system/coredns", "53/UDP") == Verdict::Deny);
  auto r = explain(*m, "app/client", "fqdn:sub.cilium.io", "443");
  CHECK(r.verdict == Verdict::Deny);
  std::string text = egress_text(r);
  INFO(text);
  CHECK_THAT(text, Catch::Contains("toFQDNs sub.cilium.io matches sub.cilium.io, but Cilium's DNS proxy never learns its addresses"));
  CHECK_THAT(text, Catch::Contains("select no DNS server of the input"));
  CHECK_THAT(text, Catch::Contains("CNP app/tofqdn-dns-visibility spec.egress[0] does not select kube-system/coredns"));
  CHECK_THAT(text, Catch::Contains("DNS flow judged: app/client -> kube-system/coredns 53/UDP: denied"));
  CHECK_THAT(text, !Catch::Contains("whose lookups go through"));

  // An address: whether DNS answers one of the names with it decides, as always.
  auto ip = explain(*m, "app/client", "203.0.113.9", "443");
  CHECK(ip.verdict == Verdict::Unknown);
  CHECK_THAT(ip.flows.at(0).egress.reason,
             Catch::Contains("whether DNS answers cilium.io, sub.cilium.io or *.sub.cilium.io with 203.0.113.9"));
}

TEST_CASE("DNS visibility: an address or world against a toFQDNs rule depends on the DNS answers",
          "[evaluate][dns-visibility]") {
  auto m = model_from_yaml(kCluster + visibility_policy(kGoodSelector));
  auto ip = explain(*m, "app/client", "203.0.113.9", "443");
  CHECK(ip.verdict == Verdict::Unknown);
  CHECK_THAT(ip.flows.at(0).egress.reason,
             Catch::Contains("whether DNS answers cilium.io, sub.cilium.io or *.sub.cilium.io with 203.0.113.9"));
  CHECK_THAT(ip.flows.at(0).egress.reason, !Catch::Contains("not evaluated"));
  auto world = explain(*m, "app/client", "world", "443");
  CHECK(world.verdict == Verdict::Unknown);
  CHECK_THAT(world.flows.at(0).egress.reason, Catch::Contains("whether DNS answers cilium.io, sub.cilium.io or "
                                                              "*.sub.cilium.io with the address behind world"));
}

TEST_CASE("DNS visibility: both sides of the lookup, deny rules, and rules without rules.dns", "[evaluate][dns-visibility]") {
  // The DNS server's own ingress policy refuses the client.
  const std::string dns_ingress = R"(
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: dns-in, namespace: kube-system}
spec:
  endpointSelector: {matchLabels: {k8s-app: kube-dns}}
  ingress: [{fromEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": other}}]}]
)";
  auto refused = model_from_yaml(kCluster + visibility_policy(kGoodSelector) + dns_ingress);
  auto r = explain(*refused, "app/client", "fqdn:cilium.io", "443");
  CHECK(r.verdict == Verdict::Deny);
  CHECK_THAT(egress_text(r), Catch::Contains("DNS flow judged: app/client -> kube-system/coredns 53/UDP: denied "
                                             "(ingress of kube-system/coredns: default deny"));

  // An egressDeny on port 53 wins over the DNS rule.
  const std::string deny53 = R"(
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: no-dns, namespace: app}
spec:
  endpointSelector: {}
  egressDeny: [{toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system}}], toPorts: [{ports: [{port: "53", protocol: ANY}]}]}]
)";
  auto denied = model_from_yaml(kCluster + visibility_policy(kGoodSelector) + deny53);
  auto d = explain(*denied, "app/client", "fqdn:cilium.io", "443");
  CHECK(d.verdict == Verdict::Deny);
  CHECK_THAT(egress_text(d), Catch::Contains("through its DNS rule (CNP app/tofqdn-dns-visibility spec.egress[0]) are denied"));
  CHECK_THAT(egress_text(d), Catch::Contains("53/UDP: denied (egress of app/client: denied by CNP app/no-dns"));

  // DNS allowed at L4 only: the lookup works but bypasses the proxy.
  auto l4 = model_from_yaml(kCluster + R"(---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l4-dns, namespace: app}
spec:
  endpointSelector: {}
  egress:
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, k8s-app: kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: UDP}]}]
  - toFQDNs: [{matchName: cilium.io}]
)");
  auto b = explain(*l4, "app/client", "fqdn:cilium.io", "443");
  CHECK(b.verdict == Verdict::Deny);
  CHECK_THAT(egress_text(b), Catch::Contains("no egress rule of app/client carries `rules.dns` matching cilium.io on port 53"));
  CHECK_THAT(egress_text(b), Catch::Contains("53/UDP: allowed, but by no rule with `rules.dns` matching cilium.io, so the "
                                             "lookup bypasses Cilium's DNS proxy"));
}

TEST_CASE("DNS visibility: a DNS rule without peers uses the cluster DNS; no DNS server in the input is unknown",
          "[evaluate][dns-visibility]") {
  const std::string any_peer = R"(---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: out, namespace: app}
spec:
  endpointSelector: {}
  egress:
  - toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchName: cilium.io}]}}]
  - toFQDNs: [{matchName: cilium.io}]
)";
  auto m = model_from_yaml(kCluster + any_peer);
  auto r = explain(*m, "app/client", "fqdn:cilium.io", "8080");
  CHECK(r.verdict == Verdict::Allow);
  CHECK_THAT(r.flows.at(0).egress.reason, Catch::Contains("DNS flow judged: app/client -> kube-system/coredns 53/UDP: allowed"));

  // A node-local DNS cache: the lookup goes to the node (`host`), where
  // nothing is enforced on ingress without the host firewall.
  auto node_local = model_from_yaml(kCluster + R"(---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: out, namespace: app}
spec:
  endpointSelector: {}
  egress:
  - toEntities: [host]
    toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]
  - toFQDNs: [{matchName: cilium.io}]
)");
  auto n = explain(*node_local, "app/client", "fqdn:cilium.io", "443");
  CHECK(n.verdict == Verdict::Allow);
  CHECK_THAT(n.flows.at(0).egress.reason,
             Catch::Contains("DNS flow judged: app/client -> host (a node-local DNS cache) 53/UDP: allowed"));

  // Without the cluster DNS in the input, which server answers is unknown.
  const std::string no_dns_cluster = R"(
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: app, labels: {org: alliance}}
spec: {containers: [{name: c, image: x}]}
)";
  auto bare = model_from_yaml(no_dns_cluster + visibility_policy(kGoodSelector));
  auto u = explain(*bare, "app/client", "fqdn:cilium.io", "443");
  CHECK(u.verdict == Verdict::Unknown);
  CHECK_THAT(u.flows.at(0).egress.reason, Catch::Contains("the input has no cluster DNS pods"));
}

TEST_CASE("DNS visibility: the decision is data", "[dns-visibility]") {
  auto m = model_from_yaml(kCluster + visibility_policy(kTypoSelector));
  SideSubject client = pod_subject(*m, m->cluster.pods.at(0), "app/client");
  REQUIRE(client.identity);
  DnsVisibility v = dns_visibility(*m, client, m->rules_selecting[*client.identity], std::string("sub.cilium.io"));
  CHECK(v.seen == Match::No);
  CHECK(v.outcome == DnsOutcome::NoServerSelected);
  REQUIRE(v.dns_rules.size() == 1);
  CHECK(v.dns_rules[0].path == "spec.egress[0]");
  REQUIRE(v.flow);
  CHECK(v.flow->to == "kube-system/coredns");
  CHECK(v.flow->protocol == Protocol::UDP);
  CHECK(v.flow->egress.verdict == Verdict::Deny);
  CHECK_FALSE(v.flow->through_dns_rule);

  DnsVisibility other = dns_visibility(*m, client, m->rules_selecting[*client.identity], std::string("example.com"));
  CHECK(other.seen == Match::No);  // the DNS rule's "*" matches it, but still no server
  CHECK(other.outcome == DnsOutcome::NoServerSelected);
}
