// CLI tests of `replay`, running the real binary on the Hubble exports of
// tests/data/replay, recorded under the seed's policies: in policy audit mode
// (seed-audit.json, `hubble observe -o json`) and enforced
// (seed-enforced.jsonpb, `hubble observe -o jsonpb`), judged against the
// corrected policies.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"

using namespace netreach::testing;

namespace {
const std::string kSeed = "fixtures/seed/clusters/prod";
const std::string kCorrected = "fixtures/corrected/clusters/prod";
const std::string kAudit = "tests/data/replay/seed-audit.json";
const std::string kEnforced = "tests/data/replay/seed-enforced.jsonpb";

struct Group {
  std::string outcome, from, to;
  int port;
  size_t flows;
  friend bool operator==(const Group&, const Group&) = default;
};

std::vector<Group> groups_of(const nlohmann::json& doc, const std::string& outcome) {
  std::vector<Group> out;
  for (const auto& g : doc["groups"])
    if (g["outcome"] == outcome) out.push_back({g["outcome"], g["from"], g["to"], g["port"], g["flows"]});
  return out;
}

std::vector<std::string> reasons_of(const nlohmann::json& list) {
  std::vector<std::string> out;
  for (const auto& n : list) out.push_back(n["reason"]);
  return out;
}
}  // namespace

// [kustomize]: the fixtures are kustomizations (skipped without kustomize or kubectl).
TEST_CASE("CLI replay: what the corrected policies would drop of the traffic recorded under the seed's, exactly", "[cli][replay][kustomize]") {
  auto r = run_netreach({"replay", "-f", kCorrected, "--flows", kAudit, "-o", "json"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("--fail-on dropped: 4 observed flows would be dropped"));
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["schemaVersion"] == 1);
  // The audited flows the corrected policies still deny, and the address outside the cluster.
  CHECK(groups_of(doc, "would-drop") == std::vector<Group>{
                                            {"would-drop", "203.0.113.50", "partner-cp/deploy/partner-api", 5080, 1},
                                            {"would-drop", "billing-cp/deploy/invoice-worker", "partner-cp/deploy/partner-api", 5080, 1},
                                            {"would-drop", "partner-cp/deploy/partner-worker", "global-auth/deploy/auth", 5555, 2},
                                        });
  CHECK(groups_of(doc, "would-allow").empty());
  // What the correction was for: partner-api -> auth and billing-backend -> partner-api pass, as do the namespace's own and DNS.
  CHECK(groups_of(doc, "still-allowed") == std::vector<Group>{
                                               {"still-allowed", "billing-cp/deploy/billing-backend", "partner-cp/deploy/partner-api", 5080, 1},
                                               {"still-allowed", "partner-cp/deploy/partner-api", "global-auth/deploy/auth", 5555, 1},
                                               {"still-allowed", "partner-cp/deploy/partner-api", "kube-system/deploy/coredns", 53, 1},
                                               {"still-allowed", "partner-cp/deploy/partner-worker", "partner-cp/deploy/partner-api", 5080, 1},
                                           });
  const auto& counts = doc["counts"];
  CHECK(counts["records"] == 11);
  CHECK(counts["judged"] == 8);
  CHECK(counts["unmatched"] == 1);
  CHECK(counts["skipped"] == 2);
  // The deciding side and rule, with file:line, as query explains it.
  const auto& worker = doc["groups"][2];
  REQUIRE(worker["decisions"].size() == 2);
  CHECK(worker["decisions"][0]["direction"] == "egress");
  CHECK(worker["decisions"][0]["selecting"][0]["file"] == "fixtures/corrected/clusters/prod/defaults/cnp.namespace-defaults.yaml");
  CHECK(worker["decisions"][0]["selecting"][0]["line"] == 7);
  CHECK(worker["lines"] == nlohmann::json::parse(R"([{"file":")" + kAudit + R"(","line":3},{"file":")" + kAudit + R"(","line":4}])"));
  // Never dropped silently: the unknown pod and the reply and L7 event, each with its line.
  REQUIRE(doc["unmatched"].size() == 1);
  CHECK_THAT(doc["unmatched"][0]["reason"].get<std::string>(), Catch::StartsWith("source partner-cp/legacy-exporter-5f4d8c7b6-k9j2r: no pod or workload"));
  CHECK(doc["unmatched"][0]["flows"][0]["line"] == 10);
  auto skipped = reasons_of(doc["skipped"]);
  REQUIRE(skipped.size() == 2);
  CHECK_THAT(skipped[0], Catch::StartsWith("a reply"));
  CHECK_THAT(skipped[1], Catch::StartsWith("not an L3/L4 flow (Type L7)"));

  auto text = run_netreach({"replay", "-f", kCorrected, "--flows", kAudit});
  CHECK(text.exit_code == 1);
  CHECK_THAT(text.out, Catch::Contains("would drop (4 flows in 3 groups)"));
  CHECK_THAT(text.out, Catch::Contains("  partner-cp/deploy/partner-worker -> global-auth/deploy/auth  5555/TCP  2 flows (AUDIT)  at " + kAudit + ":3, 4\n"
                                       "      DENY partner-cp/partner-worker -> global-auth/auth 5555/TCP\n"
                                       "      egress of partner-cp/partner-worker: default deny"));
  CHECK_THAT(text.out, Catch::Contains("selected by: CNP partner-cp/namespace-defaults spec (fixtures/corrected/clusters/prod/defaults/cnp.namespace-defaults.yaml:7:3)"));
  CHECK_THAT(text.out, Catch::Contains("would allow: none"));
  CHECK_THAT(text.out, Catch::Contains("unchanged: 4 flows still allowed, 0 flows still denied"));
  CHECK_THAT(text.out, Catch::Contains(kAudit + ":10  partner-cp/legacy-exporter-5f4d8c7b6-k9j2r (10.0.1.77) -> global-auth/auth-5b7f9d6c4-h3k8w"));
}

TEST_CASE("CLI replay: the dropped flows the corrected policies allow, from a jsonpb export; --fail-on", "[cli][replay][kustomize]") {
  auto r = run_netreach({"replay", "-f", kCorrected, "--flows", kEnforced, "-o", "json"});
  CHECK(r.exit_code == 0);  // nothing observed passing would be dropped
  auto doc = nlohmann::json::parse(r.out);
  CHECK(groups_of(doc, "would-drop").empty());
  CHECK(groups_of(doc, "would-allow") == std::vector<Group>{
                                             {"would-allow", "billing-cp/deploy/billing-backend", "partner-cp/deploy/partner-api", 5080, 1},
                                             {"would-allow", "partner-cp/deploy/partner-api", "global-auth/deploy/auth", 5555, 2},
                                         });
  CHECK(groups_of(doc, "still-denied") == std::vector<Group>{
                                              {"still-denied", "198.51.100.7", "partner-cp/deploy/partner-api", 5080, 1},
                                              {"still-denied", "partner-cp/deploy/partner-worker", "global-auth/deploy/auth", 5555, 1},
                                          });
  const auto& allowed = doc["groups"][1];
  REQUIRE(allowed["decisions"].size() == 2);
  CHECK(allowed["decisions"][1]["rule"]["name"] == "auth-from-partner-api");
  CHECK(allowed["decisions"][1]["rule"]["line"] == 12);
  auto skipped = reasons_of(doc["skipped"]);
  REQUIRE(skipped.size() == 5);
  CHECK(skipped[0] == "not a flow: a node_status event");
  CHECK_THAT(skipped[1], Catch::StartsWith("ICMPv4: netreach judges TCP, UDP and SCTP ports"));
  CHECK_THAT(skipped[2], Catch::StartsWith("a reply"));
  CHECK(skipped[3] == "DROPPED for CT_MAP_INSERTION_FAILED, not by policy");
  CHECK(skipped[4] == "not a flow: a lost_events event");

  CHECK(run_netreach({"replay", "-f", kCorrected, "--flows", kEnforced, "--fail-on", "allowed"}).exit_code == 1);
  CHECK(run_netreach({"replay", "-f", kCorrected, "--flows", kEnforced, "--fail-on", "any"}).exit_code == 1);
  CHECK(run_netreach({"replay", "-f", kCorrected, "--flows", kAudit, "--fail-on", "allowed"}).exit_code == 0);
  CHECK(run_netreach({"replay", "-f", kCorrected, "--flows", kAudit, "--fail-on", "none"}).exit_code == 0);
}

TEST_CASE("CLI replay: against the seed itself, the audited flows are what enforcing it would drop", "[cli][replay][kustomize]") {
  auto r = run_netreach({"replay", "-f", kSeed, "--flows", kAudit, "--flows", kEnforced, "-o", "json"});
  CHECK(r.exit_code == 1);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["counts"]["would_drop"] == 6);   // every AUDIT flow of a pod the input has
  CHECK(doc["counts"]["would_allow"] == 0);  // the seed dropped what it drops
  CHECK(doc["counts"]["records"] == 23);
}

TEST_CASE("CLI replay: a malformed line is an error naming the file, the line and the field (exit 2)", "[cli][replay][kustomize]") {
  auto r = run_shell("printf '%s\\n' '{\"verdict\":\"FORWARDED\",\"Type\":\"L3_L4\"}' "
                     "'{\"flow\":{\"l4\":{\"TCP\":{\"destination_port\":\"https\"}}}}' | "
                     "\"$NETREACH\" replay -f " + kCorrected + " --flows -");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("<stdin>:2:1: error: flow.l4.TCP.destination_port: expected an unsigned integer, found a string \"https\""));
  CHECK(r.out.empty());
  auto missing = run_netreach({"replay", "-f", kCorrected, "--flows", "tests/data/replay/no-such.json"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("cannot read flows from tests/data/replay/no-such.json"));
  auto twice = run_netreach({"replay", "-f", "-", "--flows", "-"});
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.err, Catch::Contains("standard input can be read once"));
}
