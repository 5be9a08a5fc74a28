// CLI tests for what an evaluation must never do to a CI gate: answer from an
// input it ignored, print an explanation that names an empty list, or allow a
// toFQDNs flow whose DNS lookups cannot reach Cilium's DNS proxy. The real
// binary on the conformance cases under tests/conformance.
#include <catch2/catch.hpp>

#include <regex>

#include "cli_support.h"

using netreach::testing::run_netreach;

namespace {
const std::string kGroups = "tests/conformance/cidr-group-ref-with-except";
const std::string kSelector = "tests/conformance/cidr-group-selector-by-group-labels";
const std::string kMissing = "tests/conformance/cidr-group-missing-is-unknown";
const std::string kTypo = "tests/conformance/tofqdns-dns-rule-selector-typo-denies";
const std::string kAddress = "tests/conformance/tofqdns-address-is-unknown";

netreach::testing::CliRun query(const std::string& dir, const std::string& from, const std::string& to,
                                const std::string& port) {
  return run_netreach({"query", "-f", dir + "/manifests.yaml", from, to, "--port", port});
}

// An explanation that names an empty list: "is not in " with nothing after
// it, an empty parenthesis, a list separator with nothing on one side.
bool names_an_empty_list(const std::string& text) {
  static const std::regex empty(R"(\b(is not in|do not include|select no|matching|with) *([;,.)]|\n)|\( *\)|, ,|: ;)");
  return std::regex_search(text, empty) || text.ends_with("is not in ");
}
}  // namespace

TEST_CASE("CLI: CiliumCIDRGroup objects are read, never listed as ignored", "[cli][trust][cidr-groups]") {
  auto r = run_netreach({"summary", "-f", kGroups + "/manifests.yaml"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("CiliumCIDRGroup                    2"));
  auto ignored = r.out.find("ignored");
  CHECK_THAT(r.out.substr(ignored == std::string::npos ? r.out.size() : ignored), !Catch::Contains("CiliumCIDRGroup"));
}

TEST_CASE("CLI query: a cidrGroupRef with except explains every outcome", "[cli][trust][cidr-groups]") {
  auto in = query(kGroups, "a/client", "203.0.113.77", "443");
  INFO(in.out << in.err);
  CHECK(in.exit_code == 0);
  CHECK_THAT(in.out, Catch::Contains("203.0.113.77 is in CiliumCIDRGroup office (203.0.113.0/24)"));

  auto excepted = query(kGroups, "a/client", "203.0.113.5", "443");
  INFO(excepted.out);
  CHECK(excepted.exit_code == 1);
  CHECK_THAT(excepted.out, Catch::Contains("203.0.113.5 is in CiliumCIDRGroup office (203.0.113.0/24), but this entry's "
                                           "except 203.0.113.0/28 removes it"));

  // The reason the issue found empty ("203.0.113.5 is not in " and nothing after).
  auto outside = query(kGroups, "a/client", "198.51.100.200", "443");
  INFO(outside.out);
  CHECK(outside.exit_code == 1);
  CHECK_THAT(outside.out, Catch::Contains("198.51.100.200 is not in CiliumCIDRGroup office (203.0.113.0/24, 198.51.100.0/25)"));

  auto denied = query(kGroups, "192.0.2.9", "a/web", "8080");
  INFO(denied.out);
  CHECK(denied.exit_code == 1);
  CHECK_THAT(denied.out, Catch::Contains("denied by CNP a/web-in spec.ingressDeny[0].fromCIDRSet[0]"));
  CHECK_THAT(denied.out, Catch::Contains("192.0.2.9 is in CiliumCIDRGroup scanners (192.0.2.0/28)"));

  for (const auto* r : {&in, &excepted, &outside, &denied}) CHECK_FALSE(names_an_empty_list(r->out));
}

TEST_CASE("CLI query: a cidrGroupSelector sees the labels of every group containing the address", "[cli][trust][cidr-groups]") {
  auto r = query(kSelector, "a/client", "10.1.2.3", "5432");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("10.1.2.3 is in CiliumCIDRGroups corp, databases, test-databases, and its labels "
                                    "(env=test, tier=db;"));
  CHECK_FALSE(names_an_empty_list(r.out));
}

TEST_CASE("CLI query: a CiliumCIDRGroup the input lacks is unknown and named", "[cli][trust][cidr-groups]") {
  auto ref = query(kMissing, "a/client", "198.51.100.7", "8443");
  INFO(ref.out << ref.err);
  CHECK(ref.exit_code == 3);
  CHECK_THAT(ref.out, Catch::StartsWith("UNKNOWN a/client -> 198.51.100.7 (outside the cluster) 8443/TCP"));
  CHECK_THAT(ref.out, Catch::Contains("whether 198.51.100.7 is in CiliumCIDRGroup partners: the input has no "
                                      "CiliumCIDRGroup partners"));

  auto sel = query(kMissing, "a/client", "203.0.113.7", "9000");
  INFO(sel.out);
  CHECK(sel.exit_code == 3);
  CHECK_THAT(sel.out, Catch::Contains("no CiliumCIDRGroup of the input matches it"));
  CHECK_FALSE(names_an_empty_list(ref.out + sel.out));

  // The gate can pin what it knows it cannot decide.
  auto gate = run_netreach({"check", "-f", kMissing + "/manifests.yaml", "-e", kMissing + "/expectations.yaml"});
  INFO(gate.out << gate.err);
  CHECK(gate.exit_code == 0);
}

TEST_CASE("CLI query: Cilium's dns-visibility example with its typo denies, naming the DNS flow judged",
          "[cli][trust][dns-visibility]") {
  auto r = query(kTypo, "default/xwing", "fqdn:sub.cilium.io", "443");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::StartsWith("DENY default/xwing -> fqdn:sub.cilium.io 443/TCP"));
  CHECK_THAT(r.out, !Catch::Contains("whose lookups go through Cilium's DNS proxy"));
  CHECK_THAT(r.out, Catch::Contains("DNS flow judged: default/xwing -> kube-system/coredns 53/UDP: denied"));
  CHECK_THAT(r.out, Catch::Contains("CNP default/tofqdn-dns-visibility spec.egress[0] does not select kube-system/coredns"));
  CHECK_THAT(r.out, Catch::Contains("`k8s.io.kubernetes.pod.namespace` is an ordinary pod label, not the namespace"));
  // The suggestion adds the DNS rule the toFQDNs rule needs.
  CHECK_THAT(r.out, Catch::Matches(R"([\s\S]*- toEndpoints:\n *- matchLabels:\n *k8s:io.kubernetes.pod.namespace: kube-system\n)"
                                    R"( *k8s:k8s-app: kube-dns\n[\s\S]*dns:\n *- matchName: sub.cilium.io\n[\s\S]*)"));

  // The issue's second half: an address is unknown on the DNS answer, never "not evaluated".
  auto ip = query(kTypo, "default/xwing", "203.0.113.9", "443");
  INFO(ip.out);
  CHECK(ip.exit_code == 3);
  CHECK_THAT(ip.out, Catch::Contains("whether DNS answers cilium.io, sub.cilium.io or *.sub.cilium.io with 203.0.113.9"));
  CHECK_THAT(ip.out, !Catch::Contains("not evaluated"));
  CHECK_FALSE(names_an_empty_list(r.out + ip.out));
}

TEST_CASE("CLI query: an address or world against a toFQDNs rule is unknown on the DNS answer", "[cli][trust][dns-visibility]") {
  for (const std::string to : {"203.0.113.9", "world"}) {
    auto r = query(kAddress, "default/xwing", to, "443");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.out, Catch::Contains("whether DNS answers cilium.io, sub.cilium.io or *.sub.cilium.io with " +
                                      (to == "world" ? std::string("the address behind world") : to)));
    CHECK_THAT(r.out, !Catch::Contains("not evaluated"));
    CHECK_FALSE(names_an_empty_list(r.out));
  }
  auto name = query(kAddress, "default/xwing", "fqdn:sub.cilium.io", "443");
  INFO(name.out);
  CHECK(name.exit_code == 0);
  CHECK_THAT(name.out, Catch::Contains("whose lookups go through Cilium's DNS proxy (DNS flow judged: default/xwing -> "
                                       "kube-system/coredns 53/UDP: allowed"));
}
