// CLI tests of the what-if options (--add, --remove, --set-labels) on query,
// check, graph and diff: the real binary on the bundled fixtures, asserting the
// verdicts each change flips, the exit codes and that every output says it is
// hypothetical.
#include <map>
#include <utility>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"

using netreach::testing::run_netreach;

namespace {
const std::string kSeed = "fixtures/seed/clusters/prod";
const std::string kCorrected = "fixtures/corrected/clusters/prod";
const std::string kSeedExpectations = "fixtures/seed/expectations.yaml";
// The corrected policies of fixtures/corrected/ as one file, namespaces written.
const std::string kFix = "tests/data/whatif/corrected-policies.yaml";
const std::string kFixLine =
    "HYPOTHETICAL (what-if): added " + kFix + " (3 objects, replacing CiliumNetworkPolicy partner-cp/partner-api)\n";

netreach::testing::CliRun query(const std::string& input, const std::string& from, const std::string& to, const std::string& port,
                                const std::vector<std::string>& what_if) {
  std::vector<std::string> args = {"query", "-f", input, from, to, "--port", port};
  args.insert(args.end(), what_if.begin(), what_if.end());
  return run_netreach(args);
}
}  // namespace

TEST_CASE("CLI what-if: the seed with the corrected policies added allows partner-api -> auth, hypothetically", "[cli][whatif]") {
  auto before = query(kSeed, "partner-cp/partner-api", "global-auth/auth", "5555", {});
  CHECK(before.exit_code == 1);
  CHECK(before.out.find("HYPOTHETICAL") == std::string::npos);

  auto r = query(kSeed, "partner-cp/partner-api", "global-auth/auth", "5555", {"--add", kFix});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith(kFixLine + "ALLOW partner-cp/partner-api -> global-auth/auth 5555/TCP"));
  // The rules that allow are the added ones, pointed at in the added file.
  CHECK_THAT(r.out, Catch::Contains("allowed by CNP partner-cp/partner-api spec.egress[0].toEndpoints[0] (" + kFix + ":"));
  CHECK_THAT(r.out, Catch::Contains("allowed by CNP global-auth/auth-from-partner-api spec.ingress[0].fromEndpoints[0] (" + kFix + ":"));
  // The seed's broken policy is replaced, not evaluated beside the new one.
  CHECK_THAT(r.out, !Catch::Contains("cnp.partner-api.yaml"));
}

TEST_CASE("CLI what-if: check of the seed's expectations with the corrected policies added", "[cli][whatif]") {
  auto text = run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations, "--add", kFix});
  INFO(text.out << text.err);
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::StartsWith(kFixLine + "PASS "));
  CHECK_THAT(text.out, Catch::EndsWith("10 passed, 0 failed\n"));

  auto json = run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations, "--add", kFix, "-o", "json"});
  REQUIRE(json.exit_code == 0);
  auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["hypothetical"] == nlohmann::json::array(
                                   {"added " + kFix + " (3 objects, replacing CiliumNetworkPolicy partner-cp/partner-api)"}));
  CHECK(doc["passed"] == 10);
  CHECK(doc["failed"] == 0);
  // Without changes there is no such member.
  auto plain = nlohmann::json::parse(run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations, "-o", "json"}).out);
  CHECK_FALSE(plain.contains("hypothetical"));

  auto junit = run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations, "--add", kFix, "-o", "junit"});
  CHECK(junit.exit_code == 0);
  CHECK_THAT(junit.out, Catch::Contains("<property name=\"hypothetical\" value=\"added " + kFix + " (3 objects"));
}

TEST_CASE("CLI what-if: --remove flips a verdict both ways", "[cli][whatif]") {
  // allow -> deny: without auth-from-partner-api, auth's namespace-defaults admit only its own namespace.
  auto closed = query(kCorrected, "partner-cp/partner-api", "global-auth/auth", "5555", {"--remove", "cnp/global-auth/auth-from-partner-api"});
  INFO(closed.out << closed.err);
  CHECK(closed.exit_code == 1);
  CHECK_THAT(closed.out, Catch::StartsWith("HYPOTHETICAL (what-if): removed CiliumNetworkPolicy global-auth/auth-from-partner-api\n"
                                           "DENY partner-cp/partner-api -> global-auth/auth 5555/TCP"));

  // deny -> allow: partner-worker is denied by both sides; with no policy
  // selecting either end, nothing is enforced.
  CHECK(query(kCorrected, "partner-cp/partner-worker", "global-auth/auth", "5555", {}).exit_code == 1);
  auto opened = query(kCorrected, "partner-cp/partner-worker", "global-auth/auth", "5555",
                      {"--remove", "cnp/partner-cp/namespace-defaults", "--remove", "CiliumNetworkPolicy/global-auth/namespace-defaults",
                       "--remove", "ciliumnetworkpolicies/global-auth/auth-from-partner-api"});
  INFO(opened.out << opened.err);
  CHECK(opened.exit_code == 0);
  CHECK_THAT(opened.out, Catch::StartsWith("HYPOTHETICAL (what-if): removed CiliumNetworkPolicy partner-cp/namespace-defaults; "
                                           "removed CiliumNetworkPolicy global-auth/namespace-defaults; "
                                           "removed CiliumNetworkPolicy global-auth/auth-from-partner-api\n"
                                           "ALLOW partner-cp/partner-worker -> global-auth/auth 5555/TCP"));
}

TEST_CASE("CLI what-if: --set-labels flips a verdict both ways", "[cli][whatif]") {
  // allow -> deny: partner-api's pods lose the label both policies select them by.
  auto closed = query(kCorrected, "partner-cp/partner-api", "global-auth/auth", "5555",
                      {"--set-labels", "deploy/partner-cp/partner-api", "app.kubernetes.io/name=renamed"});
  INFO(closed.out << closed.err);
  CHECK(closed.exit_code == 1);
  CHECK_THAT(closed.out, Catch::StartsWith("HYPOTHETICAL (what-if): relabelled Deployment partner-cp/partner-api: "
                                           "app.kubernetes.io/name=renamed\nDENY "));

  // deny -> allow: partner-worker's pods take partner-api's label.
  auto opened = query(kCorrected, "partner-cp/partner-worker", "global-auth/auth", "5555",
                      {"--set-labels", "deploy/partner-cp/partner-worker", "app.kubernetes.io/name=partner-api"});
  INFO(opened.out << opened.err);
  CHECK(opened.exit_code == 0);
  CHECK_THAT(opened.out, Catch::Contains("\nALLOW partner-cp/partner-worker -> global-auth/auth 5555/TCP"));

  // Removing a label, kubectl's key- form: back to deny for partner-api.
  auto removed = query(kCorrected, "partner-cp/partner-api", "global-auth/auth", "5555",
                       {"--set-labels", "deploy/partner-cp/partner-api", "app.kubernetes.io/name-"});
  CHECK(removed.exit_code == 1);
  CHECK_THAT(removed.out, Catch::StartsWith("HYPOTHETICAL (what-if): relabelled Deployment partner-cp/partner-api: "
                                            "-app.kubernetes.io/name\n"));
}

TEST_CASE("CLI what-if: an object not in the input, or malformed changes, are errors (exit 2)", "[cli][whatif]") {
  auto typo = query(kSeed, "partner-cp/partner-api", "global-auth/auth", "5555", {"--remove", "cnp/partner-cp/partner-apu"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.out.empty());
  CHECK_THAT(typo.err, Catch::Contains("error: --remove: \"cnp/partner-cp/partner-apu\": no CiliumNetworkPolicy "
                                       "partner-cp/partner-apu in the input; did you mean cnp/partner-cp/partner-api?"));
  CHECK_THAT(typo.err, Catch::Contains("1 error in the what-if changes; nothing was evaluated"));

  auto relabel = run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations, "--set-labels", "po/partner-cp/partner-api", "a=b"});
  CHECK(relabel.exit_code == 2);
  CHECK(relabel.out.empty());
  // The name is a Deployment's; the error says so.
  CHECK_THAT(relabel.err, Catch::Contains("no Pod partner-cp/partner-api in the input; did you mean deploy/partner-cp/partner-api?"));

  auto order = run_netreach({"graph", "-f", kSeed, "--remove", "partner-cp/cnp/partner-api"});
  CHECK(order.exit_code == 2);
  CHECK_THAT(order.err, Catch::Contains("the kind comes first: cnp/partner-cp/partner-api"));

  auto labels = query(kSeed, "partner-cp/partner-api", "global-auth/auth", "5555",
                      {"--set-labels", "ns/partner-cp", "team=a b"});
  CHECK(labels.exit_code == 2);
  CHECK_THAT(labels.err, Catch::Contains("invalid label value \"a b\""));

  auto missing_file = query(kSeed, "partner-cp/partner-api", "global-auth/auth", "5555", {"--add", "tests/data/whatif/nope.yaml"});
  CHECK(missing_file.exit_code == 2);
  CHECK_THAT(missing_file.err, Catch::Contains("tests/data/whatif/nope.yaml: error: no such file or directory"));

  // --set-labels takes the object and the labels.
  auto one_value = run_netreach({"graph", "-f", kSeed, "--set-labels", "ns/partner-cp"});
  CHECK(one_value.exit_code == 2);
}

TEST_CASE("CLI what-if: graph says it is hypothetical and shows the edges the change opens", "[cli][whatif]") {
  auto before = run_netreach({"graph", "-f", kSeed, "-o", "json", "--internal-only"});
  REQUIRE(before.exit_code == 0);
  auto after = run_netreach({"graph", "-f", kSeed, "-o", "json", "--internal-only", "--add", kFix});
  INFO(after.err);
  REQUIRE(after.exit_code == 0);
  auto edge = [](const nlohmann::json& doc, const std::string& from, const std::string& to) {
    for (const auto& e : doc["edges"])
      if (e["from"] == from && e["to"] == to) return e["allowed"].get<std::string>();
    return std::string("none");
  };
  auto b = nlohmann::json::parse(before.out), a = nlohmann::json::parse(after.out);
  CHECK_FALSE(b.contains("hypothetical"));
  CHECK(a["hypothetical"] == nlohmann::json::array({"added " + kFix + " (3 objects, replacing CiliumNetworkPolicy partner-cp/partner-api)"}));
  CHECK(edge(b, "partner-cp/deploy/partner-api", "global-auth/deploy/auth") == "none");
  CHECK(edge(a, "partner-cp/deploy/partner-api", "global-auth/deploy/auth") == "TCP 5555");

  auto text = run_netreach({"graph", "-f", kSeed, "--internal-only", "--add", kFix});
  CHECK_THAT(text.out, Catch::StartsWith(kFixLine));
}

TEST_CASE("CLI what-if: diff without --base compares the input with the changes: what the corrected policies open", "[cli][whatif]") {
  auto r = run_netreach({"diff", "-f", kSeed, "--add", kFix, "-o", "json"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["hypothetical"] == nlohmann::json::array({"added " + kFix + " (3 objects, replacing CiliumNetworkPolicy partner-cp/partner-api)"}));
  // Exactly the two flows the correction opens (the seed's document meant
  // them; fixtures/corrected/expectations.yaml), each caused by a policy of
  // the added file, pointed at there.
  std::map<std::pair<std::string, std::string>, std::string> opened;
  for (const auto& f : doc["flows"]) {
    CHECK(f["closed"] == "");
    opened[{f["from"].get<std::string>(), f["to"].get<std::string>()}] = f["opened"].get<std::string>();
    CHECK_FALSE(f["causes"].empty());
  }
  for (const auto& object : doc["objects"]) CHECK_THAT(object["where"].get<std::string>(), Catch::StartsWith(kFix + ":"));
  CHECK(opened == std::map<std::pair<std::string, std::string>, std::string>{
                      {{"partner-cp/deploy/partner-api", "global-auth/deploy/auth"}, "TCP 5555"},
                      {{"billing-cp/deploy/billing-backend", "partner-cp/deploy/partner-api"}, "TCP 5080"}});
  CHECK(doc["summary"]["opened"] == 2);
  CHECK(run_netreach({"diff", "-f", kSeed, "--add", kFix, "--fail-on", "opened"}).exit_code == 1);

  // Removing the policy that allows a flow closes it.
  auto closed = run_netreach({"diff", "-f", kCorrected, "--remove", "cnp/global-auth/auth-from-partner-api", "-o", "json"});
  INFO(closed.err);
  REQUIRE(closed.exit_code == 0);
  auto c = nlohmann::json::parse(closed.out);
  REQUIRE(c["flows"].size() == 1);
  CHECK(c["flows"][0]["from"] == "partner-cp/deploy/partner-api");
  CHECK(c["flows"][0]["closed"] == "TCP 5555");

  auto text = run_netreach({"diff", "-f", kSeed, "--add", kFix});
  CHECK_THAT(text.out, Catch::StartsWith(kFixLine));
  // Neither a base nor a change: nothing to compare.
  auto nothing = run_netreach({"diff", "-f", kSeed});
  CHECK(nothing.exit_code == 2);
  CHECK_THAT(nothing.err, Catch::Contains("--add"));
}
