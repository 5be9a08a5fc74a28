// CiliumCIDRGroup objects: pkg/k8s/apis/cilium.io/v2/cidrgroups_types.go (spec and
// spec.externalCIDRs required, the list may be empty; api.CIDR is `format: cidr`), and
// the loader's one-object-per-name rule. The semantics of rules naming a group are in
// engine/query/side_evaluator_test.cc "CIDR groups: ...".
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "load/yaml_stream.h"
#include "policy/cidr_group_parser.h"
#include "test_support.h"

using namespace netreach;

namespace {

const SourceFile kGroupSource{"groups.yaml", "", nullptr, false};

CidrGroupParseResult parse_group(const std::string& text, bool lenient = false) {
  auto stream = YamlStream::from_text(std::make_shared<const std::string>(text), &kGroupSource);
  auto doc = stream.next();
  REQUIRE(doc.ok());
  REQUIRE(doc->has_value());
  return parse_cidr_group((*doc)->root, lenient);
}

bool has(const Diagnostics& diags, Severity severity, const std::string& path, const std::string& fragment) {
  for (const auto& d : diags)
    if (d.severity == severity && d.field_path == path && d.message.find(fragment) != std::string::npos) return true;
  std::string all;
  for (const auto& d : diags) all += "  " + d.field_path + ": " + d.message + "\n";
  UNSCOPED_INFO("diagnostics:\n" << all);
  return false;
}

}  // namespace

TEST_CASE("CiliumCIDRGroup: name, labels and externalCIDRs", "[cidr_group_parser][cidr-groups]") {
  auto r = parse_group(R"(apiVersion: cilium.io/v2alpha1
kind: CiliumCIDRGroup
metadata:
  name: office
  labels: {env: prod, io.cilium.k8s.policy.name: x}
  annotations: {note: kept out}
spec:
  externalCIDRs: [203.0.113.0/24, "2001:db8::/32", 10.1.2.3/8]
)");
  REQUIRE(r.group);
  CHECK(r.diagnostics.empty());
  CHECK(r.group->name == "office");
  CHECK(r.group->labels == std::vector<std::pair<std::string, std::string>>{{"env", "prod"}, {"io.cilium.k8s.policy.name", "x"}});
  CHECK(r.group->cidrs_text() == "203.0.113.0/24, 2001:db8::/32, 10.0.0.0/8");  // host bits masked, as Go's ParseCIDR
  CHECK(r.group->pos.line == 2);

  auto empty = parse_group("apiVersion: cilium.io/v2\nkind: CiliumCIDRGroup\nmetadata: {name: none}\nspec: {externalCIDRs: []}\n");
  REQUIRE(empty.group);
  CHECK(empty.group->cidrs.empty());
  CHECK(empty.group->cidrs_text() == "no CIDRs");
}

TEST_CASE("CiliumCIDRGroup: what the API server rejects, strict and lenient", "[cidr_group_parser][cidr-groups]") {
  const std::string bad = R"(apiVersion: cilium.io/v2
kind: CiliumCIDRGroup
metadata: {name: Office, namespace: a}
spec:
  externalCidrs: [203.0.113.0/24]
)";
  auto strict = parse_group(bad);
  CHECK_FALSE(strict.group);
  CHECK(has(strict.diagnostics, Severity::Error, "metadata.name", "a CiliumCIDRGroup name is a DNS subdomain"));
  CHECK(has(strict.diagnostics, Severity::Warning, "metadata.namespace", "cluster-wide"));
  CHECK(has(strict.diagnostics, Severity::Error, "spec.externalCidrs", "unknown field"));
  CHECK(has(strict.diagnostics, Severity::Error, "spec.externalCIDRs", "externalCIDRs is required"));

  auto lenient = parse_group(bad, true);
  CHECK_FALSE(lenient.group);  // rejected: the name and the required list
  CHECK(has(lenient.diagnostics, Severity::Warning, "spec.externalCidrs", "so the group has fewer CIDRs than written"));

  auto cidrs = parse_group(R"(apiVersion: cilium.io/v2
kind: CiliumCIDRGroup
metadata: {name: g}
spec: {externalCIDRs: [203.0.113.7, 300.0.0.0/8]}
)");
  CHECK_FALSE(cidrs.group);
  CHECK(has(cidrs.diagnostics, Severity::Error, "spec.externalCIDRs[0]", "write it as a prefix: 203.0.113.7/32"));
  CHECK(has(cidrs.diagnostics, Severity::Error, "spec.externalCIDRs[1]", "invalid CIDR \"300.0.0.0/8\""));
  CHECK_FALSE(parse_group("apiVersion: cilium.io/v2\nkind: CiliumCIDRGroup\nmetadata: {name: g}\n").group);
}

TEST_CASE("CiliumCIDRGroup: one object per name in the loaded cluster", "[cidr_group_parser][cidr-groups]") {
  const std::string a = "apiVersion: cilium.io/v2\nkind: CiliumCIDRGroup\nmetadata: {name: g}\nspec: {externalCIDRs: [10.0.0.0/8]}\n";
  const std::string b = "apiVersion: cilium.io/v2alpha1\nkind: CiliumCIDRGroup\nmetadata: {name: g}\nspec: {externalCIDRs: [11.0.0.0/8]}\n";
  auto same = netreach::testing::build_from_yaml(a + "---\n" + a);
  REQUIRE(same.model);
  CHECK(same.model->cluster.cidr_groups.size() == 1);

  auto conflict = netreach::testing::build_from_yaml(a + "---\n" + b);
  CHECK_FALSE(conflict.model);
  CHECK(has(conflict.diagnostics, Severity::Error, "metadata.name", "CiliumCIDRGroup g is defined twice with different content"));

  Options lenient;
  lenient.lenient = true;
  auto later = netreach::testing::build_from_yaml(a + "---\n" + b, lenient);
  REQUIRE(later.model);
  REQUIRE(later.model->cluster.cidr_groups.size() == 1);
  CHECK(later.model->cluster.cidr_groups[0].cidrs_text() == "11.0.0.0/8");
}
