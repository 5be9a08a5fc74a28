// CLI tests: the real binary on the bundled fixtures and small inputs,
// asserting output and exit codes (0 allow/pass, 1 deny/fail, 2 bad input, 3 unknown).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"

using netreach::testing::run_netreach;
using netreach::testing::run_shell;

namespace {
const std::string kSeed = "fixtures/seed/clusters/prod";
const std::string kCorrected = "fixtures/corrected/clusters/prod";
}  // namespace

TEST_CASE("CLI query: the seed's policy denies partner-api -> auth, naming both causes", "[cli]") {
  auto r = run_netreach({"query", "-f", kSeed, "partner-cp/partner-api", "global-auth/auth", "--port", "5555"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::StartsWith("DENY partner-cp/partner-api -> global-auth/auth 5555/TCP"));
  // Sender side: the namespace-scoped selector, pointing at the file the user edits.
  CHECK_THAT(r.out, Catch::Contains("egress of partner-cp/partner-api: DENY"));
  CHECK_THAT(r.out, Catch::Contains("partner-cp/cnp.partner-api.yaml:11"));
  CHECK_THAT(r.out, Catch::Contains("this selector is scoped to namespace partner-cp because it has no "
                                    "`k8s:io.kubernetes.pod.namespace` key"));
  CHECK_THAT(r.out, Catch::Contains("to select pods in global-auth, add `k8s:io.kubernetes.pod.namespace: global-auth`"));
  // Receiver side: nothing allows the ingress.
  CHECK_THAT(r.out, Catch::Contains("ingress of global-auth/auth: DENY"));
  CHECK_THAT(r.out, Catch::Contains("none of them allows partner-cp/partner-api on 5555/TCP"));
}

TEST_CASE("CLI query: the corrected policies allow exactly the intended flows", "[cli]") {
  struct Case {
    std::vector<std::string> args;
    int exit_code;
  };
  std::vector<Case> cases = {
      {{"partner-cp/partner-api", "global-auth/auth", "--port", "5555/TCP"}, 0},
      {{"partner-cp/partner-api", "global-auth/svc/auth", "--port", "5555"}, 0},
      {{"billing-cp/billing-backend", "partner-cp/partner-api", "--port", "5080/TCP"}, 0},
      {{"partner-cp/partner-api", "global-auth/auth", "--port", "5556"}, 1},
      {{"partner-cp/partner-api", "global-auth/auth", "--port", "5555/UDP"}, 1},
      {{"partner-cp/partner-api", "global-auth/auth", "--port", "5555", "--protocol", "udp"}, 1},
      {{"partner-cp/partner-worker", "global-auth/auth", "--port", "5555"}, 1},
      {{"billing-cp/invoice-worker", "partner-cp/partner-api", "--port", "5080"}, 1},
      {{"partner-cp/deploy/partner-api", "global-auth/deploy/auth", "--port", "grpc"}, 0},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"query", "-f", kCorrected};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = run_netreach(args);
    INFO(args[3] << " -> " << args[4] << " " << args[6] << "\n" << r.out << r.err);
    CHECK(r.exit_code == c.exit_code);
  }
}

TEST_CASE("CLI check: text, json and junit outputs and exit codes", "[cli]") {
  auto seed = run_netreach({"check", "-f", kSeed, "-e", "fixtures/seed/expectations.yaml"});
  CHECK(seed.exit_code == 1);
  CHECK_THAT(seed.out, Catch::Contains("FAIL partner-api reaches auth: expected allow, got deny"));
  CHECK_THAT(seed.out, Catch::Contains("7 passed, 3 failed"));

  auto json = run_netreach({"check", "-f", kCorrected, "-e", "fixtures/corrected/expectations.yaml", "-o", "json"});
  REQUIRE(json.exit_code == 0);
  auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["passed"] == 10);
  CHECK(doc["failed"] == 0);
  REQUIRE(doc["results"].size() == 10);
  for (const char* field : {"name", "from", "to", "port", "protocol", "expect", "verdict", "passed", "explanation"})
    CHECK(doc["results"][0].contains(field));
  CHECK(doc["results"][0]["verdict"] == "allow");

  auto junit = run_netreach({"check", "-f", kSeed, "-e", "fixtures/seed/expectations.yaml", "-o", "junit"});
  CHECK(junit.exit_code == 1);
  CHECK_THAT(junit.out, Catch::Contains("<testsuite name=\"fixtures/seed/expectations.yaml\" tests=\"10\" failures=\"3\""));
  CHECK_THAT(junit.out, Catch::Contains("<testcase classname=\"netreach\" name=\"partner-api reaches auth (TCP)\" file=\"fixtures/seed/expectations.yaml\" line=\""));
}

TEST_CASE("CLI: kustomize output on stdin", "[cli][kubectl]") {
  auto r = run_shell("kubectl kustomize " + kCorrected + "/namespaces/application/global-auth | \"$NETREACH\" summary -f -");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("CiliumNetworkPolicy"));
  CHECK_THAT(r.out, Catch::Contains("policies: 2 CiliumNetworkPolicy"));
}

TEST_CASE("CLI: a fromPorts policy is refused; --lenient prunes it and opens every port to world", "[cli]") {
  const std::string manifests = R"(apiVersion: v1
kind: Pod
metadata: {name: app, namespace: default, labels: {app: example}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: example-policy
  namespace: default
spec:
  endpointSelector: {matchLabels: {app: example}}
  ingress:
    - fromEntities:
        - world
      fromPorts:
        - ports:
            - port: "80"
              protocol: TCP
)";
  auto strict = run_netreach({"query", "-f", "-", "world", "default/app", "--port", "8080"}, manifests);
  CHECK(strict.exit_code == 2);
  CHECK_THAT(strict.err, Catch::Contains("<stdin>:16:7: error: spec.ingress[0].fromPorts: unknown field \"fromPorts\""));
  auto lenient = run_netreach({"query", "--lenient", "-f", "-", "world", "default/app", "--port", "8080"}, manifests);
  CHECK(lenient.exit_code == 0);
  CHECK_THAT(lenient.out, Catch::StartsWith("ALLOW world -> default/app 8080/TCP"));
  CHECK_THAT(lenient.err, Catch::Contains("warning: spec.ingress[0].fromPorts"));
}

TEST_CASE("CLI: bad endpoints and ports are input errors (exit 2)", "[cli]") {
  CHECK(run_netreach({"query", "-f", kSeed, "partner-cp/nope", "global-auth/auth", "--port", "5555"}).exit_code == 2);
  CHECK(run_netreach({"query", "-f", kSeed, "partner-cp/partner-api", "global-auth/auth", "--port", "99999"}).exit_code == 2);
  CHECK(run_netreach({"query", "-f", kSeed, "partner-cp/partner-api", "global-auth/auth", "--port", "nope"}).exit_code == 2);
  CHECK(run_netreach({"query", "-f", kSeed, "partner-cp/partner-api", "global-auth/svc/auth", "--port", "80"}).exit_code == 2);
  CHECK(run_netreach({"query", "-f", kSeed, "nowhere/x", "global-auth/auth", "--port", "5555"}).exit_code == 2);
  CHECK(run_netreach({"query", "partner-cp/partner-api", "global-auth/auth", "--port", "5555"}).exit_code == 2);
  CHECK(run_netreach({"frobnicate"}).exit_code == 2);
}

TEST_CASE("CLI: an ambiguous name lists the candidates", "[cli]") {
  const std::string manifests = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x}]}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: a}
spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x}]}}}
)";
  auto r = run_netreach({"query", "-f", "-", "world", "a/web", "--port", "80"}, manifests);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("\"a/web\" is ambiguous: it could be a/deploy/web, a/sts/web"));
  CHECK(run_netreach({"query", "-f", "-", "world", "a/sts/web", "--port", "80"}, manifests).exit_code == 0);
}

TEST_CASE("CLI summary: counts, identities and what was ignored", "[cli]") {
  auto r = run_netreach({"summary", "-f", kCorrected, "-o", "json"});
  REQUIRE(r.exit_code == 0);
  auto s = nlohmann::json::parse(r.out);
  CHECK(s["namespaces"] == 4);
  CHECK(s["workloads"] == 6);
  CHECK(s["policies"]["CiliumNetworkPolicy"] == 6);  // 3 defaults + 3 application policies
  CHECK(s["identities"] == 6);
  CHECK(s["objects_by_kind"]["Deployment"] == 6);
}

TEST_CASE("CLI check: an empty expectations list is an input error, not a pass", "[cli]") {
  auto r = run_shell("f=$(mktemp) && printf 'apiVersion: netreach/v1\\nkind: Expectations\\nexpectations: []\\n' > \"$f\" && "
                     "\"$NETREACH\" check -f fixtures/seed/clusters/prod -e \"$f\"; code=$?; rm -f \"$f\"; exit $code");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("expectations: is empty"));
}
