// What-if (--add, --remove, --set-labels) through the facade: load_texts() with
// a WhatIf, then query(). Each change is shown to flip a verdict both ways.
#include "whatif/what_if.h"

#include <catch2/catch.hpp>

#include "load/yaml_stream.h"
#include "model/diagnostic.h"
#include "netreach.h"
#include "resolve/model.h"
#include "test_support.h"

using namespace netreach;
using netreach::testing::verdict;

namespace {

const std::string kData = std::string(NETREACH_SOURCE_DIR) + "/tests/data/whatif/";

// a/web (Deployment, app=web), a/client (Pod, role=client), a/batch (Pod),
// c/visitor (Pod, role=client, namespace without team=blue) and b/db.
// b/db admits, on 5432: pods with role=client from namespaces labelled
// team=blue (db-ingress), and a/web (allow-web).
constexpr std::string_view kCluster = R"(
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: blue}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: v1
kind: Namespace
metadata: {name: c}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: a, labels: {app: client, role: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: batch, namespace: a, labels: {app: batch}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: visitor, namespace: c, labels: {role: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: b, labels: {app: db}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 5432}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: b}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {team: blue}}, podSelector: {matchLabels: {role: client}}}]
      ports: [{port: 5432}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: allow-web, namespace: b}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
    - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: a, app: web}}]
      toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
)";

LoadOutcome load_with(const WhatIf& what_if) {
  return load_texts({{"cluster.yaml", std::string(kCluster)}}, Options{}, what_if);
}

std::shared_ptr<const Model> model_with(const WhatIf& what_if) {
  LoadOutcome outcome = load_with(what_if);
  std::string all;
  for (const auto& d : outcome.diagnostics) all += format_diagnostic(d, false) + "\n";
  INFO(all);
  REQUIRE(outcome.model);
  return outcome.model;
}

std::string errors_of(const LoadOutcome& outcome) {
  std::string all;
  for (const auto& d : outcome.diagnostics)
    if (d.severity == Severity::Error) all += format_diagnostic(d, false) + "\n";
  return all;
}

}  // namespace

TEST_CASE("what-if: the cluster without changes", "[whatif]") {
  auto m = model_with({});
  CHECK(verdict(*m, "a/web", "b/db", "5432") == Verdict::Allow);
  CHECK(verdict(*m, "a/client", "b/db", "5432") == Verdict::Allow);
  CHECK(verdict(*m, "a/batch", "b/db", "5432") == Verdict::Deny);
  CHECK(verdict(*m, "c/visitor", "b/db", "5432") == Verdict::Deny);
  CHECK(load_with({}).hypothetical.empty());
}

TEST_CASE("what-if --remove flips verdicts both ways", "[whatif]") {
  // allow -> deny: without allow-web, db-ingress still selects db and does not admit web.
  auto without_allow = load_with(WhatIf{{}, {"cnp/b/allow-web"}, {}});
  REQUIRE(without_allow.model);
  CHECK(verdict(*without_allow.model, "a/web", "b/db", "5432") == Verdict::Deny);
  CHECK(verdict(*without_allow.model, "a/client", "b/db", "5432") == Verdict::Allow);
  CHECK(without_allow.hypothetical == std::vector<std::string>{"removed CiliumNetworkPolicy b/allow-web"});

  // deny -> allow: without both policies nothing selects db (default allow).
  auto open = model_with(WhatIf{{}, {"netpol/b/db-ingress", "CiliumNetworkPolicies/b/allow-web"}, {}});
  CHECK(verdict(*open, "a/batch", "b/db", "5432") == Verdict::Allow);
  CHECK(verdict(*open, "c/visitor", "b/db", "5432") == Verdict::Allow);
}

TEST_CASE("what-if --remove of a workload or a namespace removes what it owns", "[whatif]") {
  auto no_web = model_with(WhatIf{{}, {"deploy/a/web"}, {}});
  CHECK_FALSE(query(*no_web, FlowQuery{"a/web", "b/db", "5432", std::nullopt}));
  CHECK(no_web->cluster.workloads.empty());
  CHECK(std::none_of(no_web->cluster.pods.begin(), no_web->cluster.pods.end(), [](const Pod& p) { return p.name == "web"; }));
  CHECK(summarize(*no_web).workloads == 0);

  auto no_a = load_with(WhatIf{{}, {"ns/a"}, {}});
  REQUIRE(no_a.model);
  CHECK(no_a.hypothetical == std::vector<std::string>{"removed Namespace a and the 3 objects in it"});
  CHECK_FALSE(no_a.model->cluster.find_namespace("a"));
  for (const auto& p : no_a.model->cluster.pods) CHECK(p.namespace_ != "a");
  auto kinds = summarize(*no_a.model).objects_by_kind;
  CHECK(std::find(kinds.begin(), kinds.end(), std::pair<std::string, size_t>{"Pod", 2}) != kinds.end());  // visitor, db
  CHECK(std::find(kinds.begin(), kinds.end(), std::pair<std::string, size_t>{"Namespace", 2}) != kinds.end());
  // The pod of another namespace that matched by labels is unaffected.
  CHECK(verdict(*no_a.model, "c/visitor", "b/db", "5432") == Verdict::Deny);
}

TEST_CASE("what-if --remove of an object not in the input names it and the nearest names", "[whatif]") {
  auto typo = load_with(WhatIf{{}, {"netpol/b/db-ingres"}, {}});
  CHECK_FALSE(typo.model);
  CHECK(errors_of(typo) ==
        "error: --remove: \"netpol/b/db-ingres\": no NetworkPolicy b/db-ingres in the input; did you mean "
        "netpol/b/db-ingress?\n");
  // The right name under another kind.
  auto kind = load_with(WhatIf{{}, {"deploy/a/client"}, {}});
  CHECK_THAT(errors_of(kind), Catch::Contains("no Deployment a/client in the input; did you mean po/a/client?"));
  // Nothing near.
  auto far = load_with(WhatIf{{}, {"svc/b/zzz"}, {}});
  CHECK_THAT(errors_of(far), Catch::Contains("no Service b/zzz in the input (it has no Service at all)"));
  // Every change is judged: two errors at once.
  auto two = load_with(WhatIf{{}, {"po/a/nope", "ns/nope"}, {}});
  const std::string both = errors_of(two);
  CHECK(std::count(both.begin(), both.end(), '\n') == 2);
}

TEST_CASE("what-if --set-labels flips verdicts both ways", "[whatif]") {
  // deny -> allow: batch becomes a client (a Pod); web's pods too (a workload's template).
  auto batch = model_with(WhatIf{{}, {}, {{"po/a/batch", "role=client"}}});
  CHECK(verdict(*batch, "a/batch", "b/db", "5432") == Verdict::Allow);
  auto visitor = load_with(WhatIf{{}, {}, {{"ns/c", "team=blue"}}});  // a namespace's labels feed identities
  REQUIRE(visitor.model);
  CHECK(verdict(*visitor.model, "c/visitor", "b/db", "5432") == Verdict::Allow);
  CHECK(visitor.hypothetical == std::vector<std::string>{"relabelled Namespace c: team=blue"});

  // allow -> deny: client loses its role; namespace a loses team=blue.
  auto client = model_with(WhatIf{{}, {}, {{"po/a/client", "role-"}}});
  CHECK(verdict(*client, "a/client", "b/db", "5432") == Verdict::Deny);
  auto red = model_with(WhatIf{{}, {}, {{"namespace/a", "team=red"}}});
  CHECK(verdict(*red, "a/client", "b/db", "5432") == Verdict::Deny);
  // A workload: web's pods no longer carry app=web, which allow-web requires.
  auto web = load_with(WhatIf{{}, {}, {{"deploy/a/web", "app-,tier=front"}}});
  REQUIRE(web.model);
  CHECK(verdict(*web.model, "a/web", "b/db", "5432") == Verdict::Deny);
  CHECK(web.hypothetical == std::vector<std::string>{"relabelled Deployment a/web: -app, tier=front"});
}

TEST_CASE("what-if --set-labels errors", "[whatif]") {
  auto missing = load_with(WhatIf{{}, {}, {{"po/a/client", "tier-"}}});
  CHECK_FALSE(missing.model);
  CHECK_THAT(errors_of(missing), Catch::Contains("Pod a/client has no label tier to remove (its labels: app=client, role=client)"));
  auto policy = load_with(WhatIf{{}, {}, {{"cnp/b/allow-web", "x=y"}}});
  CHECK_THAT(errors_of(policy), Catch::Contains("the labels of a CiliumNetworkPolicy select nothing"));
  auto name_label = load_with(WhatIf{{}, {}, {{"ns/a", "kubernetes.io/metadata.name=b"}}});
  CHECK_THAT(errors_of(name_label), Catch::Contains("kubernetes.io/metadata.name is set by the API server"));
  auto unknown = load_with(WhatIf{{}, {}, {{"po/a/clients", "x=y"}}});
  CHECK_THAT(errors_of(unknown), Catch::Contains("--set-labels: \"po/a/clients\": no Pod a/clients in the input; did you mean po/a/client?"));
}

TEST_CASE("what-if --add: added objects join the input, and replace the input's objects of the same key", "[whatif]") {
  // The added NetworkPolicy b/db-ingress admits role=batch pods instead of role=client ones.
  auto added = load_with(WhatIf{{kData + "netpol.db-ingress.yaml"}, {}, {}});
  REQUIRE(added.model);
  CHECK(added.hypothetical ==
        std::vector<std::string>{"added " + kData + "netpol.db-ingress.yaml (1 object, replacing NetworkPolicy b/db-ingress)"});
  CHECK(added.model->cluster.policies.size() == 2);  // replaced, not a second definition
  CHECK(verdict(*added.model, "a/client", "b/db", "5432") == Verdict::Deny);   // allow -> deny
  // deny -> allow, together with a relabel of a pod from the input.
  auto batch = model_with(WhatIf{{kData + "netpol.db-ingress.yaml"}, {}, {{"po/a/batch", "role=batch"}}});
  CHECK(verdict(*batch, "a/batch", "b/db", "5432") == Verdict::Allow);
  // An added file with errors: reported as any input.
  auto broken = load_with(WhatIf{{kData + "no-such-file.yaml"}, {}, {}});
  CHECK_FALSE(broken.model);
  CHECK_THAT(errors_of(broken), Catch::Contains("no-such-file.yaml: error: no such file or directory"));
}

TEST_CASE("what-if: references and label changes as written", "[whatif]") {
  auto ref = parse_object_ref("CNP/partner-cp/partner-api", "--remove");
  REQUIRE(ref);
  CHECK(ref->key.display() == "CiliumNetworkPolicy partner-cp/partner-api");
  CHECK(parse_object_ref("ccnp/wide", "--remove")->key.display() == "CiliumClusterwideNetworkPolicy wide");
  auto error = [](std::string_view written) {
    auto r = parse_object_ref(written, "--remove");
    REQUIRE_FALSE(r);
    return format_diagnostic(r.errors().front(), false);
  };
  CHECK(error("partner-cp/cnp/partner-api") ==
        "error: --remove: \"partner-cp/cnp/partner-api\": the kind comes first: cnp/partner-cp/partner-api");
  CHECK_THAT(error("cnpp/a/b"), Catch::Contains("unknown kind \"cnpp\"; did you mean cnp?"));
  CHECK_THAT(error("ns/a/b"), Catch::Contains("Namespace is cluster-scoped: write ns/b"));
  CHECK_THAT(error("deploy/web"), Catch::Contains("Deployment is namespaced: write deploy/NAMESPACE/web"));
  CHECK_THAT(error("cm/a/settings"), Catch::Contains("ConfigMap objects cannot change a verdict"));
  CHECK_THAT(error("deploy//web"), Catch::Contains("expected KIND/NAMESPACE/NAME"));

  auto changes = parse_label_changes("team=x,app-,empty=", "--set-labels");
  REQUIRE(changes);
  CHECK(describe(*changes) == "team=x, -app, empty=");
  auto label_error = [](std::string_view written) {
    auto r = parse_label_changes(written, "--set-labels");
    REQUIRE_FALSE(r);
    return format_diagnostic(r.errors().front(), false);
  };
  CHECK_THAT(label_error("team"), Catch::Contains("\"team\" is neither key=value nor key-"));
  CHECK_THAT(label_error("-bad=x"), Catch::Contains("invalid label key \"-bad\""));
  CHECK_THAT(label_error("team=a b"), Catch::Contains("invalid label value \"a b\""));
  CHECK_THAT(label_error("team=a,team-"), Catch::Contains("label team is changed twice"));
  CHECK_THAT(label_error(""), Catch::Contains("expected key=value or key-"));

  WhatIf what_if{{"new.yaml"}, {"cnp/a/b", "bogus"}, {{"deploy/a/web", "app-,tier=front"}}};
  CHECK(!what_if.empty());
  CHECK(WhatIf{}.empty());
  CHECK(what_if.describe() == std::vector<std::string>{"added new.yaml", "removed CiliumNetworkPolicy a/b", "removed bogus",
                                                       "relabelled Deployment a/web: -app, tier=front"});
}

TEST_CASE("what-if: object keys as a cluster keeps them", "[whatif]") {
  auto key = [](const std::string& yaml) -> std::string {
    auto text = std::make_shared<const std::string>(yaml);
    SourceTable sources;
    auto stream = YamlStream::from_text(text, sources.add(SourceFile{"k.yaml", "", text, false}));
    auto doc = stream.next();
    REQUIRE(doc);
    REQUIRE(doc->has_value());
    auto k = object_key((**doc).root);
    return k ? k->display() : "none";
  };
  // A namespaced object without a namespace is in `default`, as the builder places it.
  CHECK(key("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p}\n") == "CiliumNetworkPolicy default/p");
  CHECK(key("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: a}\n") == "Deployment a/w");
  // Cluster-scoped kinds have no namespace, whatever is written.
  CHECK(key("apiVersion: v1\nkind: Namespace\nmetadata: {name: a, namespace: x}\n") == "Namespace a");
  CHECK(key("apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: w}\n") ==
        "CiliumClusterwideNetworkPolicy w");
  // No key: a kind netreach does not read, one its group does not serve, no name.
  CHECK(key("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n") == "none");
  CHECK(key("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: c}\n") == "none");
  CHECK(key("apiVersion: cilium.io/v1\nkind: CiliumNetworkPolicy\nmetadata: {name: c}\n") == "none");
  CHECK(key("apiVersion: v1\nkind: Pod\nmetadata: {generateName: p-}\n") == "none");

  // Removing by that key.
  auto outcome = load_texts({{"keys.yaml", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p}\n"
                                           "spec: {endpointSelector: {}, ingress: [{}]}\n"}},
                            Options{}, WhatIf{{}, {"cnp/default/p"}, {}});
  CHECK(outcome.model);
  CHECK(outcome.hypothetical == std::vector<std::string>{"removed CiliumNetworkPolicy default/p"});
}

TEST_CASE("load_texts: in-memory inputs are read as files of that name", "[whatif][load]") {
  auto ok = load_texts({{"one.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"},
                        {"two.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec: {containers: []}\n"}},
                       Options{});
  REQUIRE(ok.model);
  CHECK(summarize(*ok.model).pods == 1);
  auto bad = load_texts({{"inline.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n- not an object\n"}}, Options{});
  CHECK_FALSE(bad.model);
  REQUIRE(bad.diagnostics.size() == 1);
  CHECK(format_diagnostic(bad.diagnostics[0], false) == "inline.yaml:5:1: error: document 2 is a sequence, expected a Kubernetes object");
  // The text is kept for quoting the offending line.
  CHECK_THAT(format_diagnostic(bad.diagnostics[0], true), Catch::Contains("- not an object"));
}
