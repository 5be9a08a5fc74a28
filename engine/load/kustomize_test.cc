#include <catch2/catch.hpp>

#include "load/kustomize.h"

using namespace netreach;

TEST_CASE("join_display_path: joins as the user wrote it, normalised", "[kustomize]") {
  CHECK(join_display_path("clusters/prod", "namespaces/app") == "clusters/prod/namespaces/app");
  CHECK(join_display_path("clusters/prod/overlays/a", "../../defaults") == "clusters/prod/defaults");
  CHECK(join_display_path("dir/", "x.yaml") == "dir/x.yaml");
  CHECK(join_display_path(".", "x.yaml") == "x.yaml");
  CHECK(join_display_path("../up", "x.yaml") == "../up/x.yaml");
  CHECK(join_display_path("dir", "/abs/x.yaml") == "/abs/x.yaml");
}

// api/internal/git/repospec.go decides what kustomize fetches remotely.
TEST_CASE("is_remote_reference: URLs, git remotes and host-like paths", "[kustomize]") {
  CHECK(is_remote_reference(".", "https://github.com/org/repo//deploy?ref=v1"));
  CHECK(is_remote_reference(".", "http://example.com/x.yaml"));
  CHECK(is_remote_reference(".", "ssh://git@github.com/org/repo"));
  CHECK(is_remote_reference(".", "git@github.com:org/repo.git"));
  CHECK(is_remote_reference(".", "github.com/org/repo/deploy?ref=v1"));
  CHECK(is_remote_reference(".", "gitlab.example.org/team/repo"));
  CHECK_FALSE(is_remote_reference(".", "../base"));
  CHECK_FALSE(is_remote_reference(".", "deploy.yaml"));
  CHECK_FALSE(is_remote_reference(".", "base/deploy.yaml"));
  // An existing local directory named like a host is local.
  CHECK_FALSE(is_remote_reference("tests/data/load", "gitops/clusters"));
}
