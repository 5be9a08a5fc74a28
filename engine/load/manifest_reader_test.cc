#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "load/manifest_reader.h"

using namespace netreach;
namespace fs = std::filesystem;

namespace {

// Paths are relative to the repository root, the tests' working directory.
const std::string kData = "tests/data/load";

struct Seen {
  std::string kind, name, ns;
  const SourceFile* file;
  uint32_t document_index;
  YamlNode node;
};

struct Run {
  SourceTable sources;
  std::vector<Seen> seen;
  std::optional<Result<Diagnostics>> result;

  bool ok() const { return result->ok(); }
  const Diagnostic& error() const { return result->errors().front(); }
  std::string error_text() const { return format_diagnostic(error(), false); }
  size_t count(const std::string& kind, const std::string& name) const {
    size_t n = 0;
    for (const auto& s : seen) n += s.kind == kind && s.name == name;
    return n;
  }
  const Seen* find(const std::string& kind, const std::string& name) const {
    for (const auto& s : seen)
      if (s.kind == kind && s.name == name) return &s;
    return nullptr;
  }
};

std::string text_at(const YamlNode& node, std::string_view key) {
  const YamlNode* n = node.find(key);
  return n && n->is_scalar() ? n->text() : "";
}

std::unique_ptr<Run> read(const std::vector<std::string>& paths, ReadOptions options = {}) {
  auto run = std::make_unique<Run>();
  run->result = read_manifests(paths, run->sources, options, [&](const ManifestObject& object) {
    const YamlNode* metadata = object.node->find("metadata");
    run->seen.push_back({text_at(*object.node, "kind"),
                         metadata ? text_at(*metadata, "name") : "",
                         metadata ? text_at(*metadata, "namespace") : "", object.file,
                         object.document_index, *object.node});
  });
  return run;
}

// A scratch directory under the system temp directory, removed afterwards.
class TempTree {
 public:
  TempTree() {
    std::string pattern = (fs::temp_directory_path() / "netreach-reader-XXXXXX").string();
    root_ = ::mkdtemp(pattern.data());
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string path(const std::string& rel = "") const {
    return rel.empty() ? root_.string() : (root_ / rel).string();
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }

 private:
  fs::path root_;
};

std::string ns(const std::string& name) {
  return std::string("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ") + name + "\n";
}

// Walks "a.b[0].c" style paths for assertions.
const YamlNode* at(const YamlNode& root, const std::vector<std::string>& path) {
  const YamlNode* n = &root;
  for (const auto& step : path) {
    if (!n) return nullptr;
    if (n->is_sequence()) {
      size_t i = std::stoul(step);
      n = i < n->items().size() ? &n->items()[i] : nullptr;
    } else {
      n = n->find(step);
    }
  }
  return n;
}

// Restores an environment variable when the test ends.
class EnvGuard {
 public:
  explicit EnvGuard(const char* name) : name_(name) {
    if (const char* v = std::getenv(name)) old_ = v;
  }
  ~EnvGuard() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("read_manifests: a multi-document file yields every object", "[load]") {
  auto run = read({kData + "/multi.yaml"});
  REQUIRE(run->ok());
  REQUIRE(run->seen.size() == 2);
  CHECK(run->seen[0].kind == "Namespace");
  CHECK(run->seen[1].kind == "CiliumNetworkPolicy");
  CHECK(run->seen[0].document_index < run->seen[1].document_index);
  CHECK(run->seen[1].file->display_name == kData + "/multi.yaml");
  CHECK(run->seen[1].file->rereadable);
  const YamlNode* name = at(run->seen[1].node, {"metadata", "name"});
  REQUIRE(name);
  CHECK(name->pos().line == 11);
  CHECK(name->pos().file == run->seen[1].file);
}

TEST_CASE("read_manifests: a JSON file is a manifest", "[load]") {
  auto run = read({kData + "/objects.json"});
  REQUIRE(run->ok());
  REQUIRE(run->seen.size() == 1);
  CHECK(run->seen[0].kind == "Service");
  CHECK(run->seen[0].ns == "web");
}

TEST_CASE("read_manifests: the items of a kind: List are delivered one by one", "[load]") {
  SECTION("YAML") {
    auto run = read({kData + "/list.yaml"});
    REQUIRE(run->ok());
    REQUIRE(run->seen.size() == 2);
    CHECK(run->seen[0].name == "web-1");
    CHECK(run->seen[1].name == "web-2");
    CHECK(run->seen[1].document_index == 0);
    const YamlNode* name = at(run->seen[1].node, {"metadata", "name"});
    REQUIRE(name);
    CHECK(name->pos().line == 13);
  }
  SECTION("JSON") {
    auto run = read({kData + "/list.json"});
    REQUIRE(run->ok());
    REQUIRE(run->seen.size() == 2);
    CHECK(run->seen[0].kind == "Namespace");
    CHECK(run->seen[1].name == "billing");
  }
}

TEST_CASE("read_manifests: documents that are not Kubernetes objects are errors", "[load]") {
  TempTree tree;
  SECTION("a sequence at the top") {
    tree.write("seq.yaml", ns("a") + "---\n- a\n- b\n");
    auto run = read({tree.path("seq.yaml")});
    REQUIRE_FALSE(run->ok());
    CHECK(run->error().message.find("document 2 is a sequence, expected a Kubernetes object") !=
          std::string::npos);
    CHECK(run->error().pos.file->display_name == tree.path("seq.yaml"));
    CHECK(run->error().pos.line == 6);
  }
  SECTION("a mapping without kind") {
    tree.write("nokind.yaml", "apiVersion: v1\nmetadata:\n  name: x\n");
    auto run = read({tree.path("nokind.yaml")});
    REQUIRE_FALSE(run->ok());
    CHECK(run->error().message.find("\"kind\"") != std::string::npos);
    CHECK(run->error().pos.line == 1);
  }
  SECTION("a list item without apiVersion") {
    tree.write("list.yaml", "apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n");
    auto run = read({tree.path("list.yaml")});
    REQUIRE_FALSE(run->ok());
    CHECK(run->error().message.find("items[0]") != std::string::npos);
    CHECK(run->error().message.find("\"apiVersion\"") != std::string::npos);
    CHECK(run->error().pos.line == 4);
  }
}

TEST_CASE("read_manifests: a missing path is an error naming it", "[load]") {
  auto run = read({kData + "/multi.yaml", kData + "/no-such-file.yaml"});
  REQUIRE_FALSE(run->ok());
  CHECK(run->error_text() ==
        kData + "/no-such-file.yaml: error: no such file or directory");
  CHECK(run->seen.size() == 2);  // the first path was read
}

TEST_CASE("read_manifests: a kustomization is built and points back at its originals",
          "[load][kustomize]") {
  const std::string dir = kData + "/gitops/clusters/prod/namespaces/application";
  const std::string original = dir + "/partner-cp/cnp.partner-api.yaml";
  auto run = read({dir});
  REQUIRE(run->ok());
  REQUIRE(run->seen.size() == 2);
  const Seen* cnp = run->find("CiliumNetworkPolicy", "partner-api");
  REQUIRE(cnp);
  CHECK(cnp->ns == "application");  // the namespace transformer ran
  CHECK(cnp->file->display_name == "kustomize build " + dir);
  CHECK(cnp->file->kustomization_dir == dir);
  REQUIRE(cnp->file->text);

  const YamlNode* port =
      at(cnp->node, {"spec", "ingress", "0", "toPorts", "0", "ports", "0", "port"});
  REQUIRE(port);
  REQUIRE(port->pos().file);
  CHECK(port->pos().file->display_name == original);
  CHECK(port->pos().file->rereadable);
  CHECK(port->pos().line == 18);
  std::string formatted =
      format_diagnostic(Diagnostic::error(port->pos(), "spec.ingress[0]", "bad port"));
  CHECK(formatted.find(original + ":18:") == 0);
  CHECK(formatted.find("- port: \"8443\"") != std::string::npos);

  // The key positions follow too.
  const YamlNode* metadata = cnp->node.find("metadata");
  REQUIRE(metadata);
  for (const auto& entry : metadata->entries())
    if (entry.key == "labels") CHECK(entry.key_pos.line == 6);
  // Injected by kustomize: the nearest ancestor's position.
  const YamlNode* injected = metadata->find("namespace");
  REQUIRE(injected);
  CHECK(injected->pos().file->display_name == original);
  CHECK(injected->pos().line == metadata->pos().line);

  const Seen* deny = run->find("CiliumNetworkPolicy", "default-deny");
  REQUIRE(deny);
  const YamlNode* egress = at(deny->node, {"spec", "egress", "0"});
  REQUIRE(egress);
  CHECK(egress->pos().file->display_name ==
        kData + "/gitops/clusters/prod/defaults/cnp.default-deny.yaml");
  CHECK(egress->pos().line == 10);
}

TEST_CASE("read_manifests: a GitOps tree builds shared bases only through overlays",
          "[load][kustomize]") {
  auto run = read({kData + "/gitops"});
  REQUIRE(run->ok());
  // application and billing overlays, plus the loose namespaces file.
  CHECK(run->seen.size() == 5);
  CHECK(run->count("CiliumNetworkPolicy", "default-deny") == 2);
  CHECK(run->count("CiliumNetworkPolicy", "partner-api") == 1);
  CHECK(run->count("Namespace", "application") == 1);
  CHECK(run->count("Namespace", "billing") == 1);
  std::vector<std::string> deny_namespaces;
  for (const auto& s : run->seen)
    if (s.name == "default-deny") deny_namespaces.push_back(s.ns);
  CHECK(deny_namespaces == std::vector<std::string>{"application", "billing"});
  const Seen* loose = run->find("Namespace", "billing");
  REQUIRE(loose);
  CHECK(loose->file->display_name == kData + "/gitops/loose/namespaces.yaml");
  CHECK(run->result->value().empty());
}

TEST_CASE("read_manifests: kustomization directories own their files", "[load][kustomize]") {
  TempTree tree;
  // A base with an overlay: only the overlay is a root, and the unlisted
  // stray.yaml and the files below the base are never read.
  tree.write("app/base/kustomization.yaml", "resources:\n- ns.yaml\n");
  tree.write("app/base/ns.yaml",
             "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: app\n");
  tree.write("app/base/stray.yaml", "not: a kubernetes object\n");
  tree.write("app/base/docs/example.yaml", "not: a kubernetes object\n");
  tree.write("app/overlays/prod/kustomization.yaml",
             "namePrefix: prod-\nresources:\n- ../../base\n");
  tree.write("other/ns.yml", ns("other"));
  tree.write(".git/config.yaml", "not: read\n");
  auto run = read({tree.path()});
  REQUIRE(run->ok());
  REQUIRE(run->seen.size() == 2);
  CHECK(run->seen[0].name == "prod-app");
  CHECK(run->seen[1].name == "other");
  CHECK(run->seen[1].file->display_name == tree.path() + "/other/ns.yml");
  // namePrefix: the original is still found.
  const YamlNode* name = at(run->seen[0].node, {"metadata", "name"});
  REQUIRE(name);
  CHECK(name->pos().file->display_name == tree.path() + "/app/base/ns.yaml");
  CHECK(name->pos().line == 4);
}

TEST_CASE("read_manifests: remote kustomize resources are refused before building",
          "[load][kustomize]") {
  SECTION("a URL") {
    auto run = read({kData + "/remote"});
    REQUIRE_FALSE(run->ok());
    CHECK(run->error().pos.file->display_name == kData + "/remote/kustomization.yaml");
    CHECK(run->error().pos.line == 5);
    CHECK(run->error().message.find("remote resource") != std::string::npos);
    CHECK(run->error().message.find("https://github.com/kubernetes-sigs") != std::string::npos);
  }
  SECTION("a github.com path in a nested base") {
    TempTree tree;
    tree.write("overlay/kustomization.yaml", "resources:\n- ../base\n");
    tree.write("base/kustomization.yaml",
               "resources:\n- ns.yaml\n- github.com/example/repo/deploy?ref=v1\n");
    tree.write("base/ns.yaml", ns("b"));
    auto run = read({tree.path("overlay")});
    REQUIRE_FALSE(run->ok());
    CHECK(run->error().pos.file->display_name == tree.path("base/kustomization.yaml"));
    CHECK(run->error().pos.line == 3);
    CHECK(run->error().message.find("github.com/example/repo") != std::string::npos);
  }
  SECTION("a local directory that looks like a host is not remote") {
    TempTree tree;
    tree.write("k/kustomization.yaml", "resources:\n- github.com/app\n");
    tree.write("k/github.com/app/kustomization.yaml", "resources:\n- ns.yaml\n");
    tree.write("k/github.com/app/ns.yaml", ns("local"));
    auto run = read({tree.path("k")});
    REQUIRE(run->ok());
    CHECK(run->count("Namespace", "local") == 1);
  }
}

TEST_CASE("read_manifests: plugin configs asking for functions are refused", "[load][kustomize]") {
  auto run = read({kData + "/exec-function"});
  REQUIRE_FALSE(run->ok());
  CHECK(run->error().pos.file->display_name == kData + "/exec-function/set-labels.yaml");
  CHECK(run->error().pos.line == 6);
  CHECK(run->error().message.find("config.kubernetes.io/function") != std::string::npos);
}

TEST_CASE("read_manifests: a failing kustomize build carries its stderr", "[load][kustomize]") {
  auto run = read({kData + "/broken"});
  REQUIRE_FALSE(run->ok());
  CHECK(run->error().pos.file->display_name == kData + "/broken/kustomization.yaml");
  CHECK(run->error().message.find("exit status 1") != std::string::npos);
  CHECK(run->error().message.find("does-not-exist.yaml") != std::string::npos);
}

TEST_CASE("read_manifests: without kustomize or kubectl a kustomization is an error",
          "[load]") {
  EnvGuard guard("PATH");
  TempTree empty_bin;
  ::setenv("PATH", empty_bin.path().c_str(), 1);
  auto run = read({kData + "/broken"});
  REQUIRE_FALSE(run->ok());
  CHECK(run->error().message == "cannot build kustomization " + kData +
                                    "/broken: neither kustomize nor kubectl is installed");
  ReadOptions options;
  options.kustomize_program = "kustomize";
  auto explicit_run = read({kData + "/broken"}, options);
  REQUIRE_FALSE(explicit_run->ok());
  CHECK(explicit_run->error().message.find("kustomize is not installed") != std::string::npos);
}

TEST_CASE("read_manifests: a directory symlink loop is an error naming it", "[load][hostile]") {
  TempTree tree;
  tree.write("a/ns.yaml", ns("inside"));
  fs::create_directory_symlink("..", tree.path("a/loop"));
  auto run = read({tree.path()});
  REQUIRE_FALSE(run->ok());
  CHECK(run->error().pos.file->display_name == tree.path("a/loop"));
  CHECK(run->error().message.find("symlink loop") != std::string::npos);
  CHECK(run->count("Namespace", "inside") == 1);  // the rest of the tree is read
}

TEST_CASE("read_manifests: symlinks alias a directory or leave the tree without harm", "[load]") {
  TempTree outside;
  outside.write("secret.yaml", ns("outside"));
  TempTree tree;
  tree.write("a/ns.yaml", ns("inside"));
  fs::create_directory_symlink(tree.path("a"), tree.path("alias"));
  fs::create_symlink(outside.path("secret.yaml"), tree.path("a/secret.yaml"));
  auto run = read({tree.path()});
  REQUIRE(run->ok());
  CHECK(run->count("Namespace", "inside") == 1);
  CHECK(run->count("Namespace", "outside") == 0);
  bool warned = false;
  for (const auto& w : run->result->value())
    warned |= w.message.find("points outside") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("read_manifests: an empty directory is a warning", "[load]") {
  TempTree tree;
  tree.write("notes.txt", "nothing here\n");
  auto run = read({tree.path()});
  REQUIRE(run->ok());
  REQUIRE(run->result->value().size() == 1);
  CHECK(run->result->value()[0].severity == Severity::Warning);
  CHECK(run->result->value()[0].message == "directory contains no manifests");
}

TEST_CASE("read_manifests: an unreadable file is an error naming it", "[load]") {
  if (::geteuid() == 0) return;  // root reads everything
  TempTree tree;
  tree.write("ns.yaml", ns("x"));
  ::chmod(tree.path("ns.yaml").c_str(), 0);
  auto run = read({tree.path()});
  REQUIRE_FALSE(run->ok());
  CHECK(run->error().pos.file->display_name == tree.path("ns.yaml"));
}

// One broken file must not hide the errors of the others: every path, file and
// document is read, and every error is returned.
TEST_CASE("read_manifests: an error does not stop the reading of the next document or file", "[load][trust]") {
  TempTree tree;
  tree.write("stream.yaml", ns("a") + "---\n- not an object\n---\nmetadata: {name: x}\n---\n" + ns("b"));
  auto stream = read({tree.path("stream.yaml")});
  REQUIRE_FALSE(stream->ok());
  CHECK(stream->result->errors().size() == 2);
  CHECK(stream->count("Namespace", "a") == 1);
  CHECK(stream->count("Namespace", "b") == 1);

  const std::string dir = kData + "/trust/broken-repo";
  auto run = read({dir, kData + "/no-such-file.yaml", kData + "/multi.yaml"});
  REQUIRE_FALSE(run->ok());
  // What the files hold besides their errors is still delivered.
  CHECK(run->count("Service", "s") == 1);
  CHECK(run->count("CilumNetworkPolicy", "p") == 1);
  CHECK(run->count("CiliumNetworkPolicy", "q") == 1);
  CHECK(run->count("Pod", "p") == 1);
  CHECK(run->seen.size() == 4 + 2);  // and the paths after the directory
  // Every file the reader cannot take as objects has its error, in reading order.
  std::vector<std::string> files;
  for (const auto& e : run->result->errors()) files.push_back(e.pos.file->display_name);
  CHECK(files == std::vector<std::string>{dir + "/01-no-api-version.yaml", dir + "/02-top-level-array.json",
                                          dir + "/03-syntax-error.yaml", dir + "/06-scalar.yaml",
                                          dir + "/07-no-kind.yaml", dir + "/09-duplicate-key.yaml",
                                          kData + "/no-such-file.yaml"});
}
