// lint(): every rule with a case that triggers it and one that does not.
#include <algorithm>

#include <catch2/catch.hpp>

#include "netreach.h"
#include "test_support.h"

using namespace netreach;

namespace {

// Two namespaces, a web pod in a and a db pod in b (service account db-sa).
const std::string kPods = R"(
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: b, labels: {app: db}}
spec: {serviceAccountName: db-sa, containers: [{name: c, image: x, ports: [{name: pg, containerPort: 5432}]}]}
---
)";

std::vector<Finding> lint_yaml(const std::string& policies) {
  auto model = testing::model_from_yaml(kPods + policies);
  REQUIRE(model);
  return lint(*model);
}

std::vector<const Finding*> of_rule(const std::vector<Finding>& findings, std::string_view id) {
  std::vector<const Finding*> out;
  for (const auto& f : findings)
    if (f.rule->id == id) out.push_back(&f);
  return out;
}

std::string all_text(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) out += std::string(f.rule->id) + " " + f.field + ": " + f.message + " | " + f.fix + "\n";
  return out;
}

}  // namespace

TEST_CASE("Lint rules: stable ids and names, each with words", "[lint]") {
  const auto& rules = lint_rules();
  REQUIRE(rules.size() == 11);
  for (size_t i = 0; i < rules.size(); ++i) {
    CHECK(rules[i].id == fmt::format("NR{:03}", i + 1));
    CHECK(!rules[i].summary.empty());
    CHECK(!rules[i].help.empty());
    CHECK(rules[i].doc.starts_with("docs/semantics.md#"));
    CHECK(find_lint_rule(rules[i].name) == &rules[i]);
  }
  CHECK(find_lint_rule("NR999") == nullptr);
}

TEST_CASE("Lint NR001: a namespace look-alike label in a CNP peer selector; the namespace key is not one", "[lint]") {
  auto bad = lint_yaml(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{matchLabels: {app: db, app.kubernetes.io/namespace: b}}]
)");
  auto f = of_rule(bad, "NR001");
  REQUIRE(f.size() == 1);
  CHECK(f[0]->field == "spec.egress[0].toEndpoints[0]");
  CHECK(f[0]->pos.line > 0);
  CHECK_THAT(f[0]->message, Catch::Contains("scopes this selector to the policy's namespace a"));
  CHECK(f[0]->fix == "replace `app.kubernetes.io/namespace: b` with `k8s:io.kubernetes.pod.namespace: b`");
  // Not also reported as a selector matching nothing: the look-alike says more.
  CHECK(of_rule(bad, "NR003").empty());

  // The namespace key, with or without `k8s:`, and namespace-label keys
  // (cross-namespace since v1.16) are what Cilium reads as the namespace.
  auto good = lint_yaml(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints:
    - matchLabels: {app: db, k8s:io.kubernetes.pod.namespace: b}
    - matchLabels: {app: db, io.kubernetes.pod.namespace: b}
    - matchLabels: {app: db, io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name: b}
)");
  CHECK(of_rule(good, "NR001").empty());
}

TEST_CASE("Lint NR002: one-sided flows both ways, from the graph; two-sided ones are not", "[lint]") {
  const std::string egress_only = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{matchLabels: {app: db, k8s:io.kubernetes.pod.namespace: b}}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: other}}]
)";
  auto bad = lint_yaml(egress_only);
  auto f = of_rule(bad, "NR002");
  REQUIRE(f.size() == 1);
  CHECK(f[0]->object == "CNP a/web");
  CHECK(f[0]->field == "spec.egress[0]");
  CHECK_THAT(f[0]->message, Catch::Contains("allows a/web -> b/db on TCP 5432, but the ingress of b/db does not allow it"));

  // The reverse: db's ingress names web, web's egress (enforcing) does not let it out.
  auto reverse = lint_yaml(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web, k8s:io.kubernetes.pod.namespace: a}}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
)");
  auto r = of_rule(reverse, "NR002");
  REQUIRE(r.size() == 1);
  CHECK(r[0]->field == "spec.ingress[0]");
  CHECK_THAT(r[0]->message, Catch::Contains("allows a/web -> b/db on TCP 5432, but the egress of a/web does not allow it"));

  // Both sides allow it (the receiver on every port: narrowing the ports on
  // one side is no half-intent); a receiver without ingress rules allows
  // everything.
  auto both = lint_yaml(egress_only + R"(  - fromEndpoints: [{matchLabels: {app: web, k8s:io.kubernetes.pod.namespace: a}}]
)");
  CHECK(of_rule(both, "NR002").empty());
  auto open = lint_yaml(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{matchLabels: {app: db, k8s:io.kubernetes.pod.namespace: b}}]
)");
  CHECK(of_rule(open, "NR002").empty());
}

TEST_CASE("Lint NR002: a look-alike read as intended still meets a closed ingress", "[lint]") {
  auto f = lint_yaml(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{matchLabels: {app: db, namespace: b}}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - {}
)");
  auto one_sided = of_rule(f, "NR002");
  REQUIRE(one_sided.size() == 1);
  CHECK_THAT(one_sided[0]->message, Catch::StartsWith("read as intended (`k8s:io.kubernetes.pod.namespace: b` instead of `namespace: b`), "
                                                      "this egress rule allows a/web -> b/db on TCP 5432"));
}

TEST_CASE("Lint NR003/NR004: selectors matching no pod, service accounts no pod uses", "[lint]") {
  auto bad = lint_yaml(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: ghost, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: ghost}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web}}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: b}
spec:
  endpointSelector: {matchLabels: {io.cilium.k8s.policy.serviceaccount: db-as}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: wbe, k8s:io.kubernetes.pod.namespace: a}}]
  - fromEndpoints: [{matchLabels: {io.cilium.k8s.policy.serviceaccount: defualt, k8s:io.kubernetes.pod.namespace: a}}]
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: ghost, namespace: a}
spec: {chart: {spec: {chart: ghost}}}
)");
  auto nothing = of_rule(bad, "NR003");
  REQUIRE(nothing.size() == 2);
  CHECK_THAT(all_text(bad), Catch::Contains("the subject selector `{app=ghost, k8s:io.kubernetes.pod.namespace=a}` selects no pod"));
  CHECK_THAT(all_text(bad), Catch::Contains("the peer selector `{app=wbe, k8s:io.kubernetes.pod.namespace=a}` matches no pod"));
  CHECK_THAT(nothing[0]->message, Catch::Contains("HelmRelease"));
  auto sa = of_rule(bad, "NR004");
  REQUIRE(sa.size() == 2);
  CHECK_THAT(sa[0]->message, Catch::Contains("the subject selector names service account `db-as`, which no pod of namespace b uses"));
  CHECK_THAT(sa[0]->fix, Catch::StartsWith("did you mean db-sa? name the service account"));
  CHECK_THAT(sa[1]->message, Catch::Contains("the peer selector names service account `defualt`, which no pod of namespace a uses"));
  CHECK_THAT(sa[1]->fix, Catch::StartsWith("did you mean default?"));

  auto good = lint_yaml(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: b}
spec:
  endpointSelector: {matchLabels: {io.cilium.k8s.policy.serviceaccount: db-sa}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web, k8s:io.kubernetes.pod.namespace: a}}, {}]
)");
  CHECK(of_rule(good, "NR003").empty());
  CHECK(of_rule(good, "NR004").empty());
}

TEST_CASE("Lint NR005: an allow every part of which a deny covers; a partial deny is no shadow", "[lint]") {
  const std::string policy = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web, k8s:io.kubernetes.pod.namespace: a}}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: deny}
spec:
  endpointSelector: {}
  ingressDeny:
  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: a}}]
)";
  auto bad = lint_yaml(policy + "    toPorts: [{ports: [{port: \"5000\", endPort: 6000, protocol: TCP}]}]\n");
  auto f = of_rule(bad, "NR005");
  REQUIRE(f.size() == 1);
  CHECK(f[0]->object == "CNP b/db");
  CHECK_THAT(f[0]->message, Catch::Contains("is denied by CCNP deny spec.ingressDeny[0]"));
  auto good = lint_yaml(policy + "    toPorts: [{ports: [{port: \"5433\", protocol: TCP}]}]\n");
  CHECK(of_rule(good, "NR005").empty());
}

TEST_CASE("Lint NR006: toServices naming nothing, named ports nobody defines, toFQDNs without DNS visibility", "[lint]") {
  auto bad = lint_yaml(R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toServices: [{k8sService: {serviceName: nope, namespace: b}}]
  - toEndpoints: [{matchLabels: {app: db, k8s:io.kubernetes.pod.namespace: b}}]
    toPorts: [{ports: [{port: postgres}]}]
  - toFQDNs: [{matchName: api.example.com}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - toPorts: [{ports: [{port: http}]}]
)");
  auto f = of_rule(bad, "NR006");
  REQUIRE(f.size() == 4);
  std::string text = all_text(bad);
  CHECK_THAT(text, Catch::Contains("toServices k8sService b/nope names no Service of the input, so this rule allows nothing"));
  CHECK_THAT(text, Catch::Contains("named port `postgres` is defined by no pod of the input"));
  CHECK_THAT(text, Catch::Contains("named port `http` is not defined by the containers of the pods this rule selects"));
  CHECK_THAT(text, Catch::Contains("toFQDNs api.example.com allows nothing"));

  auto good = lint_yaml(R"(
apiVersion: v1
kind: Service
metadata: {name: db, namespace: b}
spec: {selector: {app: db}, ports: [{port: 5432}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toServices: [{k8sService: {serviceName: db, namespace: b}}]
  - toEndpoints: [{matchLabels: {app: db, k8s:io.kubernetes.pod.namespace: b}}]
    toPorts: [{ports: [{port: pg}]}]
  - toFQDNs: [{matchName: api.example.com}]
  - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: b, app: db}}]
    toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - toPorts: [{ports: [{port: pg}]}]
  - toPorts: [{ports: [{port: "53", protocol: UDP}]}]
)");
  CHECK(of_rule(good, "NR006").empty());
}

TEST_CASE("Lint NR007: ingress from world on every port; with toPorts it is not", "[lint]") {
  const std::string head = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
)";
  auto bad = lint_yaml(head + "  - fromEntities: [world]\n  - fromCIDR: [0.0.0.0/0]\n");
  CHECK(of_rule(bad, "NR007").size() == 2);
  auto good = lint_yaml(head + "  - fromEntities: [world]\n    toPorts: [{ports: [{port: \"443\", protocol: TCP}]}]\n  - fromCIDR: [203.0.113.0/24]\n");
  CHECK(of_rule(good, "NR007").empty());
}

TEST_CASE("Lint NR008: enableDefaultDeny for a direction without rules has no effect", "[lint]") {
  const std::string head = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints: [{}]
)";
  auto bad = lint_yaml(head + "  enableDefaultDeny: {egress: true}\n");
  auto f = of_rule(bad, "NR008");
  REQUIRE(f.size() == 1);
  CHECK(f[0]->field == "spec.enableDefaultDeny.egress");
  CHECK(of_rule(lint_yaml(head + "  enableDefaultDeny: {ingress: true, egress: false}\n"), "NR008").empty());
}

TEST_CASE("Lint NR009: L7 rules next to a plain allow of the same peers and port filter nothing", "[lint]") {
  const std::string head = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web, k8s:io.kubernetes.pod.namespace: a}}]
    toPorts: [{ports: [{port: "8080", protocol: TCP}], rules: {http: [{method: GET}]}}]
)";
  auto bad = lint_yaml(head + "  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: a}}]\n");
  auto f = of_rule(bad, "NR009");
  REQUIRE(f.size() == 1);
  CHECK_THAT(f[0]->message, Catch::Contains("filter nothing on TCP 8080"));
  auto good = lint_yaml(head + "  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: a}}]\n"
                               "    toPorts: [{ports: [{port: \"9090\", protocol: TCP}]}]\n");
  CHECK(of_rule(good, "NR009").empty());
}

TEST_CASE("Lint NR010/NR011: fromRequires is deprecated; unquoted yes in a string field", "[lint]") {
  auto bad = lint_yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: old, namespace: a, labels: {app: old, legacy: yes}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromRequires: [{matchLabels: {env: prod}}]
)");
  auto req = of_rule(bad, "NR010");
  REQUIRE(req.size() == 1);
  CHECK_THAT(req[0]->message, Catch::Contains("removed in Cilium 1.19"));
  auto words = of_rule(bad, "NR011");
  REQUIRE(words.size() == 1);
  CHECK(words[0]->fix == "quote it: \"yes\"");
  CHECK(words[0]->pos.line > 0);

  auto good = lint_yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: old, namespace: a, labels: {app: old, legacy: "yes"}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: a}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints: [{matchLabels: {env: prod}}]
)");
  CHECK(of_rule(good, "NR010").empty());
  CHECK(of_rule(good, "NR011").empty());
}
