// match_peer_rule's decision as data: the reason codes of representative
// near misses, asserted without their words, then one test of the words.
#include <catch2/catch.hpp>

#include <string>

#include "query/peer_match.h"
#include "query/peer_words.h"
#include "test_support.h"

using namespace netreach;
using netreach::testing::model_from_yaml;

namespace {

const std::string kCluster = R"(
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: a, labels: {app: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: b, labels: {app: db}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2alpha1
kind: CiliumCIDRGroup
metadata: {name: office}
spec: {externalCIDRs: [203.0.113.0/24]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: out, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: client}}
  egress:
  - toEndpoints: [{matchLabels: {app: web, tier: front}}]
  - toEndpoints: [{matchLabels: {app: db}}]
  - toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}, {cidrGroupRef: office, except: [203.0.113.0/28]}]
  - toEntities: [world, host]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toEndpoints: [{matchLabels: {app: web}}]
    toPorts: [{ports: [{port: http, protocol: TCP}]}]
)";

// One egress flow of a/client, matched against rule element `index` of the policy.
struct Probe {
  std::shared_ptr<const Model> model = model_from_yaml(kCluster);
  SideSubject subject;
  SidePeer peer;

  const Pod& pod(std::string_view name) const {
    for (const auto& p : model->cluster.pods)
      if (p.name == name) return p;
    FAIL("no pod " << name);
    return model->cluster.pods.front();
  }
  Probe() { subject = pod_subject(*model, pod("client"), "a/client"); }

  void to_pod(std::string_view name, std::string display) { peer = pod_peer(*model, pod(name), std::move(display)); }
  void to_address(std::string_view ip) {
    peer = SidePeer{};
    peer.labels = model->identities[model->identities.reserved(ReservedIdentity::World)].labels;
    peer.external = true;
    peer.ip = IpAddress::parse(ip);
    peer.display = std::string(ip);
  }
  MatchContext context(uint16_t port) const { return MatchContext{*model, Direction::Egress, subject, peer, port, Protocol::TCP}; }
  const PeerRule& rule(size_t index) const { return model->cluster.policies.at(0).rules.at(0).egress.at(index); }
  RuleMatchResult match(size_t index, uint16_t port = 80) const { return match_peer_rule(context(port), rule(index), {}); }
};

}  // namespace

// Cilium's selector requirement holds or fails per label (pkg/labels/selector.go ::
// LabelSelector.Matches, all requirements ANDed).
TEST_CASE("match_peer_rule: a selector missing a label is a failing requirement, not a sentence", "[peer-match][reasons]") {
  Probe p;
  p.to_pod("web", "a/web");
  RuleMatchResult r = p.match(0);
  CHECK(r.peer == Match::No);
  CHECK(r.port == Match::Yes);
  CHECK(r.peer_finding.reason == PeerReason::SelectorFails);
  REQUIRE(r.peer_finding.failures.size() == 1);
  const RequirementFailure& f = r.peer_finding.failures[0];
  CHECK(f.why == RequirementMiss::LabelMissing);
  CHECK(f.requirement->key.key == "tier");
  CHECK_FALSE(f.namespace_lookalike);
  REQUIRE(r.element_ref);
  CHECK(r.element_ref->path == "spec.egress[0].toEndpoints[0]");
  // The port matches (100), app=web holds (+10), tier fails (-1).
  CHECK(r.score == 109);

  p.to_pod("client", "a/client");
  RuleMatchResult other = p.match(0);
  REQUIRE(other.peer_finding.failures.size() == 2);
  CHECK(other.peer_finding.failures[0].why == RequirementMiss::LabelDiffers);
  CHECK(other.peer_finding.failures[0].found == "client");
  CHECK(other.peer_finding.failures[1].why == RequirementMiss::LabelMissing);
  CHECK(other.score < r.score);  // closer misses rank first, from the counts alone
}

// A CNP peer selector without a namespace key gets the policy's namespace
// (pkg/policy/api/selector.go, pkg/k8s/apis/cilium.io/utils/utils.go :: getEndpointSelector).
TEST_CASE("match_peer_rule: a pod in another namespace fails the term Cilium added", "[peer-match][reasons]") {
  Probe p;
  p.to_pod("db", "b/db");
  RuleMatchResult r = p.match(1);
  CHECK(r.peer == Match::No);
  CHECK(r.peer_finding.reason == PeerReason::SelectorFails);
  REQUIRE(r.peer_finding.failures.size() == 1);
  const RequirementFailure& f = r.peer_finding.failures[0];
  CHECK(f.why == RequirementMiss::PolicyNamespace);
  CHECK(f.requirement->values == std::vector<std::string>{"a"});
  CHECK(f.ref->kind == PolicyKind::CiliumNetworkPolicy);
  CHECK(r.score == 109);  // app=db, the user's own term, holds
}

// An except carves addresses out of its CIDR (pkg/policy/api/cidr.go ::
// CIDRRule, ComputeResultantCIDRSet), for a CiliumCIDRGroup too (GetAsEndpointSelectors).
TEST_CASE("match_peer_rule: an excepted address is a miss of the CIDR and of the group", "[peer-match][reasons]") {
  Probe p;
  p.to_address("10.1.3.4");
  RuleMatchResult plain = p.match(2);
  CHECK(plain.peer == Match::No);
  CHECK(plain.peer_finding.reason == PeerReason::CidrNotIn);
  REQUIRE(plain.peer_finding.group_misses.size() == 1);
  CHECK(plain.peer_finding.group_misses[0].second.outcome == CidrGroupOutcome::NotInGroups);

  p.to_address("203.0.113.5");
  RuleMatchResult group = p.match(2);
  CHECK(group.peer == Match::No);
  CHECK(group.peer_finding.reason == PeerReason::CidrNotIn);
  REQUIRE(group.peer_finding.group_misses.size() == 1);
  const CidrGroupMatch& m = group.peer_finding.group_misses[0].second;
  CHECK(m.outcome == CidrGroupOutcome::Excepted);
  CHECK(m.except == IpPrefix::parse("203.0.113.0/28"));
  CHECK(m.prefix == IpPrefix::parse("203.0.113.0/24"));

  p.to_address("10.2.3.4");
  RuleMatchResult in = p.match(2);
  CHECK(in.peer == Match::Yes);
  CHECK(in.peer_finding.reason == PeerReason::CidrContains);
  CHECK(in.peer_finding.cidr == &p.rule(2).cidrs.at(0));
}

// Entities (pkg/policy/api/entity.go :: EntitySelectorMapping): world is the
// reserved world identities only, never a pod.
TEST_CASE("match_peer_rule: entities that do not include the peer, and a port not listed", "[peer-match][reasons]") {
  Probe p;
  p.to_pod("db", "b/db");
  RuleMatchResult r = p.match(3, 443);
  CHECK(r.peer == Match::No);
  CHECK(r.peer_finding.reason == PeerReason::EntitiesMiss);
  REQUIRE(r.element_ref);
  CHECK(r.element_ref->path == "spec.egress[3].toEntities[0]");
  CHECK(r.port_finding.reason == PortReason::Listed);

  RuleMatchResult wrong_port = p.match(3, 80);
  CHECK(wrong_port.port == Match::No);
  CHECK(wrong_port.port_finding.reason == PortReason::PortNotListed);
  CHECK(wrong_port.score < r.score);

  p.to_address("198.51.100.1");
  RuleMatchResult world = p.match(3, 443);
  CHECK(world.peer_finding.reason == PeerReason::EntityIncludes);
  CHECK(world.peer_finding.entity->entity == Entity::World);
}

// Egress named ports resolve cluster-wide (pkg/types/portmap.go ::
// namedPortMultiMap.GetNamedPort): no pod defines `http`, so the entry is dropped.
TEST_CASE("match_peer_rule: a named port no pod defines is a failure of its entry", "[peer-match][reasons]") {
  Probe p;
  p.to_pod("web", "a/web");
  RuleMatchResult r = p.match(4, 8080);
  CHECK(r.peer == Match::Yes);
  CHECK(r.port == Match::No);
  REQUIRE(r.port_finding.named_failures.size() == 1);
  CHECK(r.port_finding.named_failures[0].why == NamedPortMiss::NotInCluster);
  CHECK(r.port_finding.named_failures[0].entry == &p.rule(4).ports.at(0));
}

TEST_CASE("render_peer_reason: the words of a near miss, the peer's first, then the port's", "[peer-match][words]") {
  Probe p;
  p.to_pod("web", "a/web");
  PeerWords label = render_peer_reason(p.context(80), p.match(0));
  CHECK(label.reasons == std::vector<std::string>{"a/web has no label `tier`"});
  CHECK(label.description.empty());

  PeerWords named = render_peer_reason(p.context(8080), p.match(4, 8080));
  CHECK(named.reasons ==
        std::vector<std::string>{
            "no pod in the cluster defines a TCP port named `http`, so this entry allows nothing (docs/semantics.md#named-ports)",
            "it allows http/TCP only, not 8080/TCP"});
  CHECK(named.description == "{app=web, k8s:io.kubernetes.pod.namespace=a} selects a/web");

  p.to_address("203.0.113.5");
  PeerWords excepted = render_peer_reason(p.context(80), p.match(2));
  CHECK(excepted.reasons ==
        std::vector<std::string>{"203.0.113.5 is not in 10.0.0.0/8 except 10.1.0.0/16",
                                 "203.0.113.5 is in CiliumCIDRGroup office (203.0.113.0/24), but this entry's except 203.0.113.0/28 removes it"});
}
