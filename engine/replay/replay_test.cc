// Replay: an observed flow's ends matched to the input, and the flows judged
// and grouped by outcome, workload pair and port.
#include <catch2/catch.hpp>

#include "netreach.h"
#include "replay/endpoint_match.h"
#include "replay/replay_flows.h"
#include "test_support.h"

using namespace netreach;

namespace {

const char* kCluster = R"(
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-admin, namespace: a}
spec:
  selector: {matchLabels: {app: web-admin}}
  template:
    metadata: {labels: {app: web-admin}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: b}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {serviceAccountName: db, containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: a, labels: {app: debug}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: twin-1, namespace: b}
spec:
  selector: {matchLabels: {app: twin}}
  template:
    metadata: {labels: {app: twin}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: twin-2, namespace: b}
spec:
  selector: {matchLabels: {app: twin}}
  template:
    metadata: {labels: {app: twin}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: a, app: web}}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
)";

ObservedEndpoint pod(std::string ns, std::string name, std::vector<std::string> labels = {}) {
  ObservedEndpoint e;
  e.namespace_ = std::move(ns);
  e.pod_name = std::move(name);
  e.labels = std::move(labels);
  return e;
}

std::string matched(const Model& m, const ObservedEndpoint& e, const std::string& ip = "") {
  EndpointMatch r = match_endpoint(m, e, ip);
  return r.endpoint ? r.endpoint->ref + " by " + r.endpoint->how : "unmatched: " + r.unmatched;
}

ObservedFlow tcp(ObservedEndpoint from, ObservedEndpoint to, uint32_t port, std::string verdict) {
  ObservedFlow f;
  f.verdict = std::move(verdict);
  if (f.verdict == "DROPPED") f.drop_reason = "POLICY_DENIED";
  f.type = "L3_L4";
  f.is_reply = false;
  f.l4 = "TCP";
  f.protocol = Protocol::TCP;
  f.source = std::move(from);
  f.destination = std::move(to);
  f.destination_port = port;
  return f;
}

FlowRecord record(ObservedFlow f, uint32_t line) {
  static SourceFile file{"flows.json", "", nullptr, false};
  return FlowRecord{SourcePos{&file, line, 1}, std::move(f), ""};
}

}  // namespace

TEST_CASE("Replay matching: a pod by its name, its workload, the name its controller made, or its labels", "[replay][match]") {
  auto m = testing::model_from_yaml(kCluster);
  CHECK(matched(*m, pod("a", "debug")) == "a/po/debug by pod name");
  ObservedEndpoint named = pod("a", "anything");
  named.workloads = {{"web", "Deployment"}};
  CHECK(matched(*m, named) == "a/deploy/web by workload");
  CHECK(matched(*m, pod("a", "web-6d8f7b9c5d-x7k2p")) == "a/deploy/web by generated pod name");
  // The longest workload name whose pods look so: web-admin, not web.
  CHECK(matched(*m, pod("a", "web-admin-6d8f7b9c5d-x7k2p")) == "a/deploy/web-admin by generated pod name");
  CHECK(matched(*m, pod("b", "db-0")) == "b/sts/db by generated pod name");
  // No name Hubble gives fits, the labels do (the ones Cilium adds aside).
  CHECK(matched(*m, pod("b", "", {"k8s:app=db", "k8s:io.kubernetes.pod.namespace=b", "k8s:io.cilium.k8s.policy.serviceaccount=db",
                                  "k8s:io.cilium.k8s.policy.cluster=default"})) == "b/sts/db by labels");
  CHECK(matched(*m, pod("", "", {"k8s:app=web", "k8s:io.kubernetes.pod.namespace=a"})) == "a/deploy/web by labels");
}

TEST_CASE("Replay matching: a pod that is not found stays unmatched, with the reason, never world", "[replay][match]") {
  auto m = testing::model_from_yaml(kCluster);
  CHECK_THAT(matched(*m, pod("a", "ghost-6d8f7b9c5d-x7k2p"), "10.0.0.9"), Catch::Contains("unmatched: a/ghost-6d8f7b9c5d-x7k2p: no pod or workload"));
  CHECK_THAT(matched(*m, pod("zz", "web-1")), Catch::Contains("namespace zz is not in the input"));
  CHECK_THAT(matched(*m, pod("b", "", {"k8s:app=twin", "k8s:io.kubernetes.pod.namespace=b"})),
             Catch::Contains("labels match pods of 2 workloads (b/deploy/twin-1, b/deploy/twin-2)"));
  // The service account is part of the identity: db's labels with another account match nothing.
  CHECK_THAT(matched(*m, pod("b", "", {"k8s:app=db", "k8s:io.cilium.k8s.policy.serviceaccount=default"})), Catch::StartsWith("unmatched"));
  CHECK_FALSE(is_generated_pod_name("Deployment", "web", "web-x7k2p"));  // a Deployment's pods have the template hash too
  CHECK(is_generated_pod_name("DaemonSet", "agent", "agent-x7k2p"));
  CHECK(is_generated_pod_name("CronJob", "backup", "backup-29123456-x7k2p"));
}

TEST_CASE("Replay matching: reserved identities are entities, world and CIDR identities their address", "[replay][match]") {
  auto m = testing::model_from_yaml(kCluster);
  ObservedEndpoint host;
  host.identity = 1;
  host.labels = {"reserved:host"};
  CHECK(matched(*m, host, "192.168.0.5") == "host by reserved identity");
  ObservedEndpoint apiserver;
  apiserver.labels = {"reserved:kube-apiserver", "reserved:remote-node"};
  CHECK(matched(*m, apiserver, "192.168.0.6") == "kube-apiserver by reserved identity");
  ObservedEndpoint world;
  world.identity = 2;
  world.labels = {"reserved:world"};
  CHECK(matched(*m, world, "203.0.113.9") == "203.0.113.9 by address");
  CHECK(matched(*m, world) == "world by reserved identity");
  ObservedEndpoint cidr;
  cidr.identity = 16777217;
  cidr.labels = {"cidr:203.0.113.0/24", "reserved:world"};
  CHECK(matched(*m, cidr, "203.0.113.9") == "203.0.113.9 by address");
  CHECK(matched(*m, ObservedEndpoint{}, "203.0.113.9") == "203.0.113.9 by address");
  CHECK_THAT(matched(*m, ObservedEndpoint{}), Catch::Contains("no namespace, pod name, labels, identity or IP address"));
}

TEST_CASE("Replay: flows judged and grouped by outcome, workload pair and port; the rest counted with reasons", "[replay][group]") {
  auto m = testing::model_from_yaml(kCluster);
  std::vector<FlowRecord> records;
  // web -> db 5432 is allowed; two pods of web, one flow each: one group of 2.
  records.push_back(record(tcp(pod("a", "web-6d8f7b9c5d-aaaaa"), pod("b", "db-0"), 5432, "DROPPED"), 1));
  records.push_back(record(tcp(pod("a", "web-6d8f7b9c5d-bbbbb"), pod("b", "db-1"), 5432, "DROPPED"), 2));
  // debug -> db 5432 is denied by db's ingress: passing, so it would be dropped.
  records.push_back(record(tcp(pod("a", "debug"), pod("b", "db-0"), 5432, "FORWARDED"), 3));
  records.push_back(record(tcp(pod("a", "debug"), pod("b", "db-0"), 5432, "AUDIT"), 4));
  // Unchanged ones.
  records.push_back(record(tcp(pod("a", "debug"), pod("a", "web-6d8f7b9c5d-aaaaa"), 80, "FORWARDED"), 5));
  records.push_back(record(tcp(pod("a", "debug"), pod("b", "db-0"), 22, "DROPPED"), 6));
  // Not judged: a reply, an unknown pod, a drop that is not policy's, a non-flow event.
  ObservedFlow reply = tcp(pod("b", "db-0"), pod("a", "debug"), 40000, "FORWARDED");
  reply.is_reply = true;
  records.push_back(record(reply, 7));
  records.push_back(record(tcp(pod("a", "ghost"), pod("b", "db-0"), 5432, "FORWARDED"), 8));
  ObservedFlow ct = tcp(pod("a", "debug"), pod("b", "db-0"), 5432, "DROPPED");
  ct.drop_reason = "CT_MAP_INSERTION_FAILED";
  records.push_back(record(ct, 9));
  records.push_back(FlowRecord{records.back().pos, std::nullopt, "node_status"});

  ReplayReport r = replay_flows(*m, records);
  CHECK(r.records == 10);
  CHECK(r.judged == 6);
  REQUIRE(r.groups.size() == 4);
  const ReplayGroup& drop = r.groups[0];
  CHECK(drop.outcome == ReplayOutcome::WouldDrop);
  CHECK(drop.from == "a/po/debug");
  CHECK(drop.to == "b/sts/db");
  CHECK(drop.port == 5432);
  CHECK(drop.flows == 2);
  CHECK(drop.observed == std::vector<std::string>{"AUDIT", "FORWARDED"});
  REQUIRE(drop.decisions.size() == 1);
  CHECK(drop.decisions[0].direction == Direction::Ingress);
  CHECK(drop.decisions[0].verdict == "deny");
  REQUIRE(drop.decisions[0].selecting.size() == 1);
  CHECK(drop.decisions[0].selecting[0].policy_name == "db");
  const ReplayGroup& allow = r.groups[1];
  CHECK(allow.outcome == ReplayOutcome::WouldAllow);
  CHECK(allow.from == "a/deploy/web");
  CHECK(allow.flows == 2);
  CHECK(allow.lines.size() == 2);
  CHECK(allow.lines[1].line == 2);
  REQUIRE(allow.decisions.size() == 2);  // an allow: both sides
  REQUIRE(allow.decisions[1].rule);
  CHECK(allow.decisions[1].rule->path == "spec.ingress[0].fromEndpoints[0]");
  CHECK(r.groups[2].outcome == ReplayOutcome::StillAllowed);
  CHECK(r.groups[3].outcome == ReplayOutcome::StillDenied);
  CHECK(r.count(ReplayOutcome::WouldDrop) == 2);
  CHECK(r.count(ReplayOutcome::WouldAllow) == 2);

  REQUIRE(r.unmatched.size() == 1);
  CHECK_THAT(r.unmatched[0].reason, Catch::StartsWith("source a/ghost: no pod or workload"));
  CHECK(r.unmatched[0].lines.front().line == 8);
  CHECK(r.count_skipped() == 3);
  std::vector<std::string> reasons;
  for (const auto& s : r.skipped) reasons.push_back(s.reason);
  CHECK_THAT(reasons[0], Catch::StartsWith("a reply"));
  CHECK_THAT(reasons[1], Catch::StartsWith("DROPPED for CT_MAP_INSERTION_FAILED, not by policy"));
  CHECK_THAT(reasons[2], Catch::StartsWith("not a flow: a node_status event"));
}

TEST_CASE("Replay: without is_reply, policy drops and policy verdicts are judged (a connection's first packet), other events skipped", "[replay][group]") {
  auto m = testing::model_from_yaml(kCluster);
  ObservedFlow drop = tcp(pod("a", "web-6d8f7b9c5d-aaaaa"), pod("b", "db-0"), 5432, "DROPPED");
  drop.is_reply.reset();  // Hubble's drops never carry it
  ObservedFlow verdict = tcp(pod("a", "debug"), pod("b", "db-0"), 5432, "FORWARDED");
  verdict.is_reply.reset();
  verdict.event_type = 5;
  ObservedFlow trace = tcp(pod("a", "debug"), pod("b", "db-0"), 5432, "FORWARDED");
  trace.is_reply.reset();
  trace.event_type = 4;
  ReplayReport r = replay_flows(*m, {record(drop, 1), record(verdict, 2), record(trace, 3)});
  CHECK(r.judged == 2);
  CHECK(r.count(ReplayOutcome::WouldAllow) == 1);
  CHECK(r.count(ReplayOutcome::WouldDrop) == 1);
  REQUIRE(r.skipped.size() == 1);
  CHECK(r.skipped[0].reason == "is_reply absent: Hubble could not tell a request from a reply");
  CHECK(r.skipped[0].lines[0].line == 3);
}
