// CLI tests for what the loader must never do to a CI gate: read a broken
// input as a harmless one. The real binary on inputs under tests/data/load/trust.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>

#include "cli_support.h"

using netreach::testing::run_netreach;

namespace {
const std::string kTrust = "tests/data/load/trust";
const std::string kMisspelt = kTrust + "/misspelt-kind";
}  // namespace

// A kind the API server does not serve is an object that never exists in the
// cluster: the deny the user meant is missing, so the input is an error.
TEST_CASE("CLI: a misspelt kind is an error with file:line and the real kind", "[cli][trust]") {
  auto r = run_netreach({"check", "-f", kMisspelt, "-e", kMisspelt + "/expectations.yaml"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains(kMisspelt + "/deny.yaml:4:7: error: kind: cilium.io has no kind "
                                                "CiliumClusterWideNetworkPolicy"));
  CHECK_THAT(r.err, Catch::Contains("did you mean CiliumClusterwideNetworkPolicy?"));

  for (const std::string command : {"summary", "query"}) {
    std::vector<std::string> args = {command, "-f", kMisspelt};
    if (command == "query") args.insert(args.end(), {"shop/web", "shop/db", "-p", "5432"});
    auto other = run_netreach(args);
    INFO(command << "\n" << other.out << other.err);
    CHECK(other.exit_code == 2);
    CHECK_THAT(other.err, Catch::Contains("did you mean CiliumClusterwideNetworkPolicy?"));
  }
}

TEST_CASE("CLI: every kind or version a known group does not serve is an error", "[cli][trust]") {
  const std::string file = kTrust + "/misspelt-kinds.yaml";
  auto r = run_netreach({"summary", "-f", file});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(file + ":3:7: error: kind: cilium.io has no kind CilumNetworkPolicy"));
  CHECK_THAT(r.err, Catch::Contains("did you mean CiliumNetworkPolicy?"));
  CHECK_THAT(r.err, Catch::Contains(file + ":8:7: error: kind: cilium.io has no kind CiliumNetworkPolicies"));
  CHECK_THAT(r.err, Catch::Contains(file + ":13:7: error: kind: cilium.io has no kind NetworkPolicy"));
  CHECK_THAT(r.err, Catch::Contains("NetworkPolicy is served at networking.k8s.io/v1"));
  CHECK_THAT(r.err, Catch::Contains(file + ":17:13: error: apiVersion: cilium.io/v1 does not serve CiliumNetworkPolicy"));
  CHECK_THAT(r.err, Catch::Contains("CiliumNetworkPolicy is served at cilium.io/v2"));
  CHECK_THAT(r.err, Catch::Contains(file + ":22:13: error: apiVersion: networking.k8s.io/v1beta1 does not serve NetworkPolicy"));
  CHECK_THAT(r.err, Catch::Contains("netreach: 5 errors in the input"));
}

TEST_CASE("CLI --lenient: a misspelt kind is a warning, and summary lists the object as ignored", "[cli][trust]") {
  auto check = run_netreach({"check", "--lenient", "-f", kMisspelt, "-e", kMisspelt + "/expectations.yaml"});
  INFO(check.out << check.err);
  // Ignored as the cluster ignores it: the deny is not there, and the gate says so.
  CHECK(check.exit_code == 1);
  CHECK_THAT(check.err, Catch::Contains(kMisspelt + "/deny.yaml:4:7: warning: kind: cilium.io has no kind "
                                                    "CiliumClusterWideNetworkPolicy"));
  CHECK_THAT(check.err, Catch::Contains("object ignored"));

  auto summary = run_netreach({"summary", "--lenient", "-o", "json", "-f", kTrust + "/misspelt-kinds.yaml"});
  INFO(summary.out << summary.err);
  REQUIRE(summary.exit_code == 0);
  auto s = nlohmann::json::parse(summary.out);
  CHECK(s["documents"] == 7);
  CHECK(s["policies"]["CiliumNetworkPolicy"] == 0);
  std::map<std::string, std::string> ignored;
  for (const auto& i : s["ignored"]) ignored[i["kind"].get<std::string>()] = i["reason"].get<std::string>();
  CHECK(ignored.size() == 7);
  CHECK_THAT(ignored["cilium.io/v2 CilumNetworkPolicy"], Catch::Contains("did you mean CiliumNetworkPolicy?"));
  CHECK_THAT(ignored["cilium.io/v1 CiliumNetworkPolicy"], Catch::Contains("served at cilium.io/v2"));
  // Real kinds keep their own reason.
  CHECK_THAT(ignored["cilium.io/v2 CiliumEndpoint"], Catch::Contains("state the Cilium agent maintains"));
  CHECK(ignored.count("cilium.io/v2alpha1 CiliumLoadBalancerIPPool") == 1);
}

TEST_CASE("CLI: real kinds netreach does not evaluate stay counted and ignored", "[cli][trust]") {
  auto r = run_netreach({"summary", "-o", "json", "-f", "-"},
                        "apiVersion: cilium.io/v2\nkind: CiliumNode\nmetadata: {name: n1}\n---\n"
                        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitr\nmetadata: {name: m}\n");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto s = nlohmann::json::parse(r.out);
  REQUIRE(s["ignored"].size() == 2);
  // Another project's group is not judged, however its kinds are spelt.
  CHECK(s["ignored"][1]["kind"] == "monitoring.coreos.com/v1 ServiceMonitr");
}

// One broken file must not hide the errors of the others: a user fixes a
// repository in one pass.
TEST_CASE("CLI: every file of a broken directory is read and every error reported", "[cli][trust]") {
  const std::string dir = kTrust + "/broken-repo";
  auto r = run_netreach({"summary", "-f", dir});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  // One error (at least) per file, with its line.
  for (const char* located : {"/01-no-api-version.yaml:1:1: error: document 1 has no \"apiVersion\" field",
                              "/01-no-api-version.yaml:7:23: error: spec.ports[0].port: Service: port must be an integer from 0 to 65535",
                              "/02-top-level-array.json:1:1: error: document 1 is a sequence",
                              "/03-syntax-error.yaml:", "/04-misspelt-kind.yaml:2:7: error: kind: cilium.io has no kind",
                              "/05-unknown-field.yaml:7:5: error: spec.egress[0].toPrts: unknown field",
                              "/06-scalar.yaml:1:1: error: document 1 is a string",
                              "/07-no-kind.yaml:1:1: error: document 1 has no \"kind\" field",
                              "/08-no-container-port.yaml:4:", "/09-duplicate-key.yaml:4:"})
    CHECK_THAT(r.err, Catch::Contains(dir + located));
  CHECK_THAT(r.err, Catch::Contains("netreach: 10 errors in the input"));
}

TEST_CASE("CLI: errors are capped at 50 printed, with the count of the rest", "[cli][trust]") {
  std::string sixty;
  for (int i = 0; i < 60; ++i) sixty += "---\n[]\n";
  auto r = run_netreach({"summary", "-f", "-"}, sixty);
  CHECK(r.exit_code == 2);
  size_t printed = 0;
  for (size_t at = r.err.find("error: document"); at != std::string::npos; at = r.err.find("error: document", at + 1))
    ++printed;
  CHECK(printed == 50);
  CHECK_THAT(r.err, Catch::Contains("document 50 is a sequence"));
  CHECK_THAT(r.err, !Catch::Contains("document 51 is a sequence"));
  CHECK_THAT(r.err, Catch::Contains("... and 10 more errors (the first 50 are shown)"));
  CHECK_THAT(r.err, Catch::Contains("netreach: 60 errors in the input"));
}

// One rule for a scalar in a string field (engine/load/string_field.h): a plain
// y/yes/on/n/no/off is the string written, with one warning per file.
TEST_CASE("CLI: unquoted y and on are strings, with one warning per file", "[cli][trust]") {
  const std::string dir = kTrust + "/yaml11-words";
  auto r = run_netreach({"check", "-f", dir + "/manifests.yaml", "-e", dir + "/expectations.yaml"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("2 passed, 0 failed"));
  CHECK_THAT(r.err, Catch::Contains(dir + "/manifests.yaml:14:9: warning: metadata.name: unquoted y is read as the "
                                          "string \"y\""));
  CHECK_THAT(r.err, Catch::Contains("a raw kubectl apply (YAML 1.1) reads it as a boolean"));
  size_t warnings = 0;
  for (size_t at = r.err.find("is read as the string"); at != std::string::npos; at = r.err.find("is read as the string", at + 1))
    ++warnings;
  CHECK(warnings == 1);
}
