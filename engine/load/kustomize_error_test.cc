#include "load/kustomize_error.h"

#include <catch2/catch.hpp>

using namespace netreach;

// What kubectl kustomize (klog) and kustomize print for a missing resource and a missing patch.
const char* const kMissingResource =
    "E1202 03:20:03.779714   27974 run.go:72] \"command failed\" err=\"accumulating resources: accumulation "
    "err='accumulating resources from 'does-not-exist.yaml': evalsymlink failure on '/repo/k/does-not-exist.yaml' : "
    "lstat /repo/k/does-not-exist.yaml: no such file or directory': must build at directory: not a valid directory\"";
const char* const kMissingPatch =
    "E1202 03:20:03.973356   27981 run.go:72] \"command failed\" err=<\n\ttrouble configuring builtin PatchTransformer "
    "with config: `\n\tpath: nothere.yaml\n\t`: failed to get the patch file from path(nothere.yaml): evalsymlink "
    "failure on '/repo/k/nothere.yaml' : lstat /repo/k/nothere.yaml: no such file or directory\n >";

TEST_CASE("kustomize errors: klog's header and wrapping are removed", "[load][kustomize-error]") {
  CHECK(clean_kustomize_stderr(kMissingResource).starts_with("accumulating resources: accumulation err='accumulating resources from"));
  CHECK(clean_kustomize_stderr(kMissingPatch).starts_with("trouble configuring builtin PatchTransformer with config: ` path: nothere.yaml `"));
  CHECK(clean_kustomize_stderr("Error: json: unknown field \"resourcs\"\n") == "json: unknown field \"resourcs\"");
  CHECK(clean_kustomize_stderr("plain text\n") == "plain text");
}

TEST_CASE("kustomize errors: the failing entry and the kustomization line naming it", "[load][kustomize-error]") {
  CHECK(failing_entry(kMissingResource, "/repo/k") == "does-not-exist.yaml");
  CHECK(failing_entry(kMissingPatch, "/repo/k") == "nothere.yaml");
  CHECK(failing_entry("lstat /repo/k/sub/x.yaml: no such file or directory", "/repo/k/") == "sub/x.yaml");
  CHECK_FALSE(failing_entry("json: unknown field", "/repo/k"));

  const char* kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ns.yaml\n"
                              "- \"does-not-exist.yaml\"\npatches:\n  - path: nothere.yaml\n";
  CHECK(line_naming(kustomization, "does-not-exist.yaml") == 5);
  CHECK(line_naming(kustomization, "nothere.yaml") == 7);
  CHECK(line_naming(kustomization, "ns.yaml") == 4);
  CHECK(line_naming(kustomization, "other.yaml") == 0);
}
