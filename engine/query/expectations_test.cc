// check(): the streaming form hands each result over as it is judged, in file
// order, after every expectation has been validated; the whole-report form is
// built from it. Each result carries the protocol judged.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "test_support.h"

using namespace netreach;
using netreach::testing::model_from_yaml;

namespace {

// The server's ingress allows UDP on 53 only; its `dns` port is UDP.
const std::string kCluster = R"(
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: a, labels: {app: server}}
spec:
  containers:
  - name: c
    image: x
    ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53, protocol: TCP}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: a, labels: {app: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: udp-only, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: client}}]
    toPorts: [{ports: [{port: "53", protocol: UDP}]}]
)";

Expectation expectation(std::string name, std::string port, std::optional<Protocol> protocol, Verdict expect) {
  Expectation e;
  e.name = std::move(name);
  e.from = "a/client";
  e.to = "a/server";
  e.port = std::move(port);
  e.protocol = protocol;
  e.expect = expect;
  return e;
}

}  // namespace

TEST_CASE("check streams results in file order, each with the protocol judged", "[check]") {
  auto model = model_from_yaml(kCluster);
  ExpectationsFile file;
  file.expectations = {
      expectation("", "53/UDP", std::nullopt, Verdict::Allow),
      expectation("", "53", Protocol::UDP, Verdict::Allow),
      expectation("", "dns", std::nullopt, Verdict::Allow),       // the named port is UDP
      expectation("", "dns-tcp", std::nullopt, Verdict::Allow),   // TCP: denied, fails
      expectation("tcp by default", "53", std::nullopt, Verdict::Deny),
  };
  std::vector<std::string> names;
  std::vector<Protocol> protocols;
  std::vector<bool> passed;
  auto counts = check(*model, file, [&](const CheckResult& r) {
    names.push_back(r.expectation.name);
    protocols.push_back(r.result.protocol);
    passed.push_back(r.passed);
  });
  REQUIRE(counts);
  CHECK(counts->passed == 4);
  CHECK(counts->failed == 1);
  CHECK(names == std::vector<std::string>{"a/client -> a/server 53/UDP", "a/client -> a/server 53/UDP",
                                          "a/client -> a/server dns/UDP", "a/client -> a/server dns-tcp/TCP",
                                          "tcp by default"});
  CHECK(protocols == std::vector<Protocol>{Protocol::UDP, Protocol::UDP, Protocol::UDP, Protocol::TCP, Protocol::TCP});
  CHECK(passed == std::vector<bool>{true, true, true, false, true});

  // The whole-report form holds the same results.
  auto report = check(*model, file);
  REQUIRE(report);
  REQUIRE(report->results.size() == 5);
  CHECK(report->passed == 4);
  CHECK(report->failed == 1);
  for (size_t i = 0; i < 5; ++i) {
    CHECK(report->results[i].expectation.name == names[i]);
    CHECK(report->results[i].result.protocol == protocols[i]);
  }
  CHECK(report->results[3].result.headline == "DENY a/client -> a/server dns-tcp/TCP");
}

TEST_CASE("check validates every expectation before judging any: on errors nothing is streamed", "[check]") {
  auto model = model_from_yaml(kCluster);
  ExpectationsFile file;
  file.expectations = {
      expectation("fine", "53/UDP", std::nullopt, Verdict::Allow),
      expectation("no such pod", "53/UDP", std::nullopt, Verdict::Allow),
      expectation("fine too", "53/UDP", std::nullopt, Verdict::Allow),
      expectation("", "http", std::nullopt, Verdict::Allow),  // no port named http
  };
  file.expectations[1].to = "a/nope";
  size_t calls = 0;
  auto counts = check(*model, file, [&](const CheckResult&) { ++calls; });
  REQUIRE_FALSE(counts);
  CHECK(calls == 0);
  REQUIRE(counts.errors().size() == 2);  // both bad expectations, not only the first
  CHECK(counts.errors()[0].field_path == "expectation \"no such pod\"");
  CHECK(counts.errors()[1].field_path == "expectation \"a/client -> a/server http\".port");  // the field is named
  CHECK_FALSE(check(*model, file));
}

TEST_CASE("validate_query finds what query() rejects, without judging", "[check]") {
  auto model = model_from_yaml(kCluster);
  for (const auto& [port, protocol] : std::vector<std::pair<std::string, std::optional<Protocol>>>{
           {"53/UDP", std::nullopt}, {"dns", std::nullopt}, {"dns", Protocol::UDP}, {"53", Protocol::SCTP}, {"53/udp", std::nullopt}}) {
    INFO(port);
    FlowQuery flow{"a/client", "a/server", port, protocol};
    CHECK(validate_query(*model, flow).empty());
    CHECK(query(*model, flow));
  }
  for (const auto& [port, protocol] : std::vector<std::pair<std::string, std::optional<Protocol>>>{
           {"dns", Protocol::TCP}, {"http", std::nullopt}, {"53/ICMP", std::nullopt}, {"53/UDP", Protocol::TCP}, {"0", std::nullopt}}) {
    INFO(port);
    FlowQuery flow{"a/client", "a/server", port, protocol};
    auto errors = validate_query(*model, flow);
    CHECK_FALSE(errors.empty());
    auto result = query(*model, flow);
    REQUIRE_FALSE(result);
    CHECK(result.errors().front().message == errors.front().message);
  }
}

// docs/semantics.md#icmp: an expectation's port takes ICMP as query --port does (one parser,
// model/protocol.h :: parse_icmp_flow); a bad one names the expectation and its port field.
TEST_CASE("check: ICMP expectations, and a bad ICMP port names the field", "[check][icmp]") {
  auto model = model_from_yaml(kCluster + R"(
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ping, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: client}}]
    icmps: [{fields: [{family: IPv6, type: EchoRequest}]}]
)");
  ExpectationsFile file;
  file.expectations = {
      expectation("", "icmpv6:EchoRequest", std::nullopt, Verdict::Allow),
      expectation("ping over IPv4", "icmp:8", std::nullopt, Verdict::Deny),
  };
  auto report = check(*model, file);
  REQUIRE(report);
  REQUIRE(report->results.size() == 2);
  CHECK(report->results[0].passed);
  CHECK(report->results[0].expectation.name == "a/client -> a/server icmpv6:128");
  CHECK(report->results[0].result.protocol == Protocol::ICMPv6);
  CHECK(report->results[1].passed);
  file.expectations.push_back(expectation("bad", "icmpv6:Echo", std::nullopt, Verdict::Allow));  // Echo is IPv4 only
  auto bad = check(*model, file);
  REQUIRE_FALSE(bad);
  CHECK(bad.errors().at(0).field_path == "expectation \"bad\".port");
  CHECK_THAT(bad.errors().at(0).message, Catch::Contains("unknown ICMPv6 type name \"Echo\"") && Catch::Contains("is an IPv4 (icmp:) type name"));
}
