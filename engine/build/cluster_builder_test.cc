#include <catch2/catch.hpp>

#include "test_support.h"

using namespace netreach;
using netreach::testing::build_from_yaml;

namespace {
const char* kPolicy = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: a}
spec: {endpointSelector: {}, ingress: [{}]}
)";
const char* kOtherPolicySameName = R"(
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: a}
spec: {endpointSelector: {}, egress: [{}]}
)";
}  // namespace

// A cluster holds one object per kind/namespace/name.
TEST_CASE("ClusterBuilder: the same policy twice counts once", "[builder]") {
  auto built = build_from_yaml(std::string(kPolicy) + "---" + kPolicy);
  REQUIRE(built.model);
  CHECK(built.model->cluster.policies.size() == 1);
}

TEST_CASE("ClusterBuilder: two different policies under one name are an error (lenient: the later wins)", "[builder]") {
  auto strict = build_from_yaml(std::string(kPolicy) + "---" + kOtherPolicySameName);
  CHECK_FALSE(strict.model);
  bool named = false;
  for (const auto& d : strict.diagnostics)
    named = named || (d.severity == Severity::Error && d.message.find("defined twice with different content") != std::string::npos);
  CHECK(named);
  Options lenient;
  lenient.lenient = true;
  auto later_wins = build_from_yaml(std::string(kPolicy) + "---" + kOtherPolicySameName, lenient);
  REQUIRE(later_wins.model);
  REQUIRE(later_wins.model->cluster.policies.size() == 1);
  CHECK(later_wins.model->cluster.policies[0].rules.at(0).egress.size() == 1);
}

// Objects that do not matter for reachability are counted and listed, never dropped silently.
TEST_CASE("ClusterBuilder: other kinds are counted as ignored, with a reason", "[builder]") {
  auto built = build_from_yaml(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: c, namespace: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: d, namespace: a}
)");
  REQUIRE(built.model);
  REQUIRE(built.model->cluster.ignored.size() == 1);
  CHECK(built.model->cluster.ignored[0].api_version_kind == "v1 ConfigMap");
  CHECK(built.model->cluster.ignored[0].count == 2);
  CHECK_FALSE(built.model->cluster.ignored[0].reason.empty());
}

// Pods of a workload in the input are reported under it; its template is not a second pod.
TEST_CASE("ClusterBuilder: Pod objects owned through a ReplicaSet belong to the Deployment", "[builder]") {
  auto built = build_from_yaml(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x}]}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d4f
  namespace: a
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, controller: true, uid: u1}]
spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web, pod-template-hash: 5d4f}}, spec: {containers: [{name: c, image: x}]}}}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-5d4f-abcde
  namespace: a
  labels: {app: web, pod-template-hash: 5d4f}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d4f, controller: true, uid: u2}]
spec: {containers: [{name: c, image: x}]}
)");
  REQUIRE(built.model);
  const Cluster& c = built.model->cluster;
  REQUIRE(c.pods.size() == 1);  // the real Pod; neither template is a pod of its own
  REQUIRE(c.pods[0].workload);
  CHECK(c.workloads[*c.pods[0].workload].kind == "Deployment");
  CHECK(c.pods[0].display(c) == "a/web (pod web-5d4f-abcde)");
}

// A container port the API server would refuse is an error, not a silently missing named port.
TEST_CASE("ClusterBuilder: a container port without containerPort is an error", "[builder]") {
  auto built = build_from_yaml(R"(
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a}
spec: {containers: [{name: c, image: x, ports: [{name: http}]}]}
)");
  CHECK_FALSE(built.model);
  bool named = false;
  for (const auto& d : built.diagnostics)
    named = named || d.field_path == "spec.containers[0].ports[0].containerPort";
  CHECK(named);
}

// One rule for string fields (load/string_field.h): metadata, labels and port
// names take a plain y/yes/on/... as written, with one warning per file;
// numbers and true/false are errors, as the API server's decoding makes them.
TEST_CASE("ClusterBuilder: YAML 1.1 boolean words in string fields are strings, with one warning", "[builder][string_field]") {
  auto built = build_from_yaml(R"(
apiVersion: v1
kind: Namespace
metadata: {name: y, labels: {team: no}}
---
apiVersion: v1
kind: Pod
metadata: {name: on, namespace: y, labels: {app: yes}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80, name: on}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: off, namespace: y}
spec: {selector: {app: yes}, ports: [{name: n, port: 80, targetPort: on}]}
)");
  REQUIRE(built.model);
  const Cluster& c = built.model->cluster;
  REQUIRE(c.find_namespace("y"));
  CHECK(c.find_namespace("y")->declared);
  REQUIRE(c.pods.size() == 1);
  CHECK(c.pods[0].name == "on");
  CHECK(c.pods[0].namespace_ == "y");
  CHECK(c.pods[0].labels == LabelMap{{"app", "yes"}});
  CHECK(c.pods[0].ports.at(0).name == "on");
  REQUIRE(c.services.size() == 1);
  CHECK(c.services[0].ports.at(0).name == "n");
  CHECK(c.services[0].ports.at(0).target_port_name == "on");
  size_t warnings = 0;
  for (const auto& d : built.diagnostics)
    if (d.message.find("is read as the string") != std::string::npos) {
      ++warnings;
      CHECK(d.pos.line == 4);  // the first word of the file
      CHECK(d.field_path == "metadata.name");
    }
  CHECK(warnings == 1);
}

TEST_CASE("ClusterBuilder: numbers and true/false in string fields are errors", "[builder][string_field]") {
  struct Case {
    const char* yaml;
    const char* path;
  };
  const Case cases[] = {
      {"apiVersion: v1\nkind: Namespace\nmetadata: {name: true}\n", "metadata.name"},
      {"apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: 2024}\nspec: {containers: [{name: c, image: x}]}\n", "metadata.namespace"},
      {"apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {version: 1.0}}\nspec: {containers: [{name: c, image: x}]}\n", "metadata.labels.version"},
      {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: 80, name: false}]}]}\n", "spec.containers[0].ports[0].name"},
      {"apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80, targetPort: true}]}\n", "spec.ports[0].targetPort"},
  };
  for (const auto& c : cases) {
    INFO(c.yaml);
    auto built = build_from_yaml(c.yaml);
    CHECK_FALSE(built.model);
    size_t errors = 0;
    bool named = false;
    for (const auto& d : built.diagnostics) {
      if (d.severity != Severity::Error) continue;
      ++errors;
      named = named || d.field_path == c.path;
    }
    CHECK(named);
    CHECK(errors == 1);  // no second "has no name" for a name that is not a string
  }
}

// An object the API server rejects, whatever field makes it so: strict, an
// error naming the field (and the variable when the value is a ${NAME} left
// without a value); --lenient, one rule for every kind (ClusterBuilder::settle):
// a warning, the object not applied, counted as rejected, the rest loaded.
namespace {
const char* kValid = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: ok, namespace: shop}
spec: {replicas: 2, template: {metadata: {labels: {app: ok}}, spec: {containers: [{name: c, image: i}]}}}
)";

struct Invalid {
  const char* what;
  const char* yaml;
  const char* field;
  const char* problem;
};
const Invalid kInvalid[] = {
    {"a Deployment whose replicas is ${REPLICAS}", R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: ${REPLICAS}
  template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c, image: i}]}}
)",
     "spec.replicas", "spec.replicas must be a non-negative integer, found \"${REPLICAS}\""},
    {"a Deployment whose pod label value is ${TIER}", R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api, tier: "${TIER}"}}
    spec: {containers: [{name: c, image: i}]}
)",
     "spec.template.metadata.labels.tier", "invalid label value \"${TIER}\""},
    {"a Namespace whose name is ${NS}", R"(
apiVersion: v1
kind: Namespace
metadata: {name: "${NS}"}
)",
     "metadata.name", "invalid metadata.name \"${NS}\""},
    {"a Service whose port is ${PORT}", R"(
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{port: "${PORT}"}]}
)",
     "spec.ports[0].port", "port must be an integer from 0 to 65535, found \"${PORT}\""},
    {"a Pod in the namespace ${NS}", R"(
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: "${NS}"}
spec: {containers: [{name: c, image: i}]}
)",
     "metadata.namespace", "invalid metadata.namespace \"${NS}\""},
    {"a Deployment whose container port is ${API_PORT}", R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: "${API_PORT}"}]}]}
)",
     "spec.template.spec.containers[0].ports[0].containerPort", "port must be an integer from 0 to 65535"},
};

const Diagnostic* find_diagnostic(const Diagnostics& diags, Severity severity, std::string_view field,
                                  std::string_view problem = "") {
  for (const auto& d : diags)
    if (d.severity == severity && d.field_path == field && d.message.find(problem) != std::string::npos) return &d;
  return nullptr;
}
}  // namespace

TEST_CASE("ClusterBuilder: an invalid object is an error naming the field and the variable; --lenient ignores it and loads the rest",
          "[builder][lenient]") {
  for (const auto& invalid : kInvalid) {
    INFO(invalid.what);
    const std::string yaml = std::string(kValid) + "---" + invalid.yaml;
    auto strict = build_from_yaml(yaml);
    CHECK_FALSE(strict.model);
    const Diagnostic* error = find_diagnostic(strict.diagnostics, Severity::Error, invalid.field, invalid.problem);
    REQUIRE(error);
    INFO(error->message);
    CHECK(error->pos.line > 5);  // in the invalid object, not the valid one
    CHECK_THAT(error->message, Catch::Contains(invalid.problem));
    CHECK_THAT(error->message, Catch::Contains("a variable not substituted"));

    Options options;
    options.lenient = true;
    auto lenient = build_from_yaml(yaml, options);
    REQUIRE(lenient.model);
    const Diagnostic* warning = find_diagnostic(lenient.diagnostics, Severity::Warning, invalid.field, invalid.problem);
    REQUIRE(warning);
    CHECK(warning->pos.line == error->pos.line);
    CHECK_THAT(warning->message, Catch::Contains(invalid.problem));
    CHECK_THAT(warning->message, Catch::EndsWith("ignored (--lenient)"));
    // The invalid object is not in the cluster; the valid one is.
    const Summary summary = summarize(*lenient.model);
    CHECK(summary.workloads == 1);
    CHECK(summary.services == 0);
    CHECK(summary.pods == 1);
    CHECK(lenient.model->cluster.workloads.at(0).name == "ok");
    for (const auto& ns : lenient.model->cluster.namespaces) CHECK(ns.name != "${NS}");
    bool counted = false;
    for (const auto& ignored : summary.ignored) counted = counted || ignored.kind.ends_with("(rejected)");
    CHECK(counted);
  }
}

TEST_CASE("ClusterBuilder: names and labels are validated as the API server does, with or without variables", "[builder][lenient]") {
  auto built = build_from_yaml(R"(
apiVersion: v1
kind: Namespace
metadata: {name: Shop_1}
---
apiVersion: v1
kind: Service
metadata: {name: 1api, namespace: shop}
spec: {selector: {"bad key!": x}}
)");
  CHECK_FALSE(built.model);
  const Diagnostic* ns = find_diagnostic(built.diagnostics, Severity::Error, "metadata.name");
  REQUIRE(ns);
  CHECK_THAT(ns->message, Catch::Contains("invalid metadata.name \"Shop_1\""));
  CHECK_THAT(ns->message, !Catch::Contains("variable"));
  bool service_name = false, key = false;
  for (const auto& d : built.diagnostics) {
    service_name |= d.message.find("Service: invalid metadata.name \"1api\"") != std::string::npos;
    key |= d.message.find("invalid label key \"bad key!\"") != std::string::npos;
  }
  CHECK(service_name);
  CHECK(key);
  // Valid names and labels, including a prefixed key and an empty value.
  auto valid = build_from_yaml(R"(
apiVersion: v1
kind: Namespace
metadata: {name: shop-1, labels: {app.kubernetes.io/part-of: shop, empty: ""}}
)");
  CHECK(valid.model);
}
