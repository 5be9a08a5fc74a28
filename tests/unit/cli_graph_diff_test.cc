// CLI tests of `graph` and `diff` on the bundled fixtures, running the real
// binary. The diff case builds a two-commit git repository in a temporary
// folder: the seed's policies, then the corrected ones.
#include <unistd.h>

#include <filesystem>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"

using namespace netreach::testing;
namespace fs = std::filesystem;

namespace {
const std::string kSrc = NETREACH_SOURCE_DIR;
const std::string kBin = NETREACH_BINARY;
}  // namespace

TEST_CASE("CLI graph: the whole seed cluster with port sets; --port and --focus narrow it", "[cli][graph]") {
  auto all = run_netreach({"graph", "-f", kSrc + "/fixtures/corrected/clusters/prod"});
  REQUIRE(all.exit_code == 0);
  CHECK_THAT(all.out, Catch::Contains("partner-cp/deploy/partner-api -> global-auth/deploy/auth  TCP 5555"));
  CHECK_THAT(all.out, Catch::Contains("-> kube-system/deploy/coredns  TCP 53; UDP 53"));
  auto seed = run_netreach({"graph", "-f", kSrc + "/fixtures/seed/clusters/prod", "--port", "5555", "-o", "json"});
  REQUIRE(seed.exit_code == 0);
  const auto doc = nlohmann::json::parse(seed.out);
  CHECK(doc["schemaVersion"] == 1);
  auto has_edge = [&](const std::string& from, const std::string& to) {
    for (const auto& e : doc["edges"])
      if (e["from"] == from && (to.empty() || e["to"] == to)) return true;
    return false;
  };
  CHECK(has_edge("host", ""));
  CHECK(has_edge("partner-cp/deploy/partner-worker", "partner-cp/deploy/partner-api"));
  // The seed's policy does not let partner-api reach auth (the product's point).
  CHECK_FALSE(has_edge("partner-cp/deploy/partner-api", "global-auth/deploy/auth"));
  auto focus = run_netreach({"graph", "-f", kSrc + "/fixtures/corrected/clusters/prod", "--focus", "partner-cp/partner-api", "-p", "5555"});
  REQUIRE(focus.exit_code == 0);
  CHECK_THAT(focus.out, Catch::Contains("partner-cp/deploy/partner-api reaches 2 vertices in any number of hops: global-auth/deploy/auth, partner-cp/deploy/partner-worker"));
  auto bad = run_netreach({"graph", "-f", kSrc + "/fixtures/seed/clusters/prod", "--port", "http"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("CLI diff: the correction opens exactly its flows, names the policies, gates with --fail-on", "[cli][diff]") {
  fs::path dir = fs::temp_directory_path() / fs::path("netreach-diff-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string d = dir.string();
  auto setup = run_shell("set -e; cd '" + d + "'; git init -q; git config user.email t@e; git config user.name t; "
                         "cp -r '" + kSrc + "/fixtures/seed/clusters' .; git add .; git commit -qm seed; "
                         "rm -rf clusters; cp -r '" + kSrc + "/fixtures/corrected/clusters' .; git add -A; git commit -qm corrected");
  REQUIRE(setup.exit_code == 0);
  auto in_repo = [&](const std::string& args) { return run_shell("cd '" + d + "' && '" + kBin + "' " + args); };
  auto text = in_repo("diff --base HEAD~1 --head HEAD");
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("opened (2 flows):"));
  CHECK_THAT(text.out, Catch::Contains("partner-cp/deploy/partner-api -> global-auth/deploy/auth  TCP 5555"));
  CHECK_THAT(text.out, Catch::Contains("billing-cp/deploy/billing-backend -> partner-cp/deploy/partner-api  TCP 5080"));
  CHECK_THAT(text.out, Catch::Contains("added CiliumNetworkPolicy global-auth/auth-from-partner-api at"));
  CHECK_THAT(text.out, Catch::Contains("cnp.auth.yaml:3"));
  CHECK_THAT(text.out, Catch::Contains("2 opened, 0 closed, 0 changed"));
  CHECK(in_repo("diff --base HEAD~1 --head HEAD --fail-on opened").exit_code == 1);
  CHECK(in_repo("diff --base HEAD~1 --head HEAD --fail-on closed").exit_code == 0);
  auto md = in_repo("diff --base HEAD~1 --head HEAD -o markdown");
  CHECK_THAT(md.out, Catch::Contains("| | From | To | Ports | Caused by |"));
  auto json = in_repo("diff --base HEAD~1 --head HEAD -o json");
  CHECK_THAT(json.out, Catch::Contains("\"opened\": \"TCP 5555\""));
  // The working tree and index are untouched.
  CHECK(run_shell("cd '" + d + "' && git status --porcelain").out.empty());
  CHECK(in_repo("diff --base no-such-rev").exit_code == 2);
  fs::remove_all(dir);
}
