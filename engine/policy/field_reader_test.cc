#include <catch2/catch.hpp>

#include <algorithm>

#include "policy/policy_test_support.h"

using namespace netreach;
using namespace netreach::policy_test;

// A misspelt field is pruned by the API server (the CRD schema is structural,
// pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml): the
// suggestion comes from the fields really allowed at that position, not from
// a list of known mistakes.
TEST_CASE("MapReader: an unknown field gets the nearest allowed field as suggestion", "[field_reader]") {
  auto r = parse(cnp(R"(
  egress:
  - toEndpionts:
    - matchLables: {app: db}
    toPrts:
    - ports: [{port: "5432", protocol: TCP}]
)"));
  CHECK_FALSE(r.policy);
  CHECK(has_diag(r, Severity::Error, "spec.egress[0].toEndpionts", "unknown field \"toEndpionts\": did you mean toEndpoints?", 9));
  CHECK(has_diag(r, Severity::Error, "spec.egress[0].toPrts", "did you mean toPorts?", 11));

  auto selector = parse(cnp(R"(
  egress:
  - toEndpoints:
    - matchLables: {app: db}
)"));
  CHECK(has_diag(selector, Severity::Error, "spec.egress[0].toEndpoints[0].matchLables",
                 "did you mean matchLabels?", 10));

  // A key in the wrong case is the same field to the reader of the error.
  auto knp_case = parse(knp(R"(
  podSelector: {}
  Ingress: [{}]
)"));
  CHECK(has_diag(knp_case, Severity::Error, "spec.Ingress", "did you mean ingress?"));

  // Top level and metadata are readers like any other.
  auto top = parse("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetdata: {name: p}\nspec: {endpointSelector: {}, ingress: [{}]}\n");
  CHECK(has_diag(top, Severity::Error, "metdata", "did you mean metadata?"));
  auto meta = parse("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namspace: a}\nspec: {endpointSelector: {}, ingress: [{}]}\n");
  CHECK(has_diag(meta, Severity::Error, "metadata.namspace", "did you mean namespace?"));
}

TEST_CASE("MapReader: lenient pruning names the suggestion too; far-off names get none", "[field_reader]") {
  auto r = parse(cnp(R"(
  egress:
  - toPrts:
    - ports: [{port: "5432"}]
)"),
                 lenient());
  REQUIRE(r.policy);
  CHECK(has_diag(r, Severity::Warning, "spec.egress[0].toPrts", "pruned"));
  CHECK(has_diag(r, Severity::Warning, "spec.egress[0].toPrts", "did you mean toPorts?"));

  auto far = parse(cnp(R"(
  egress:
  - somethingElse: [1]
)"));
  CHECK(has_diag(far, Severity::Error, "spec.egress[0].somethingElse", "unknown field \"somethingElse\""));
  for (const auto& d : far.diagnostics) CHECK(d.message.find("did you mean") == std::string::npos);
}

TEST_CASE("MapReader: a curated hint says more and wins over the nearest name", "[field_reader]") {
  // fromPorts is too far from toPorts for a computed suggestion; the curated
  // hint names it, and says what pruning it does.
  auto r = parse(cnp(R"(
  ingress:
  - fromEntities: [world]
    fromPorts:
    - ports: [{port: "80"}]
)"));
  CHECK(has_diag(r, Severity::Error, "spec.ingress[0].fromPorts", "did you mean toPorts?"));
  // A selector's namespaceSelector is a Kubernetes habit with a Cilium answer.
  auto ns = parse(cnp(R"(
  ingress:
  - fromEndpoints:
    - namespaceSelector: {}
)"));
  CHECK(has_diag(ns, Severity::Error, "spec.ingress[0].fromEndpoints[0].namespaceSelector",
                 "k8s:io.kubernetes.pod.namespace"));
}

// The one rule for string fields (load/string_field.h) in policies: selector
// keys' values, metadata and port names. np-guard's test data selects the
// Kubernetes e2e namespaces with `values: [x, y]`.
TEST_CASE("read_string: a plain y/yes/on/n/no/off is the string written, and is reported for a warning", "[field_reader][string_field]") {
  auto r = parse(R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: k, namespace: y}
spec:
  podSelector: {matchLabels: {role: no}}
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions: [{key: ns, operator: In, values: [x, y]}]
    ports:
    - port: on
)");
  REQUIRE(r.policy);
  CHECK_FALSE(has_errors(r.diagnostics));
  CHECK(r.policy->namespace_ == "y");
  const auto& peer = r.policy->rules.at(0).ingress.at(0);
  REQUIRE(peer.ports.size() == 1);
  CHECK(peer.ports[0].name == "on");
  std::vector<std::string> words;
  for (const auto& w : r.yaml11_words) words.push_back(w.path + "=" + w.text);
  std::sort(words.begin(), words.end());
  CHECK(words == std::vector<std::string>{"metadata.namespace=y",
                                          "spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values[1]=y",
                                          "spec.ingress[0].ports[0].port=on", "spec.podSelector.matchLabels.role=no"});

  auto cnp_port = parse(cnp(R"(
  ingress:
  - fromEndpoints: [{matchLabels: {app: yes}}]
    toPorts: [{ports: [{port: on}]}]
)"));
  REQUIRE(cnp_port.policy);
  CHECK(cnp_port.policy->rules.at(0).ingress.at(0).ports.at(0).name == "on");
  CHECK(cnp_port.yaml11_words.size() == 2);
}

TEST_CASE("read_string: true, false and numbers in a string field stay errors", "[field_reader][string_field]") {
  auto values = parse(cnp(R"(
  ingress:
  - fromEndpoints: [{matchExpressions: [{key: ns, operator: In, values: [x, true]}]}]
)"));
  CHECK(has_diag(values, Severity::Error, "spec.ingress[0].fromEndpoints[0].matchExpressions[0].values[1]",
                 "must be a string, not boolean (quote it: \"true\")"));
  auto labels = parse(cnp(R"(
  ingress:
  - fromEndpoints: [{matchLabels: {version: 2}}]
)"));
  CHECK(has_diag(labels, Severity::Error, "spec.ingress[0].fromEndpoints[0].matchLabels.version",
                 "must be a string, not integer"));
  auto knp_port = parse(knp(R"(
  podSelector: {}
  ingress: [{ports: [{port: false}]}]
)"));
  CHECK(has_diag(knp_port, Severity::Error, "spec.ingress[0].ports[0].port", "not boolean"));
  CHECK(knp_port.yaml11_words.empty());
}
