#include <catch2/catch.hpp>

#include "load/gitops_repository.h"

using namespace netreach;

TEST_CASE("repository URLs: one form for https, scp-like and ssh URLs", "[load][gitops]") {
  CHECK(normalise_repo_url("https://github.com/Example/Fleet.git") == "github.com/example/fleet");
  CHECK(normalise_repo_url("git@github.com:example/fleet") == "github.com/example/fleet");
  CHECK(normalise_repo_url("ssh://git@github.com/example/fleet/") == "github.com/example/fleet");
  CHECK(normalise_repo_url("ssh://git@gitea.lan:2222/ops/fleet.git") == "gitea.lan/ops/fleet");
  CHECK(normalise_repo_url("https://gitlab.example.org/group/sub/repo") == "gitlab.example.org/group/sub/repo");
}

TEST_CASE("exclusion (--exclude): globs match a path or one of its parents", "[load][gitops]") {
  CHECK(is_excluded({"infrastructure/crds"}, {"infrastructure/*"}));
  CHECK(is_excluded({"./infrastructure/crds/kustomization.yaml"}, {"infrastructure/crds"}));
  CHECK(is_excluded({"repo/apps/staging", "apps/staging"}, {"apps/staging/"}));
  CHECK(is_excluded({"apps/a/b"}, {"*/b"}));
  CHECK_FALSE(is_excluded({"apps/prod"}, {"apps/staging"}));
  CHECK_FALSE(is_excluded({"apps/prod"}, {}));
}

TEST_CASE("paths inside a repository root, lexically and through what exists", "[load][gitops]") {
  CHECK(is_inside("/srv/repo/apps/../shared", "/srv/repo"));
  CHECK_FALSE(is_inside("/srv/repo/../secret.yaml", "/srv/repo"));
  CHECK_FALSE(is_inside("/srv/repository", "/srv/repo"));
  CHECK(is_inside("/srv/repo", "/srv/repo"));
}
