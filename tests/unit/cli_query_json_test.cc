// CLI tests of `query -o json` (docs/query-json.md): the real binary on the
// bundled fixtures, the structured verdict holding what the text says.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"

using netreach::testing::run_netreach;

namespace {
const std::string kSeed = "fixtures/seed/clusters/prod";
const std::string kCorrected = "fixtures/corrected/clusters/prod";

nlohmann::json query_json(const std::vector<std::string>& args, int expected_exit) {
  std::vector<std::string> all = {"query", "-o", "json"};
  all.insert(all.end(), args.begin(), args.end());
  auto r = run_netreach(all);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == expected_exit);
  return nlohmann::json::parse(r.out);
}
}  // namespace

TEST_CASE("CLI query -o json: the seed's deny, both sides, with the near miss that names the namespace scoping", "[cli][query-json]") {
  auto doc = query_json({"-f", kSeed, "partner-cp/partner-api", "global-auth/auth", "--port", "5555"}, 1);
  CHECK(doc["schemaVersion"] == 1);
  CHECK(doc["verdict"] == "deny");
  CHECK(doc["port"] == "5555");
  CHECK(doc["protocol"] == "TCP");
  CHECK_THAT(doc["headline"].get<std::string>(), Catch::StartsWith("DENY partner-cp/partner-api -> global-auth/auth"));
  CHECK_THAT(doc["explanation"].get<std::string>(), Catch::StartsWith(doc["headline"].get<std::string>()));
  REQUIRE(doc["flows"].size() >= 1);
  const auto& flow = doc["flows"][0];
  const auto& egress = flow["egress"];
  CHECK(egress["direction"] == "egress");
  CHECK(egress["enforcement"] == "default-deny");
  CHECK(egress["verdict"] == "deny");
  CHECK_FALSE(egress.contains("decisive"));  // default deny: no rule decided
  CHECK_THAT(egress["suggestion"].get<std::string>(), Catch::Contains("toEndpoints"));
  // The seed's rule is the closest: the port matches, the peer does not, and
  // the reason says why (the selector is scoped to the policy's namespace).
  bool found = false;
  for (const auto& miss : egress["near_misses"]) {
    if (miss["rule"]["name"] != "partner-api" || miss["code"] != "peer-does-not-match") continue;
    found = true;
    CHECK(miss["rule"]["kind"] == "CiliumNetworkPolicy");
    CHECK(miss["rule"]["namespace"] == "partner-cp");
    CHECK_THAT(miss["rule"]["file"].get<std::string>(), Catch::EndsWith("cnp.partner-api.yaml"));
    CHECK(miss["rule"]["line"].get<int>() > 0);
    CHECK_THAT(miss["reasons"].dump(), Catch::Contains("scoped to namespace partner-cp"));
  }
  CHECK(found);
  CHECK(flow["ingress"]["direction"] == "ingress");
  CHECK(flow["ingress"]["verdict"] == "deny");
  CHECK_FALSE(doc.contains("hypothetical"));
}

TEST_CASE("CLI query -o json: the corrected allow names the decisive rule on each side, with file and line", "[cli][query-json]") {
  auto doc = query_json({"-f", kCorrected, "partner-cp/partner-api", "global-auth/auth", "--port", "5555"}, 0);
  CHECK(doc["verdict"] == "allow");
  for (const char* side : {"egress", "ingress"}) {
    INFO(side);
    const auto& s = doc["flows"][0][side];
    CHECK(s["verdict"] == "allow");
    REQUIRE(s.contains("decisive"));
    CHECK(s["decisive"]["kind"] == "CiliumNetworkPolicy");
    CHECK_THAT(s["decisive"]["path"].get<std::string>(), Catch::Contains(std::string(side) == "egress" ? "toEndpoints" : "fromEndpoints"));
    CHECK(s["decisive"]["line"].get<int>() > 0);
    CHECK_FALSE(s["selecting"].empty());
  }
  CHECK(doc["flows"][0]["ingress"]["decisive"]["namespace"] == "global-auth");
}

TEST_CASE("CLI query -o json: the protocol judged and a what-if are in the document", "[cli][query-json]") {
  auto udp = query_json({"-f", kSeed, "partner-cp/partner-api", "kube-system/coredns", "--port", "53/udp"}, 0);
  CHECK(udp["protocol"] == "UDP");
  CHECK(udp["flows"][0]["protocol"] == "UDP");
  auto hypothetical = query_json({"-f", kSeed, "partner-cp/partner-api", "global-auth/auth", "--port", "5555", "--add",
                                  "tests/data/whatif/corrected-policies.yaml"},
                                 0);
  REQUIRE(hypothetical["hypothetical"].size() == 1);
  CHECK_THAT(hypothetical["hypothetical"][0].get<std::string>(), Catch::StartsWith("added tests/data/whatif/corrected-policies.yaml"));
  auto bad = run_netreach({"query", "-o", "yaml", "-f", kSeed, "partner-cp/partner-api", "global-auth/auth", "--port", "5555"});
  CHECK(bad.exit_code == 2);
}
