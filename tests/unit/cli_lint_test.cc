// CLI tests of `lint` on the bundled fixtures and on small inputs, running
// the real binary: the seed's mistakes with file:line and exit 1, nothing of
// them on the corrected fixture, --fail-level, and SARIF checked against the
// properties the SARIF 2.1.0 schema requires (and code-scanning views read).
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"

using namespace netreach::testing;

namespace {
// Relative: run_netreach runs the binary from the source tree, and positions
// are printed as the paths were given.
const std::string kSeed = "fixtures/seed/clusters/prod";
const std::string kCorrected = "fixtures/corrected/clusters/prod";
const std::string kPolicy = "fixtures/seed/clusters/prod/namespaces/application/partner-cp/cnp.partner-api.yaml";
}  // namespace

// [kustomize]: the fixtures are kustomizations (skipped without kustomize or kubectl).
TEST_CASE("CLI lint: the seed's namespace look-alikes and one-sided flows, with file:line, exit 1", "[cli][lint][kustomize]") {
  auto seed = run_netreach({"lint", "-f", kSeed});
  CHECK(seed.exit_code == 1);
  // Both peer selectors of cnp.partner-api.yaml, at their lines.
  CHECK_THAT(seed.out, Catch::Contains(kPolicy + ":12:11: warning [NR001 namespace-lookalike-selector] CNP partner-cp/partner-api "
                                       "spec.egress[0].toEndpoints[0]: `app.kubernetes.io/namespace=global-auth` looks like it "
                                       "selects pods of namespace global-auth"));
  CHECK_THAT(seed.out, Catch::Contains("spec.ingress[0].fromEndpoints[0]: `app.kubernetes.io/namespace=billing-cp`"));
  CHECK_THAT(seed.out, Catch::Contains("fix: replace `app.kubernetes.io/namespace: global-auth` with `k8s:io.kubernetes.pod.namespace: global-auth`"));
  // Read as intended, each still meets the other side's closed policy.
  CHECK_THAT(seed.out, Catch::Contains(kPolicy + ":11:7: warning [NR002 one-sided-flow] CNP partner-cp/partner-api spec.egress[0]: "
                                       "read as intended (`k8s:io.kubernetes.pod.namespace: global-auth` instead of "
                                       "`app.kubernetes.io/namespace: global-auth`), "));
  CHECK_THAT(seed.out, Catch::Contains("this egress rule allows partner-cp/partner-api -> global-auth/auth on TCP 5555, but the "
                                       "ingress of global-auth/auth does not allow it"));
  CHECK_THAT(seed.out, Catch::Contains("this ingress rule allows billing-cp/billing-backend -> partner-cp/partner-api on TCP 5080, "
                                       "but the egress of billing-cp/billing-backend does not allow it"));

  auto corrected = run_netreach({"lint", "-f", kCorrected});
  CHECK_THAT(corrected.out, !Catch::Contains("NR001"));
  CHECK_THAT(corrected.out, !Catch::Contains("NR002"));
  CHECK_THAT(corrected.out, Catch::Contains("0 findings"));
  CHECK(corrected.exit_code == 0);
}

TEST_CASE("CLI lint: --fail-level, JSON, bad input exits 2", "[cli][lint]") {
  const std::string yes = R"(apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web, legacy: yes}}
spec: {containers: [{name: c, image: x}]}
)";
  auto warned = run_netreach({"lint", "-q", "-f", "-"}, yes);
  CHECK(warned.exit_code == 1);
  CHECK_THAT(warned.out, Catch::Contains("<stdin>:3:"));
  CHECK_THAT(warned.out, Catch::Contains("[NR011 yaml11-boolean-string]"));
  CHECK(run_netreach({"lint", "-q", "-f", "-", "--fail-level", "error"}, yes).exit_code == 0);
  CHECK(run_netreach({"lint", "-q", "-f", "-", "--fail-level", "none"}, yes).exit_code == 0);

  auto json = run_netreach({"lint", "-q", "-f", "-", "-o", "json"}, yes);
  CHECK(json.exit_code == 1);
  auto doc = nlohmann::json::parse(json.out);
  REQUIRE(doc["findings"].size() == 1);
  CHECK(doc["findings"][0]["rule"] == "NR011");
  CHECK(doc["findings"][0]["line"] == 3);
  CHECK(doc["counts"]["warning"] == 1);

  auto clean = run_netreach({"lint", "-f", "-"}, R"(apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
)");
  CHECK(clean.exit_code == 0);
  CHECK_THAT(clean.out, Catch::Contains("0 findings"));

  auto bad = run_netreach({"lint", "-f", "-"}, "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x, namespace: a}\nspec: {endpointSelector: {}, ingres: []}\n");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("<stdin>:4"));
  CHECK(run_netreach({"lint", "-f", "-", "--fail-level", "loud"}, "").exit_code == 2);
}

TEST_CASE("CLI lint -o sarif: SARIF 2.1.0 with the schema's required properties, rule descriptions and help", "[cli][lint][sarif]") {
  auto run = run_netreach({"lint", "-q", "-f", "-", "-o", "sarif"}, R"(apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {}
  ingress:
  - fromEntities: [world]
  - fromRequires: [{matchLabels: {env: prod}}]
)");
  CHECK(run.exit_code == 1);
  auto doc = nlohmann::json::parse(run.out);
  CHECK(doc["version"] == "2.1.0");
  CHECK(doc["$schema"].get<std::string>().find("sarif-2.1.0") != std::string::npos);
  REQUIRE(doc["runs"].is_array());
  REQUIRE(doc["runs"].size() == 1);
  const auto& run0 = doc["runs"][0];
  const auto& driver = run0["tool"]["driver"];
  CHECK(driver["name"] == "netreach");
  REQUIRE(driver["rules"].is_array());
  CHECK(driver["rules"].size() == 11);
  for (const auto& rule : driver["rules"]) {
    CHECK(rule["id"].is_string());
    CHECK(!rule["shortDescription"]["text"].get<std::string>().empty());
    CHECK(!rule["fullDescription"]["text"].get<std::string>().empty());
    CHECK(!rule["help"]["text"].get<std::string>().empty());
    CHECK(rule["defaultConfiguration"]["level"].is_string());
  }
  REQUIRE(run0["results"].is_array());
  std::set<std::string> ids;
  for (const auto& result : run0["results"]) {
    ids.insert(result["ruleId"].get<std::string>());
    CHECK(driver["rules"][result["ruleIndex"].get<size_t>()]["id"] == result["ruleId"]);
    CHECK(!result["message"]["text"].get<std::string>().empty());
    REQUIRE(result["locations"].is_array());
    REQUIRE(result["locations"].size() == 1);
    const auto& loc = result["locations"][0]["physicalLocation"];
    CHECK(loc["artifactLocation"]["uri"] == "%3Cstdin%3E");
    CHECK(loc["region"]["startLine"].get<int>() >= 1);
    const std::set<std::string> levels = {"error", "warning", "note"};
    CHECK(levels.count(result["level"].get<std::string>()) == 1);
  }
  const std::set<std::string> expected = {"NR007", "NR010"};
  CHECK(ids == expected);
}
