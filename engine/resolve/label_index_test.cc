// LabelIndex narrows the identities a selector is matched against; the full
// selector still decides (the graph's and summary's answers rest on it).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "resolve/label_index.h"
#include "test_support.h"

using namespace netreach;
using netreach::testing::model_from_yaml;

namespace {

std::string pod(const std::string& name, const std::string& ns, const std::string& app) {
  return "---\napiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: " + ns + ", labels: {app: " + app +
         "}}\nspec: {containers: [{name: c, image: x}]}\n";
}

Requirement requirement(const std::string& key, SelectorOp op, std::vector<std::string> values = {}) {
  Requirement r;
  r.key = SelectorKey::parse(key);
  r.op = op;
  r.values = std::move(values);
  return r;
}

IdentityId identity_of(const Model& m, const std::string& pod_name) {
  for (size_t i = 0; i < m.cluster.pods.size(); ++i)
    if (m.cluster.pods[i].name == pod_name) return m.pod_identity[i];
  FAIL("no pod " << pod_name);
  return 0;
}

}  // namespace

TEST_CASE("label index: candidates are the identities carrying the narrowest In requirement's labels", "[resolve][label-index]") {
  auto m = model_from_yaml(pod("web-a", "a", "web") + pod("web-b", "b", "web") + pod("db-a", "a", "db"));
  const LabelIndex index(m->identities);

  Selector web;
  web.requirements.push_back(requirement("k8s:app", SelectorOp::In, {"web"}));
  auto c = index.candidates(web);
  REQUIRE(c);
  std::vector<IdentityId> expected{identity_of(*m, "web-a"), identity_of(*m, "web-b")};
  std::sort(expected.begin(), expected.end());
  CHECK(*c == expected);

  // Two selectors ANDed: the In requirement with the fewest identities wins.
  Selector db;
  db.requirements.push_back(requirement("k8s:app", SelectorOp::In, {"db"}));
  Selector in_a;
  in_a.requirements.push_back(requirement("k8s:io.kubernetes.pod.namespace", SelectorOp::In, {"a"}));
  c = index.candidates(std::vector<const Selector*>{&in_a, &db});
  REQUIRE(c);
  CHECK(*c == std::vector<IdentityId>{identity_of(*m, "db-a")});

  // Without an In requirement any identity may match.
  Selector not_web;
  not_web.requirements.push_back(requirement("k8s:app", SelectorOp::NotIn, {"web"}));
  CHECK_FALSE(index.candidates(not_web));
  CHECK_FALSE(index.candidates(Selector{}));
}

TEST_CASE("label index: any_match is decided by the whole selector, pods only when asked", "[resolve][label-index]") {
  auto m = model_from_yaml(pod("web-a", "a", "web"));
  const LabelIndex index(m->identities);

  Selector web_in_b;  // a candidate carries app=web, but not namespace b
  web_in_b.requirements.push_back(requirement("k8s:app", SelectorOp::In, {"web"}));
  web_in_b.requirements.push_back(requirement("k8s:io.kubernetes.pod.namespace", SelectorOp::In, {"b"}));
  CHECK_FALSE(index.any_match(web_in_b, false));

  Selector web;
  web.requirements.push_back(requirement("k8s:app", SelectorOp::In, {"web"}));
  CHECK(index.any_match(web, true));

  // reserved:host is an identity but not a pod's.
  Selector host;
  host.requirements.push_back(requirement("reserved:host", SelectorOp::Exists));
  CHECK(index.any_match(host, false));
  CHECK_FALSE(index.any_match(host, true));
}
