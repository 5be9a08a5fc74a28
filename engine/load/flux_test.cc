// What netreach reads of a Flux Kustomization, and the kustomization it writes
// to build one as kustomize-controller does (fluxcd/pkg
// kustomize/kustomize_generator.go).
#include <catch2/catch.hpp>

#include <memory>

#include "load/flux.h"
#include "load/yaml_stream.h"

using namespace netreach;

namespace {

YamlNode parse(const std::string& text) {
  static SourceTable table;
  const SourceFile* file = table.add(SourceFile{"ks.yaml", "", std::make_shared<const std::string>(text), false});
  YamlStream stream = YamlStream::from_text(file->text, file);
  auto doc = stream.next();
  REQUIRE(doc);
  REQUIRE(*doc);
  return std::move((*doc)->root);
}

}  // namespace

TEST_CASE("Flux Kustomization: the fields kustomize-controller applies", "[load][flux]") {
  YamlNode object = parse(R"(apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps/prod
  sourceRef: {kind: GitRepository, name: flux-system}
  targetNamespace: shop
  namePrefix: p-
  components: [../../components/x]
  patches:
  - target: {kind: Deployment}
    patch: |
      - op: add
        path: /spec/replicas
        value: 2
  images: [{name: nginx, newTag: "1.27"}]
  postBuild:
    substitute: {A: "x\n"}
    substituteFrom: [{kind: ConfigMap, name: vars}, {kind: Secret, name: s, optional: true}]
)");
  REQUIRE(is_flux_kustomization(object));
  auto k = parse_flux_kustomization(object);
  REQUIRE(k);
  CHECK(k->display() == "Flux Kustomization flux-system/apps");
  CHECK(k->path == "./apps/prod");
  CHECK(k->source_kind == "GitRepository");
  CHECK(k->source_namespace == "flux-system");  // defaults to the Kustomization's
  CHECK(k->components == std::vector<std::string>{"../../components/x"});
  CHECK(k->substitute.at("A") == "x");  // newlines dropped, as kustomize_varsub.go does
  REQUIRE(k->substitute_from.size() == 2);
  CHECK(k->substitute_from[1].optional);

  std::string text = flux_wrapper_kustomization(*k, {"../repo/apps/prod"}, {"../repo/components/x"});
  CHECK(text == "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                "resources:\n- \"../repo/apps/prod\"\ncomponents:\n- \"../repo/components/x\"\n"
                "namespace: \"shop\"\nnamePrefix: \"p-\"\n"
                "patches: [{\"target\":{\"kind\":\"Deployment\"},\"patch\":\"- op: add\\n  path: /spec/replicas\\n  value: 2\\n\"}]\n"
                "images: [{\"name\":\"nginx\",\"newTag\":\"1.27\"}]\n");
}

TEST_CASE("Flux Kustomization: defaults and type errors", "[load][flux]") {
  auto k = parse_flux_kustomization(parse("apiVersion: kustomize.toolkit.fluxcd.io/v1beta2\nkind: Kustomization\n"
                                          "metadata: {name: all}\nspec: {sourceRef: {kind: GitRepository, name: r}}\n"));
  REQUIRE(k);
  CHECK(k->path == "./");
  CHECK_FALSE(k->post_build);

  auto bad = parse_flux_kustomization(parse("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
                                            "metadata: {name: x}\nspec:\n  path: [a]\n  postBuild:\n"
                                            "    substitute: {bad-name: v}\n"));
  REQUIRE_FALSE(bad);
  REQUIRE(bad.errors().size() == 2);
  CHECK(bad.errors()[0].field_path == "spec.path");
  CHECK(bad.errors()[1].message.find("not a valid variable name") != std::string::npos);

  CHECK_FALSE(is_flux_kustomization(parse("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")));
}
