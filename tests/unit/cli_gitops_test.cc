// GitOps repositories through the real binary and a real `kubectl kustomize`:
// the Flux and Argo CD fixtures (tests/data/gitops/) load and pass their
// expectations, and what goes wrong in a repository is reported as the README
// ("GitOps repositories: Flux and Argo CD") says. Each test needs kubectl (one
// also git); without it the test is reported as skipped.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_support.h"
#include "outside_programs.h"

using netreach::testing::CliRun;
using netreach::testing::run_netreach;
using netreach::testing::run_shell;
namespace fs = std::filesystem;

namespace {

const std::string kFlux = "tests/data/gitops/flux";
const std::string kArgo = "tests/data/gitops/argocd";

// The tests carry the [kubectl] tag (tests/unit/outside_programs.h): CTest
// reports them as skipped without kubectl. Run directly, this says why the
// test stops.
#define REQUIRE_PROGRAM(program)                                                       \
  do {                                                                                 \
    if (!netreach::testing::have_program(program)) {                                   \
      netreach::testing::skip_test(std::string(program) + " is not installed");        \
      return;                                                                          \
    }                                                                                  \
  } while (0)

std::string describe(const CliRun& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "\n--- stderr\n" + r.err;
}

// A copy of a fixture in a temporary directory, to edit (the fixtures hold
// no .git: a test that needs one runs `git init` in its copy).
class RepoCopy {
 public:
  explicit RepoCopy(const std::string& fixture) {
    std::string pattern = (fs::temp_directory_path() / "netreach-gitops-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    root_ = pattern;
    fs::copy(fs::path(NETREACH_SOURCE_DIR) / fixture, root_ / "repo", fs::copy_options::recursive);
  }
  ~RepoCopy() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string path(const std::string& rel = "") const {
    return rel.empty() ? (root_ / "repo").string() : (root_ / "repo" / rel).string();
  }
  std::string outside(const std::string& rel) const { return (root_ / rel).string(); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories(fs::path(path(rel)).parent_path());
    std::ofstream(path(rel), std::ios::binary) << text;
  }
  std::string read(const std::string& rel) const {
    std::ifstream in(path(rel));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void replace(const std::string& rel, const std::string& from, const std::string& to) const {
    std::string text = read(rel);
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    write(rel, text);
  }

 private:
  fs::path root_;
};

}  // namespace

TEST_CASE("GitOps: the Flux fixture loads as Flux applies it and passes its expectations", "[cli][gitops][kubectl]") {
  REQUIRE_PROGRAM("kubectl");
  CliRun summary = run_netreach({"summary", "-f", kFlux + "/clusters/prod", "--repo-root", kFlux});
  INFO(describe(summary));
  REQUIRE(summary.exit_code == 0);
  // spec.targetNamespace, nameSuffix, the component, the `../` file.
  CHECK_THAT(summary.out, Catch::Contains("namespaces: 2"));
  // The Kustomization of another repository is reported, not built.
  CHECK_THAT(summary.err, Catch::Contains("Flux Kustomization flux-system/podinfo deploys ./kustomize from "
                                          "GitRepository flux-system/podinfo (github.com/stefanprodan/podinfo)"));
  CliRun check = run_netreach({"check", "-f", kFlux + "/clusters/prod", "--repo-root", kFlux, "-e",
                               kFlux + "/expectations.yaml"});
  INFO(describe(check));
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.out, Catch::Contains("5 passed"));
}

TEST_CASE("GitOps: the whole Flux repository, its root found by .git, reads what Flux reaches", "[cli][gitops][kubectl]") {
  REQUIRE_PROGRAM("kubectl");
  REQUIRE_PROGRAM("git");
  RepoCopy repo(kFlux);
  REQUIRE(run_shell("git init -q " + repo.path()).exit_code == 0);
  repo.write("docs/example-patch.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n");
  CliRun check = run_netreach({"check", "-f", repo.path(), "-e", repo.path("expectations.yaml")});
  INFO(describe(check));
  CHECK(check.exit_code == 0);
  // A file no Kustomization reaches is not applied by Flux, and said so.
  CHECK_THAT(check.err, Catch::Contains("reached by no Flux Kustomization or Argo CD Application"));
  CHECK_THAT(check.err, Catch::Contains("docs/example-patch.yaml"));
}

TEST_CASE("GitOps: the Argo CD app of apps loads and passes its expectations", "[cli][gitops][kubectl]") {
  REQUIRE_PROGRAM("kubectl");
  CliRun check = run_netreach({"check", "-f", kArgo, "--repo-root", kArgo, "-e", kArgo + "/expectations.yaml"});
  INFO(describe(check));
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.out, Catch::Contains("3 passed"));
  CHECK_THAT(check.err, Catch::Contains("Argo CD Application argocd/redis deploys the Helm chart redis"));
  CHECK_THAT(check.err, Catch::Contains("unused/old-deployment.yaml"));
  CliRun summary = run_netreach({"summary", "-f", kArgo + "/bootstrap", "--repo-root", kArgo, "-o", "json"});
  INFO(describe(summary));
  CHECK(summary.exit_code == 0);
  CHECK_THAT(summary.out, Catch::Contains("\"workloads\": 2"));
}

TEST_CASE("GitOps: an unresolved variable is an error naming it, its file and the Kustomization", "[cli][gitops][kubectl]") {
  REQUIRE_PROGRAM("kubectl");
  RepoCopy repo(kFlux);
  repo.replace("clusters/prod/cluster-vars.yaml", "  API_PORT: \"8080\"\n", "");
  auto run = [&](std::string command, std::vector<std::string> more) {
    std::vector<std::string> args{command, "-f", repo.path("clusters/prod"), "--repo-root", repo.path()};
    args.insert(args.end(), more.begin(), more.end());
    return run_netreach(args);
  };
  CliRun r = run("summary", {});
  INFO(describe(r));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("apps/base/api/deployment.yaml:21:26: error: variable ${API_PORT} has no value: "
                                    "Flux Kustomization flux-system/apps"));
  CHECK_THAT(r.err, Catch::Contains("--var API_PORT=VALUE"));

  CliRun given = run("check", {"--var", "API_PORT=8080", "-e", repo.path("expectations.yaml")});
  INFO(describe(given));
  CHECK(given.exit_code == 0);
  repo.write("vars.env", "# values kept in a sealed Secret\nAPI_PORT=8080\n");
  CliRun from_file = run("check", {"--vars-file", repo.path("vars.env"), "-e", repo.path("expectations.yaml")});
  INFO(describe(from_file));
  CHECK(from_file.exit_code == 0);
  CliRun bad = run("summary", {"--var", "API-PORT"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("expected NAME=VALUE"));
}

TEST_CASE("GitOps: --lenient leaves an unresolved variable as written, once, and loads the rest", "[cli][gitops][kubectl]") {
  REQUIRE_PROGRAM("kubectl");
  RepoCopy repo(kFlux);
  repo.replace("clusters/prod/apps.yaml", "      FRONTEND_TIER: frontend\n", "");
  const std::vector<std::string> args{"summary", "-f", repo.path("clusters/prod"), "--repo-root", repo.path()};
  CliRun strict = run_netreach(args);
  CHECK(strict.exit_code == 2);
  CHECK_THAT(strict.err, Catch::Contains("apps/base/api/cnp.yaml:16:15: error: variable ${FRONTEND_TIER} has no value"));

  auto lenient_args = args;
  lenient_args.push_back("--lenient");
  CliRun lenient = run_netreach(lenient_args);
  INFO(describe(lenient));
  CHECK(lenient.exit_code == 0);
  CHECK_THAT(lenient.err, Catch::Contains("(left as written, --lenient)"));
  size_t warnings = 0;
  for (size_t at = 0; (at = lenient.err.find("variable ${FRONTEND_TIER} has no value", at)) != std::string::npos; ++at)
    ++warnings;
  CHECK(warnings == 1);
  // The policy holding it is invalid now: ignored with a warning, like any.
  CHECK_THAT(lenient.err, Catch::Contains("invalid label value \"${FRONTEND_TIER}\""));
  CHECK_THAT(lenient.out, Catch::Contains("workloads: 3"));
}

TEST_CASE("GitOps: a root that cannot be built names the root; --exclude and --lenient skip it", "[cli][gitops][kubectl]") {
  REQUIRE_PROGRAM("kubectl");
  RepoCopy repo(kFlux);
  repo.replace("infrastructure/prod/kustomization.yaml", "- ../base\n",
               "- ../base\n- https://github.com/prometheus-operator/prometheus-operator//example?ref=v0.75.0\n");
  const std::vector<std::string> base{"summary", "-f", repo.path("clusters/prod"), "--repo-root", repo.path()};
  CliRun r = run_netreach(base);
  INFO(describe(r));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("infrastructure/prod/kustomization.yaml:5"));
  CHECK_THAT(r.err, Catch::Contains("remote resource"));
  CHECK_THAT(r.err, Catch::Contains("(root " + repo.path("infrastructure/prod") + ", built for Flux Kustomization flux-system/infrastructure"));

  auto plus = [&](std::vector<std::string> more) {
    auto args = base;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  CliRun excluded = run_netreach(plus({"--exclude", "infrastructure/*"}));
  INFO(describe(excluded));
  CHECK(excluded.exit_code == 0);
  CHECK_THAT(excluded.err, Catch::Contains("not built: excluded by --exclude"));
  CHECK_THAT(excluded.out, Catch::Contains("workloads: 2"));

  CliRun lenient = run_netreach(plus({"--lenient"}));
  INFO(describe(lenient));
  CHECK(lenient.exit_code == 0);
  CHECK_THAT(lenient.err, Catch::Contains("skipped root " + repo.path("infrastructure/prod") +
                                          ", built for Flux Kustomization flux-system/infrastructure (4 objects in 3 files not loaded"));
  CHECK_THAT(lenient.out, Catch::Contains("workloads: 2"));
}

TEST_CASE("GitOps: Flux reads files anywhere in the repository, nothing outside it", "[cli][gitops][kubectl]") {
  REQUIRE_PROGRAM("kubectl");
  RepoCopy repo(kFlux);
  // The fixture's apps/prod reads ../../shared/namespace-shop.yaml: kustomize's
  // default load restrictor refuses that, Flux's build does not.
  CliRun plain = run_netreach({"summary", "-f", repo.path("apps/prod")});
  CHECK(plain.exit_code == 2);
  CHECK_THAT(plain.err, Catch::Contains("not in or below"));

  std::ofstream(repo.outside("secret.yaml")) << "apiVersion: v1\nkind: Namespace\nmetadata: {name: outside}\n";
  repo.replace("apps/prod/kustomization.yaml", "- ../../shared/namespace-shop.yaml\n",
               "- ../../shared/namespace-shop.yaml\n- ../../../secret.yaml\n");
  CliRun r = run_netreach({"summary", "-f", repo.path("clusters/prod"), "--repo-root", repo.path()});
  INFO(describe(r));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("apps/prod/kustomization.yaml:9"));
  CHECK_THAT(r.err, Catch::Contains("outside the repository root"));

  // spec.path itself outside the repository.
  RepoCopy other(kFlux);
  other.replace("clusters/prod/infrastructure.yaml", "path: ./infrastructure/prod", "path: ../elsewhere");
  CliRun path = run_netreach({"summary", "-f", other.path("clusters/prod"), "--repo-root", other.path()});
  INFO(describe(path));
  CHECK(path.exit_code == 2);
  CHECK_THAT(path.err, Catch::Contains("clusters/prod/infrastructure.yaml:"));
  CHECK_THAT(path.err, Catch::Contains("path \"../elsewhere\" resolves to"));
}

TEST_CASE("GitOps: a Helm chart directory says to render it", "[cli][gitops][kubectl]") {
  REQUIRE_PROGRAM("kubectl");
  RepoCopy repo(kFlux);
  repo.write("infrastructure/prod/Chart.yaml", "apiVersion: v2\nname: monitoring\nversion: 0.1.0\n");
  CliRun r = run_netreach({"summary", "-f", repo.path("clusters/prod"), "--repo-root", repo.path()});
  INFO(describe(r));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("is a Helm chart (Chart.yaml)"));
  CHECK_THAT(r.err, Catch::Contains("helm template NAME"));
}

// Objects made invalid by a variable left as written are rejected objects like
// any (a Deployment's containerPort, replicas or pod label; a Service port):
// errors naming file:line, the field and the variable; with --lenient each is
// a warning, the object is ignored and counted, and the rest of the tree loads.
TEST_CASE("GitOps: --lenient ignores workloads and services made invalid by an unresolved variable, and loads the rest",
          "[cli][gitops][kubectl][lenient]") {
  REQUIRE_PROGRAM("kubectl");
  RepoCopy repo(kFlux);
  repo.replace("clusters/prod/cluster-vars.yaml", "  API_PORT: \"8080\"\n", "");
  repo.replace("apps/base/web/deployment.yaml", "\nspec:\n", "\nspec:\n  replicas: ${WEB_REPLICAS}\n");
  repo.replace("apps/base/api/kustomization.yaml", "- scripts.yaml\n", "- scripts.yaml\n- service.yaml\n");
  repo.write("apps/base/api/service.yaml",
             "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  labels:\n    team: ${TEAM}\nspec:\n"
             "  selector:\n    app: api\n  ports:\n  - port: ${API_PORT}\n");
  const std::vector<std::string> args{"summary", "-f", repo.path("clusters/prod"), "--repo-root", repo.path()};
  CliRun strict = run_netreach(args);
  INFO(describe(strict));
  CHECK(strict.exit_code == 2);
  CHECK_THAT(strict.err, Catch::Contains("apps/base/api/deployment.yaml:21:26: error: "
                                         "spec.template.spec.containers[0].ports[0].containerPort: Deployment: port must be "
                                         "an integer from 0 to 65535, found \"${API_PORT}\" (it holds ${API_PORT}"));
  CHECK_THAT(strict.err, Catch::Contains("apps/base/web/deployment.yaml:6:13: error: spec.replicas: Deployment: spec.replicas "
                                         "must be a non-negative integer, found \"${WEB_REPLICAS}\""));
  CHECK_THAT(strict.err, Catch::Contains("apps/base/api/service.yaml:6:11: error: metadata.labels.team: Service: invalid label "
                                         "value \"${TEAM}\""));
  CHECK_THAT(strict.err, Catch::Contains("apps/base/api/service.yaml:11:11: error: spec.ports[0].port: Service: port must be"));

  auto lenient_args = args;
  lenient_args.push_back("--lenient");
  CliRun lenient = run_netreach(lenient_args);
  INFO(describe(lenient));
  CHECK(lenient.exit_code == 0);
  for (const char* variable : {"API_PORT", "WEB_REPLICAS", "TEAM"}) {
    INFO(variable);
    const std::string warning = std::string("variable ${") + variable + "} has no value";
    size_t warnings = 0;
    for (size_t at = 0; (at = lenient.err.find(warning, at)) != std::string::npos; ++at) ++warnings;
    CHECK(warnings == 1);  // one per variable, however many places hold it
  }
  CHECK_THAT(lenient.err, Catch::Contains("apps/base/api/deployment.yaml:21:26: warning: "
                                          "spec.template.spec.containers[0].ports[0].containerPort: Deployment: port must be"));
  CHECK_THAT(lenient.err, Catch::Contains("apps/base/web/deployment.yaml:6:13: warning: spec.replicas:"));
  CHECK_THAT(lenient.err, Catch::Contains("apps/base/api/service.yaml:11:11: warning: spec.ports[0].port:"));
  CHECK_THAT(lenient.err, Catch::Contains("the API server rejects the object: ignored (--lenient)"));
  CHECK_THAT(lenient.err, !Catch::Contains("error:"));
  // api and web are rejected; the infrastructure's workload and every policy load.
  CHECK_THAT(lenient.out, Catch::Contains("workloads: 1\n"));
  CHECK_THAT(lenient.out, Catch::Contains("services: 0\n"));
  CHECK_THAT(lenient.out, Catch::Contains("policies: 4 CiliumNetworkPolicy"));
  CHECK_THAT(lenient.out, Catch::Contains("apps/v1 Deployment (rejected) x2"));
  CHECK_THAT(lenient.out, Catch::Contains("v1 Service (rejected) x1"));
}
