#include <catch2/catch.hpp>

#include "model/labels.h"

using namespace netreach;

// pkg/labels/labels.go :: parseSource decides how a selector key splits into
// source and key.
TEST_CASE("SelectorKey: source prefixes", "[labels]") {
  CHECK(SelectorKey::parse("k8s:app") == SelectorKey{"k8s", "app"});
  CHECK(SelectorKey::parse("app") == SelectorKey{"any", "app"});
  CHECK(SelectorKey::parse("app.kubernetes.io/name") == SelectorKey{"any", "app.kubernetes.io/name"});
  CHECK(SelectorKey::parse("reserved:host") == SelectorKey{"reserved", "host"});
  CHECK(SelectorKey::parse("$host") == SelectorKey{"reserved", "host"});
  CHECK(SelectorKey::parse("reserved.host") == SelectorKey{"reserved", "host"});
}

// pkg/labels/array.go :: LabelArray.Has: "any" matches every source, a concrete
// source only itself.
TEST_CASE("LabelSet: any source matches every source, concrete only itself", "[labels]") {
  LabelSet set({{"k8s", "app", "web"}, {"reserved", "host", ""}});
  CHECK(set.has(SelectorKey::parse("app")));
  CHECK(set.has(SelectorKey::parse("k8s:app")));
  CHECK_FALSE(set.has(SelectorKey::parse("container:app")));
  CHECK(set.has(SelectorKey::parse("reserved:host")));
  CHECK_FALSE(set.has(SelectorKey::parse("k8s:host")));
}

// k8s.io/apimachinery/pkg/labels (vendored by Cilium as pkg/k8s/slim/.../labels):
// NotIn and DoesNotExist match an absent key.
TEST_CASE("Requirement: Kubernetes operators, absent keys", "[labels]") {
  LabelSet set({{"k8s", "app", "web"}});
  Requirement in{SelectorKey::parse("app"), SelectorOp::In, {"api", "web"}};
  Requirement notin{SelectorKey::parse("tier"), SelectorOp::NotIn, {"db"}};
  Requirement notin_present{SelectorKey::parse("app"), SelectorOp::NotIn, {"web"}};
  Requirement dne{SelectorKey::parse("tier"), SelectorOp::DoesNotExist, {}};
  Requirement exists{SelectorKey::parse("tier"), SelectorOp::Exists, {}};
  CHECK(in.matches(set));
  CHECK(notin.matches(set));
  CHECK_FALSE(notin_present.matches(set));
  CHECK(dne.matches(set));
  CHECK_FALSE(exists.matches(set));
  CHECK(Selector{}.matches(set));  // {} selects everything
}
