// CLI tests of ICMP flows (docs/semantics.md#icmp): the real binary asked
// with `--port icmp:8` and its kin, on the conformance case of Cilium's
// connectivity test `client-ingress-icmp` (pkg/policy/api/icmp.go decides:
// an icmps field is a port entry of protocol ICMP or ICMPv6 whose port is
// the type).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"

using netreach::testing::run_netreach;

namespace {
const std::string kCase = "tests/conformance/cilium-ct-client-ingress-from-client2-icmp";
const std::string kManifests = kCase + "/manifests.yaml";
}  // namespace

TEST_CASE("CLI query --port icmp:8: allowed by the icmps rule, exit 0, and the type's name works too", "[cli][icmp]") {
  auto r = run_netreach({"query", "-f", kManifests, "cilium-test/client2", "cilium-test/client", "--port", "icmp:8"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("ALLOW cilium-test/client2 -> cilium-test/client icmp:8\n"));
  CHECK_THAT(r.out, Catch::Contains("allowed by CNP cilium-test/client-ingress-from-client2-icmp spec.ingress[0].fromEndpoints[0]"));
  auto named = run_netreach({"query", "-f", kManifests, "cilium-test/client2", "cilium-test/client", "--port", "icmpv6:EchoRequest"});
  INFO(named.out << named.err);
  CHECK(named.exit_code == 0);
  CHECK_THAT(named.out, Catch::StartsWith("ALLOW cilium-test/client2 -> cilium-test/client icmpv6:128\n"));
}

TEST_CASE("CLI query --port icmp:3: denied, exit 1, with the rule that came closest and an icmps suggestion", "[cli][icmp]") {
  auto r = run_netreach({"query", "-f", kManifests, "cilium-test/client2", "cilium-test/client", "--port", "icmp:3"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::StartsWith("DENY cilium-test/client2 -> cilium-test/client icmp:3\n"));
  CHECK_THAT(r.out, Catch::Contains("it allows icmp:8 or icmpv6:128 only, not icmp:3"));
  CHECK_THAT(r.out, Catch::Contains("icmps:") && !Catch::Contains("toPorts:"));
}

TEST_CASE("CLI query -o json: an ICMP flow carries its family as the protocol and its type as the port", "[cli][icmp][query-json]") {
  auto r = run_netreach({"query", "-o", "json", "-f", kManifests, "cilium-test/client2", "cilium-test/client", "--port", "icmp:EchoRequest"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["verdict"] == "allow");
  CHECK(doc["port"] == "8");
  CHECK(doc["protocol"] == "ICMP");
  CHECK(doc["flows"][0]["protocol"] == "ICMP");
  CHECK(doc["flows"][0]["ingress"]["decisive"]["path"] == "spec.ingress[0].fromEndpoints[0]");
}

TEST_CASE("CLI: bad ICMP text is an error naming the field, with the valid forms (exit 2)", "[cli][icmp]") {
  for (const char* bad : {"icmp:256", "icmp:", "icmp:Nonsense", "icmpv4:8"}) {
    auto q = run_netreach({"query", "-f", kManifests, "cilium-test/client2", "cilium-test/client", "--port", bad});
    INFO(bad << "\n" << q.out << q.err);
    CHECK(q.exit_code == 2);
    CHECK_THAT(q.err, Catch::Contains("port") && Catch::Contains("icmp:TYPE or icmpv6:TYPE"));
    auto g = run_netreach({"graph", "-f", kManifests, "--port", bad});
    INFO(g.out << g.err);
    CHECK(g.exit_code == 2);
    CHECK_THAT(g.err, Catch::Contains("--port") && Catch::Contains("icmp:TYPE or icmpv6:TYPE"));
  }
  auto both = run_netreach({"query", "-f", kManifests, "cilium-test/client2", "cilium-test/client", "--port", "icmp:8", "--protocol", "UDP"});
  CHECK(both.exit_code == 2);
  CHECK_THAT(both.err, Catch::Contains("contradicts protocol UDP"));
  auto graph_both = run_netreach({"graph", "-f", kManifests, "--port", "icmp:8", "--protocol", "TCP"});
  CHECK(graph_both.exit_code == 2);
  CHECK_THAT(graph_both.err, Catch::Contains("contradicts --protocol TCP"));
  auto service = run_netreach({"query", "-f", kManifests, "cilium-test/client", "cilium-test/svc/echo-same-node", "--port", "icmp:8"});
  CHECK(service.exit_code == 2);
  CHECK_THAT(service.err, Catch::Contains("ICMP is not load-balanced"));
}

TEST_CASE("CLI check: ICMP in an expectations file's port field", "[cli][icmp][check]") {
  auto r = run_netreach({"check", "-f", kManifests, "-e", kCase + "/expectations.yaml"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("PASS client2 pings client over IPv6: expected allow, got allow"));
}

TEST_CASE("CLI graph: ICMP types on the edges, and --port icmp:8 keeps the edges a ping passes", "[cli][icmp][graph]") {
  auto all = run_netreach({"graph", "-f", kManifests, "-n", "cilium-test", "-o", "json"});
  INFO(all.out << all.err);
  REQUIRE(all.exit_code == 0);
  auto doc = nlohmann::json::parse(all.out);
  std::map<std::pair<std::string, std::string>, std::string> allowed;
  for (const auto& e : doc["edges"]) allowed[{e["from"].get<std::string>(), e["to"].get<std::string>()}] = e["allowed"].get<std::string>();
  // client2 -> client: the icmps rule on the client's ingress (egress is not enforced).
  CHECK(allowed[{"cilium-test/deploy/client2", "cilium-test/deploy/client"}] == "ICMP 8; ICMPv6 128");
  CHECK(allowed.count({"cilium-test/deploy/client", "cilium-test/deploy/client2"}) == 0);
  // Nothing selects echo: every protocol, ICMP included, as an L3-only allow.
  CHECK(allowed[{"cilium-test/deploy/client", "cilium-test/deploy/echo-same-node"}] == "any port; ICMP all; ICMPv6 all");
  auto ping = run_netreach({"graph", "-f", kManifests, "-n", "cilium-test", "--port", "icmp:8", "-o", "json"});
  INFO(ping.out << ping.err);
  REQUIRE(ping.exit_code == 0);
  auto pdoc = nlohmann::json::parse(ping.out);
  CHECK(pdoc["port"] == "icmp:8");
  bool found = false;
  for (const auto& e : pdoc["edges"]) {
    CHECK(e["allowed"] == "ICMP 8");
    found = found || (e["from"] == "cilium-test/deploy/client2" && e["to"] == "cilium-test/deploy/client");
  }
  CHECK(found);
  auto v6 = run_netreach({"graph", "-f", kManifests, "-n", "cilium-test", "--port", "icmpv6:129"});
  INFO(v6.out << v6.err);
  REQUIRE(v6.exit_code == 0);
  CHECK_THAT(v6.out, !Catch::Contains("cilium-test/deploy/client2 -> cilium-test/deploy/client"));
  CHECK_THAT(v6.out, Catch::Contains(" on icmpv6:129"));
}
