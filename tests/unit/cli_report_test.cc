// CLI tests of `check`'s reports: the protocol each result carries is the one
// judged, however the expectation states it; text, JSON and JUnit are written
// result by result and stay valid and deterministic.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_support.h"

using netreach::testing::run_netreach;

namespace {

// An expectations file in a temporary directory, removed at the end of the test.
class TempExpectations {
 public:
  explicit TempExpectations(const std::string& expectations_yaml) {
    std::string pattern = (std::filesystem::temp_directory_path() / "netreach-report-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    std::ofstream(dir_ / "expectations.yaml", std::ios::binary)
        << "apiVersion: netreach/v1\nkind: Expectations\nexpectations:\n"
        << expectations_yaml;
  }
  ~TempExpectations() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string path() const { return (dir_ / "expectations.yaml").string(); }

 private:
  std::filesystem::path dir_;
};

// A DNS server whose ingress allows only UDP on 53 (its `dns` port), SCTP on
// 132 and UDP on 5555: every TCP flow to it is denied, so a report that says
// TCP for a UDP verdict (or the reverse) is caught by its verdict too.
const std::string kManifests = R"(apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: v1
kind: Namespace
metadata: {name: app}
---
apiVersion: v1
kind: Pod
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  containers:
    - name: coredns
      image: coredns
      ports:
        - {name: dns, containerPort: 53, protocol: UDP}
        - {name: dns-tcp, containerPort: 53, protocol: TCP}
        - {name: sig, containerPort: 132, protocol: SCTP}
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system}
spec:
  selector: {k8s-app: kube-dns}
  ports:
    - {name: dns, port: 53, protocol: UDP, targetPort: dns}
    - {name: dns-tcp, port: 53, protocol: TCP, targetPort: dns-tcp}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: app, labels: {app: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: dns-udp-only, namespace: kube-system}
spec:
  endpointSelector: {matchLabels: {k8s-app: kube-dns}}
  ingress:
    - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: app}}]
      toPorts:
        - ports:
            - {port: "53", protocol: UDP}
            - {port: "5555", protocol: UDP}
            - {port: "132", protocol: SCTP}
)";

struct Way {
  const char* stated;     // the expectation's port (and protocol) lines
  const char* protocol;   // the protocol judged
  const char* verdict;    // allow: UDP/SCTP; deny: TCP
  const char* port_text;  // the port judged, as the unnamed expectation's name ends
};

// Every way an expectation can state (or leave out) its protocol.
const Way kWays[] = {
    {"port: 53/UDP", "UDP", "allow", "53/UDP"},
    {"port: 5555/UDP", "UDP", "allow", "5555/UDP"},
    {"port: \"53\"\n    protocol: UDP", "UDP", "allow", "53/UDP"},
    {"port: 53/udp", "UDP", "allow", "53/UDP"},
    {"port: \"53\"\n    protocol: udp", "UDP", "allow", "53/UDP"},
    {"port: dns", "UDP", "allow", "dns/UDP"},         // named port: the protocol of the port named dns
    {"port: DNS", "UDP", "allow", "dns/UDP"},         // port names are matched in lower case
    {"port: dns\n    protocol: UDP", "UDP", "allow", "dns/UDP"},
    {"port: dns-tcp", "TCP", "deny", "dns-tcp/TCP"},  // the same number, the TCP port's name
    {"port: \"53\"", "TCP", "deny", "53/TCP"},        // no protocol, a number: TCP
    {"port: 53/TCP", "TCP", "deny", "53/TCP"},
    {"port: 132/SCTP", "SCTP", "allow", "132/SCTP"},
    {"port: \"132\"\n    protocol: sctp", "SCTP", "allow", "132/SCTP"},
    {"port: sig", "SCTP", "allow", "sig/SCTP"},
};

std::string expectations_for(const std::string& to, bool named) {
  std::string yaml;
  for (size_t i = 0; i < std::size(kWays); ++i) {
    const Way& w = kWays[i];
    if (named) yaml += fmt::format("  - name: way {}\n", i);
    yaml += fmt::format("  {} from: app/client\n    to: {}\n    {}\n    expect: {}\n", named ? " " : "-", to, w.stated, w.verdict);
  }
  return yaml;
}

}  // namespace

TEST_CASE("CLI check -o json: each result carries the protocol judged, however the expectation states it", "[cli][report]") {
  TempExpectations file(expectations_for("kube-system/coredns", false));
  auto r = run_netreach({"check", "-f", "-", "-e", file.path(), "-o", "json"}, kManifests);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);  // every verdict is the one the protocol calls for
  auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["results"].size() == std::size(kWays));
  CHECK(doc["passed"] == std::size(kWays));
  CHECK(doc["failed"] == 0);
  for (size_t i = 0; i < std::size(kWays); ++i) {
    const auto& result = doc["results"][i];
    INFO(kWays[i].stated);
    CHECK(result["protocol"] == kWays[i].protocol);
    CHECK(result["verdict"] == kWays[i].verdict);
    CHECK(result["name"] == fmt::format("app/client -> kube-system/coredns {}", kWays[i].port_text));
    // The explanation's headline says the same protocol.
    CHECK_THAT(result["explanation"].get<std::string>(), Catch::Contains(fmt::format("/{}\n", kWays[i].protocol)));
  }
}

TEST_CASE("CLI check -o json: a Service's named port takes the Service port's protocol", "[cli][report]") {
  TempExpectations file(R"(  - {from: app/client, to: kube-system/svc/kube-dns, port: dns, expect: allow}
  - {from: app/client, to: kube-system/svc/kube-dns, port: dns-tcp, expect: deny}
  - {from: app/client, to: kube-system/svc/kube-dns, port: 53/UDP, expect: allow}
  - {from: app/client, to: kube-system/svc/kube-dns, port: "53", expect: deny}
)");
  auto r = run_netreach({"check", "-f", "-", "-e", file.path(), "-o", "json"}, kManifests);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["results"].size() == 4);
  CHECK(doc["results"][0]["protocol"] == "UDP");
  CHECK(doc["results"][0]["name"] == "app/client -> kube-system/svc/kube-dns dns/UDP");
  CHECK(doc["results"][1]["protocol"] == "TCP");
  CHECK(doc["results"][2]["protocol"] == "UDP");
  CHECK(doc["results"][3]["protocol"] == "TCP");
}

TEST_CASE("CLI check -o junit: test case names and failure messages carry the protocol judged", "[cli][report]") {
  // Unnamed expectations, every verdict flipped: every one fails and says why.
  std::string yaml = expectations_for("kube-system/coredns", false);
  for (auto [from, to] : {std::pair{"expect: allow", "expect: X"}, {"expect: deny", "expect: allow"}, {"expect: X", "expect: deny"}})
    for (size_t at; (at = yaml.find(from)) != std::string::npos;) yaml.replace(at, std::string(from).size(), to);
  TempExpectations file(yaml);
  auto r = run_netreach({"check", "-f", "-", "-e", file.path(), "-o", "junit"}, kManifests);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains(fmt::format("<testsuites tests=\"{0}\" failures=\"{0}\" errors=\"0\" time=\"", std::size(kWays))));
  CHECK_THAT(r.out, Catch::Contains(fmt::format("<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"",
                                                file.path(), std::size(kWays), std::size(kWays))));
  for (const Way& w : kWays) {
    INFO(w.stated);
    std::string flipped = std::string(w.verdict) == "allow" ? "deny" : "allow";
    // The name ends with the protocol judged already: nothing is appended.
    CHECK_THAT(r.out, Catch::Contains(fmt::format("<testcase classname=\"netreach\" name=\"app/client -&gt; kube-system/coredns {}\" file=\"{}\" line=\"",
                                                  w.port_text, file.path())));
    const std::string verdicts = fmt::format("expected {} for app/client -&gt; kube-system/coredns {}, got {}", flipped, w.port_text, w.verdict);
    // GitLab shows the body, not the message: the body says it too, then the explanation.
    CHECK_THAT(r.out, Catch::Contains(fmt::format("<failure message=\"{0}\" type=\"{1}\">{0}\n\n{2} app/client -&gt; kube-system/coredns {3}\n",
                                                  verdicts, w.verdict, w.verdict == std::string("allow") ? "ALLOW" : "DENY", w.port_text)));
  }
  CHECK_THAT(r.out, Catch::EndsWith("  </testsuite>\n</testsuites>\n"));
}

TEST_CASE("CLI check: a port name with a protocol it does not have, or a contradiction, is an input error", "[cli][report]") {
  TempExpectations wrong_protocol(R"(  - {from: app/client, to: kube-system/coredns, port: dns, protocol: TCP, expect: deny}
)");
  auto r = run_netreach({"check", "-f", "-", "-e", wrong_protocol.path(), "-o", "json"}, kManifests);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("has no TCP container port named \"dns\""));

  TempExpectations contradiction(R"(  - {from: app/client, to: kube-system/coredns, port: 53/UDP, protocol: TCP, expect: deny}
)");
  r = run_netreach({"check", "-f", "-", "-e", contradiction.path()}, kManifests);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("port \"53/UDP\" contradicts protocol TCP"));

  TempExpectations bad(R"(  - {from: app/client, to: kube-system/coredns, port: "53", protocol: ICMP, expect: deny}
)");
  r = run_netreach({"check", "-f", "-", "-e", bad.path()}, kManifests);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("expectations[0].protocol: must be TCP, UDP or SCTP, found \"ICMP\""));
}

TEST_CASE("CLI check: a port name used by two containers with different protocols needs a protocol", "[cli][report]") {
  const std::string manifests = R"(apiVersion: v1
kind: Pod
metadata: {name: server, namespace: default, labels: {app: server}}
spec:
  containers:
    - {name: a, image: x, ports: [{name: stats, containerPort: 8125, protocol: UDP}]}
    - {name: b, image: x, ports: [{name: stats, containerPort: 8126, protocol: TCP}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: statsd-only, namespace: default}
spec:
  endpointSelector: {matchLabels: {app: server}}
  ingress:
  - toPorts: [{ports: [{port: "8125", protocol: UDP}]}]
)";
  TempExpectations ambiguous("  - {from: default/client, to: default/server, port: stats, expect: allow}\n");
  auto r = run_netreach({"check", "-f", "-", "-e", ambiguous.path()}, manifests);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("default/server has ports named \"stats\" for TCP and UDP: state the protocol"));
  // Stated, the protocol picks the port: 8125/UDP is allowed, 8126/TCP is not.
  TempExpectations stated(R"(  - {from: default/client, to: default/server, port: stats, protocol: UDP, expect: allow}
  - {from: default/client, to: default/server, port: stats/tcp, expect: deny}
)");
  r = run_netreach({"check", "-f", "-", "-e", stated.path(), "-o", "json"}, manifests);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["results"][0]["protocol"] == "UDP");
  CHECK(doc["results"][0]["name"] == "default/client -> default/server stats/UDP");
  CHECK(doc["results"][1]["protocol"] == "TCP");
  CHECK(doc["results"][1]["name"] == "default/client -> default/server stats/TCP");
}

TEST_CASE("CLI check: reports are streamed in file order, valid and byte-identical from run to run", "[cli][report]") {
  // 300 expectations (named and unnamed, passing and failing) in all three formats.
  std::string yaml;
  for (int i = 0; i < 300; ++i) {
    const Way& w = kWays[size_t(i) % std::size(kWays)];
    bool flip = i % 7 == 0;
    std::string expect = flip ? (std::string(w.verdict) == "allow" ? "deny" : "allow") : w.verdict;
    // Names with what JSON and XML must escape: quotes, markup, a tab, a control character, UTF-8.
    if (i % 2) yaml += fmt::format("  - name: \"case {} \\\"quoted\\\" <&>\\t\\x01 d\u00e9j\u00e0\"\n    from: app/client\n", i);
    else yaml += "  - from: app/client\n";
    yaml += fmt::format("    to: kube-system/coredns\n    {}\n    expect: {}\n", w.stated, expect);
  }
  TempExpectations file(yaml);
  size_t failing = 0;
  for (int i = 0; i < 300; i += 7) ++failing;

  auto json = run_netreach({"check", "-f", "-", "-e", file.path(), "-o", "json"}, kManifests);
  INFO(json.err);
  REQUIRE(json.exit_code == 1);
  auto doc = nlohmann::json::parse(json.out);  // throws, failing the test, on invalid JSON
  REQUIRE(doc["results"].size() == 300);
  CHECK(doc["passed"] == 300 - failing);
  CHECK(doc["failed"] == failing);
  for (int i = 0; i < 300; ++i) {
    INFO(i);
    CHECK(doc["results"][size_t(i)]["passed"] == (i % 7 != 0));
    if (i % 2) CHECK(doc["results"][size_t(i)]["name"] == fmt::format("case {} \"quoted\" <&>\t\x01 d\u00e9j\u00e0", i));
  }
  // The layout is that of a pretty-printed document (two spaces a level).
  CHECK(json.out == nlohmann::ordered_json::parse(json.out).dump(2) + "\n");
  CHECK(run_netreach({"check", "-f", "-", "-e", file.path(), "-o", "json"}, kManifests).out == json.out);

  auto text = run_netreach({"check", "-f", "-", "-e", file.path()}, kManifests);
  CHECK(text.exit_code == 1);
  // The first expectation fails (every 7th is flipped): its explanation follows, indented.
  CHECK_THAT(text.out, Catch::StartsWith("FAIL app/client -> kube-system/coredns 53/UDP: expected deny, got allow\n"
                                         "    ALLOW app/client -> kube-system/coredns 53/UDP\n"));
  CHECK_THAT(text.out, Catch::Contains("\nPASS case 1 \"quoted\" <&>\t\x01 d\u00e9j\u00e0: expected allow, got allow\n"));
  CHECK_THAT(text.out, Catch::EndsWith(fmt::format("{} passed, {} failed\n", 300 - failing, failing)));
  CHECK(run_netreach({"check", "-f", "-", "-e", file.path()}, kManifests).out == text.out);

  auto junit = run_netreach({"check", "-f", "-", "-e", file.path(), "-o", "junit"}, kManifests);
  CHECK(junit.exit_code == 1);
  CHECK_THAT(junit.out, Catch::Contains(fmt::format("<testsuites tests=\"300\" failures=\"{}\" errors=\"0\"", failing)));
  size_t cases = 0, failures = 0;
  for (size_t at = 0; (at = junit.out.find("<testcase ", at)) != std::string::npos; ++at) ++cases;
  for (size_t at = 0; (at = junit.out.find("<failure ", at)) != std::string::npos; ++at) ++failures;
  CHECK(cases == 300);
  CHECK(failures == failing);
  CHECK_THAT(junit.out, Catch::Contains("name=\"case 1 &quot;quoted&quot; &lt;&amp;&gt;\t? d\u00e9j\u00e0 (UDP)\""));
  // The same, but for the times measured.
  auto without_times = [](std::string xml) {
    for (size_t at; (at = xml.find(" time=\"")) != std::string::npos;) xml.erase(at, xml.find('"', at + 7) + 1 - at);
    return xml;
  };
  CHECK(without_times(run_netreach({"check", "-f", "-", "-e", file.path(), "-o", "junit"}, kManifests).out) == without_times(junit.out));
}

TEST_CASE("CLI check: an invalid expectation anywhere in the file prints no partial report", "[cli][report]") {
  // The bad endpoint is the last of many: nothing may have been streamed before it is found.
  std::string yaml;
  for (int i = 0; i < 50; ++i) yaml += "  - {from: app/client, to: kube-system/coredns, port: 53/UDP, expect: allow}\n";
  yaml += "  - {name: the bad one, from: app/client, to: kube-system/nope, port: 53/UDP, expect: allow}\n";
  TempExpectations file(yaml);
  for (const char* format : {"text", "json", "junit"}) {
    auto r = run_netreach({"check", "-f", "-", "-e", file.path(), "-o", format}, kManifests);
    INFO(format << "\n" << r.out << r.err);
    CHECK(r.exit_code == 2);
    // JUnit: one <error> test case saying why (tests/unit/cli_front_door_test.cc); the others nothing.
    if (format == std::string("junit")) CHECK_THAT(r.out, Catch::Contains("<error message=") && !Catch::Contains("<testcase classname=\"netreach\" name=\"app"));
    else CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("expectations.yaml:54:5: error: expectation \"the bad one\""));
    CHECK_THAT(r.err, Catch::Contains("kube-system/nope"));
  }
}
