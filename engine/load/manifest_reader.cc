#include "load/manifest_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <atomic>
#include <filesystem>
#include <tuple>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "load/argocd.h"
#include "load/directory_walk.h"
#include "load/flux.h"
#include "load/gitops_repository.h"
#include "load/kustomize.h"
#include "load/position_transplant.h"
#include "model/kinds.h"

namespace netreach {
namespace {

// Every path, file and document is read whatever went wrong before it: one
// broken file must not hide the errors of the others, so that a user fixes a
// repository in one pass. An error skips what it spoils (a document, the rest
// of a stream after a syntax error, a file, a kustomization) and nothing more.
class Reader {
 public:
  Reader(SourceTable& sources, const ReadOptions& options,
         const std::function<void(const ManifestObject&)>& on_object)
      : files_(sources), options_(options), on_object_(on_object) {}

  ~Reader() {
    if (!temp_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(temp_dir_, ec);
    }
  }

  void read_path(const std::string& path) {
    repo_.reset();
    repo_looked_up_ = false;
    input_ = path;
    if (path == "-") {
      const SourceFile* source = files_.table().add(SourceFile{"<stdin>", "", nullptr, false});
      YamlStream stream = YamlStream::from_stdio(stdin, source, options_.yaml_limits);
      read_stream(stream, source, nullptr);
      return build_gitops_roots();
    }
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      int err = errno;
      const SourceFile* source = files_.table().add(SourceFile{path, "", nullptr, false});
      return error(Diagnostic::error(SourcePos{source, 0, 0}, "",
                                     err == ENOENT ? "no such file or directory" : std::string(std::strerror(err))));
    }
    if (S_ISDIR(st.st_mode)) read_directory(path);
    else read_file(path);
    build_gitops_roots();
  }

  void read_text(const ManifestText& input) {
    const SourceFile* source = files_.table().add(SourceFile{input.name, "", input.text, false});
    YamlStream stream = YamlStream::from_text(input.text, source, options_.yaml_limits);
    read_stream(stream, source, nullptr);
    build_gitops_roots();
  }

  Diagnostics take_errors() { return std::move(errors_); }
  Diagnostics take_warnings() { return std::move(warnings_); }

 private:
  void error(Diagnostic d) { errors_.push_back(std::move(d)); }
  void warning(Diagnostic d) { warnings_.push_back(std::move(d)); }
  void report(const Diagnostics& ds) {
    for (const auto& d : ds) (d.severity == Severity::Error ? errors_ : warnings_).push_back(d);
  }
  SourcePos at_file(const std::string& path) { return SourcePos{files_.file(path), 0, 0}; }

  void read_file(const std::string& path) {
    const SourceFile* source = files_.file(path);
    if (::access(path.c_str(), R_OK) != 0)
      return error(Diagnostic::error(SourcePos{source, 0, 0}, "",
                                     fmt::format("cannot read file: {}", std::strerror(errno))));
    auto stream = YamlStream::open_file(path, source, options_.yaml_limits);
    if (!stream) return report(stream.errors());
    read_stream(*stream, source, nullptr);
  }

  // ---- plain directories and kustomizations --------------------------------

  // One kustomize run: prepared (checked, originals indexed) one at a time,
  // run in parallel with the others, then read in order.
  struct Build {
    std::string dir;           // what kustomize builds
    std::string root;          // the root as the user knows it (the directory, or Flux's spec.path)
    std::string built_for;     // "Flux Kustomization ns/name", or ""
    SourcePos at;              // where its errors point
    KustomizeBuildOptions options;
    OriginalIndex originals;
    size_t files = 0;          // files below the root (what is lost if it fails)
    bool one_of_many = true;   // not the one kustomization the user named: --exclude can skip it
    Result<KustomizeBuildOutput> output = Diagnostics{};
    std::function<void(Build&)> on_built;  // reads the output
  };

  std::unique_ptr<Build> prepare_kustomization(const std::string& dir, bool one_of_many = true) {
    auto build = std::make_unique<Build>();
    build->dir = build->root = dir;
    build->one_of_many = one_of_many;
    build->at = at_file(find_kustomization_file(dir));
    // Refuse remote references and functions before kustomize could reach
    // for the network, and collect the originals for position transplant.
    Diagnostics refused = walk_kustomization(dir, files_, options_.yaml_limits, [&](const std::string& file) {
      build->originals.add_file(file, files_, options_.yaml_limits);
      ++build->files;
    });
    if (!refused.empty()) {
      root_failed(*build, refused);
      return nullptr;
    }
    build->options = build_options();
    build->on_built = [this](Build& b) { read_build_output(b, b.output->yaml, nullptr); };
    return build;
  }

  KustomizeBuildOptions build_options() const {
    KustomizeBuildOptions o;
    o.program = options_.kustomize_program;
    o.timeout = options_.kustomize_timeout;
    o.max_output_bytes = options_.yaml_limits.max_stream_bytes;
    return o;
  }

  // Runs the builds, `parallel_builds` at a time, then reads each in order.
  void run_builds(std::vector<std::unique_ptr<Build>>& builds) {
    LoadCounters* counters = options_.counters;
    if (counters) {
      counters->kustomizations_total += builds.size();
      counters->phase = LoadCounters::Phase::BuildingKustomizations;
    }
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i; (i = next++) < builds.size();) {
        builds[i]->output = run_kustomize_build(builds[i]->dir, builds[i]->at, builds[i]->options);
        if (counters) ++counters->kustomizations_built;
      }
    };
    const unsigned threads = std::max(1u, std::min<unsigned>(options_.parallel_builds, builds.size()));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (counters) counters->phase = LoadCounters::Phase::Reading;  // their output, read next
    for (auto& build : builds) {
      if (!build->output) {
        root_failed(*build, build->output.errors());
        continue;
      }
      if (!build->output->warnings.empty())
        warning(Diagnostic::warning(build->at, "",
                                    fmt::format("kustomize build {} reported:\n{}", build->root, build->output->warnings)));
      build->on_built(*build);
    }
  }

  // A root that cannot be built: an error naming it, or with --lenient a
  // warning saying what is lost; the rest of the tree loads either way.
  void root_failed(const Build& build, const Diagnostics& problems) {
    const std::string what = build.built_for.empty() ? "" : fmt::format(", built for {}", build.built_for);
    if (!options_.lenient) {
      for (size_t i = 0; i < problems.size(); ++i) {
        Diagnostic d = problems[i];
        if (i == 0 && d.severity == Severity::Error && build.one_of_many)
          d.message += fmt::format("\n  (root {}{}: skip it with --exclude {}, or load the rest with --lenient)",
                                   build.root, what, build.root);
        report({d});
      }
      return;
    }
    for (const auto& p : problems) {
      Diagnostic d = p;
      d.severity = Severity::Warning;
      if (&p == &problems.front())
        d.message = fmt::format("skipped root {}{} ({} object{} in {} file{} not loaded, --lenient): {}", build.root,
                                what, build.originals.size(), build.originals.size() == 1 ? "" : "s", build.files,
                                build.files == 1 ? "" : "s", d.message);
      warning(std::move(d));
    }
  }

  void read_build_output(Build& build, const std::string& yaml, const SourceFile** out_source) {
    auto text = std::make_shared<const std::string>(yaml);
    std::string name = build.built_for.empty() ? fmt::format("kustomize build {}", build.root)
                                               : fmt::format("kustomize build {} ({})", build.root, build.built_for);
    const SourceFile* source = files_.table().add(SourceFile{name, build.root, text, false});
    if (out_source) *out_source = source;
    YamlStream stream = YamlStream::from_text(text, source, options_.yaml_limits);
    read_stream(stream, source, &build.originals);
  }

  void read_directory(const std::string& dir) {
    if (!find_kustomization_file(dir).empty()) {
      if (excluded(dir)) return note_excluded(dir);
      std::vector<std::unique_ptr<Build>> builds;
      if (auto b = prepare_kustomization(dir, false)) builds.push_back(std::move(b));
      return run_builds(builds);
    }
    Diagnostics planned;
    DirectoryPlan plan = plan_directory(dir, files_, options_.yaml_limits, planned);
    report(planned);
    // In a GitOps repository the tools decide what is applied: a path a Flux
    // Kustomization or an Argo CD Application covers is read only through it
    // (build_gitops_roots), and of the rest only the files holding such
    // objects are read; what none of them reaches is not applied by the tool.
    GitOpsScan scan = scan_gitops_objects(plan);
    auto is_covered = [&](const std::string& path) {
      for (const auto& c : scan.covered)
        if (is_inside(path, c)) return true;
      return false;
    };
    std::vector<std::string> unreached;
    // Files in order; kustomizations built in parallel, read in order.
    std::vector<std::unique_ptr<Build>> builds;
    for (const auto& item : plan.items) {
      if (excluded(item.path)) {
        note_excluded(item.path);
        continue;
      }
      if (scan.found) {
        if (is_covered(item.path)) continue;
        if (!scan.entries.count(item.path)) {
          unreached.push_back(item.path);
          continue;
        }
      }
      if (!item.kustomization) {
        run_builds(builds);
        builds.clear();
        read_file(item.path);
      } else if (auto b = prepare_kustomization(item.path)) {
        builds.push_back(std::move(b));
      }
    }
    run_builds(builds);
    if (!unreached.empty()) {
      constexpr size_t kListed = 5;
      std::string list;
      for (size_t i = 0; i < unreached.size() && i < kListed; ++i) list += (i ? ", " : "") + unreached[i];
      if (unreached.size() > kListed) list += fmt::format(" and {} more", unreached.size() - kListed);
      warning(Diagnostic::warning(
          at_file(dir), "",
          fmt::format("{} path{} below {} {} reached by no Flux Kustomization or Argo CD Application, so the tool "
                      "does not apply {}: not read ({}); give {} with -f to read {}",
                      unreached.size(), unreached.size() == 1 ? "" : "s", dir, unreached.size() == 1 ? "is" : "are",
                      unreached.size() == 1 ? "it" : "them", list, unreached.size() == 1 ? "it" : "them",
                      unreached.size() == 1 ? "it" : "them")));
    }
  }

  bool excluded(const std::string& path) {
    if (options_.exclude.empty()) return false;
    std::vector<std::string> candidates{path};
    if (const Repository* repo = repository())
      if (auto rel = repo_relative(path, *repo); !rel.empty()) candidates.push_back(rel);
    return is_excluded(candidates, options_.exclude);
  }
  void note_excluded(const std::string& path) {
    warning(Diagnostic::warning(at_file(path), "", "not read: excluded by --exclude"));
  }

  // ---- GitOps repositories ----------------------------------------------------

  // The repository the current input belongs to: --repo-root, else the
  // nearest directory above it holding .git; null when there is none.
  const Repository* repository() {
    if (!repo_looked_up_) {
      repo_looked_up_ = true;
      std::string root = options_.repo_root;
      if (root.empty() && input_ != "-") root = find_repository_root(input_);
      if (!root.empty()) repo_ = open_repository(root);
    }
    return repo_ ? &*repo_ : nullptr;
  }

  struct PendingRoot {
    std::optional<FluxKustomization> flux;
    std::optional<ArgoApplication> argo;
    std::string display() const { return flux ? flux->display() : argo->display(); }
    SourcePos pos() const { return flux ? flux->pos : argo->pos; }
    // The object and what it deploys: met again (flux-system reads itself),
    // it is not built twice; two clusters' Kustomizations of the same name
    // deploying different paths both are.
    std::string key() const {
      std::string k = display();
      if (flux)
        for (const auto* s : {&flux->path, &flux->target_namespace, &flux->name_prefix, &flux->name_suffix,
                              &flux->patches_json, &flux->images_json})
          k += "\n" + *s;
      if (argo) {
        k += "\n" + argo->destination_namespace;
        for (const auto& s : argo->sources) k += "\n" + s.repo_url + " " + s.path + " " + s.chart;
      }
      return k;
    }
    // The object by name and the path it deploys: how the copy of an object
    // read as written is recognised once a build has delivered it.
    std::string reach_key() const {
      std::string k = display();
      if (flux) k += "\n" + flux->path;
      if (argo)
        for (const auto& s : argo->sources) k += "\n" + s.path;
      return k;
    }
  };

  // Reads the Flux Kustomizations and Argo CD Applications of a directory's
  // files (without building anything) and returns the directories they cover.
  // They are kept: one that nothing else reaches (flux-system, which covers
  // the directory holding itself) is built from here.
  struct GitOpsScan {
    bool found = false;                 // some Flux Kustomization or Argo CD Application
    std::vector<std::string> covered;   // the directories they deploy
    std::set<std::string> entries;      // the plan items holding them
  };

  GitOpsScan scan_gitops_objects(const DirectoryPlan& plan) {
    std::vector<std::pair<std::string, std::string>> files;  // file, plan item
    for (const auto& item : plan.items) {
      if (excluded(item.path)) continue;
      if (!item.kustomization) files.push_back({item.path, item.path});
      else
        walk_kustomization(item.path, files_, options_.yaml_limits,
                           [&](const std::string& f) { files.push_back({f, item.path}); });
    }
    GitOpsScan scan;
    auto& covered = scan.covered;
    const Repository* repo = nullptr;
    for (const auto& [file, item] : files) {
      if (!mentions_gitops_kind(file)) continue;
      auto stream = YamlStream::open_file(file, files_.file(file), options_.yaml_limits);
      if (!stream) continue;  // reported when the file is read
      for (;;) {
        auto doc = stream->next();
        if (!doc || !*doc) break;
        const YamlNode& root = (*doc)->root;
        if (!root.is_mapping()) continue;
        PendingRoot pending;
        std::vector<std::string> paths;
        if (is_flux_kustomization(root)) {
          auto k = parse_flux_kustomization(root);
          if (!k) continue;
          paths.push_back(k->path);
          pending.flux = std::move(*k);
        } else if (is_argo_application(root)) {
          auto app = parse_argo_application(root);
          if (!app) continue;
          for (const auto& s : app->sources)
            if (!s.path.empty()) paths.push_back(s.path);
          pending.argo = std::move(*app);
        } else {
          continue;
        }
        // Without a repository nothing is built (the warning comes when
        // the object is read): the directory is read as it is.
        if (!repo && !(repo = repository())) return GitOpsScan{};
        scan.found = true;
        scan.entries.insert(item);
        for (const auto& p : paths)
          if (p.find('$') == std::string::npos) covered.push_back(join_display_path(repo->root, p));
        scanned_.push_back(std::move(pending));
      }
    }
    return scan;
  }

  // A cheap look before parsing: does the file name the API group of a Flux
  // Kustomization or an Argo CD Application at all?
  static bool mentions_gitops_kind(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    static constexpr std::string_view kNeedles[] = {kFluxKustomizeGroup, "argoproj.io"};
    constexpr size_t kOverlap = 32;
    std::string buffer;
    char chunk[1 << 16];
    bool found = false;
    for (size_t got; !found && (got = std::fread(chunk, 1, sizeof chunk, f)) > 0;) {
      buffer.append(chunk, got);
      for (auto needle : kNeedles) found = found || buffer.find(needle) != std::string::npos;
      if (buffer.size() > kOverlap) buffer.erase(0, buffer.size() - kOverlap);
    }
    std::fclose(f);
    return found;
  }

  // An object read: Flux and Argo CD objects queue their roots, the
  // ConfigMaps, Secrets and GitRepositories are noted for them.
  void note_gitops_object(const YamlNode& object) {
    const YamlNode* kind = object.find("kind");
    const YamlNode* api = object.find("apiVersion");
    const std::string& k = kind->text();
    if (is_flux_kustomization(object)) {
      auto parsed = parse_flux_kustomization(object);
      if (!parsed) return report(parsed.errors());
      return queue_root(PendingRoot{std::move(*parsed), std::nullopt});
    }
    if (is_argo_application(object)) {
      auto parsed = parse_argo_application(object);
      if (!parsed) return report(parsed.errors());
      return queue_root(PendingRoot{std::nullopt, std::move(*parsed)});
    }
    if ((k == "ConfigMap" || k == "Secret") && api->text() == "v1") return note_variables(object, k);
    if (k == "GitRepository" && api->text().rfind("source.toolkit.fluxcd.io/", 0) == 0) {
      std::string ns, name, url;
      if (const YamlNode* md = object.find("metadata"); md && md->is_mapping()) {
        if (const YamlNode* n = md->find("name"); n && n->is_scalar()) name = n->text();
        if (const YamlNode* n = md->find("namespace"); n && n->is_scalar()) ns = n->text();
      }
      if (const YamlNode* spec = object.find("spec"); spec && spec->is_mapping())
        if (const YamlNode* u = spec->find("url"); u && u->is_scalar()) url = normalise_repo_url(u->text());
      git_repositories_[ns + "/" + name] = url;
    }
  }

  void queue_root(PendingRoot root) {
    if (!repository()) {
      warning(Diagnostic::warning(root.pos(), "",
                                  fmt::format("{} is not built: its paths are relative to a repository root, and "
                                              "{} is not inside a git repository; pass --repo-root DIR",
                                              root.display(), input_ == "-" ? "<stdin>" : input_)));
      return;
    }
    queue_.push_back(std::move(root));
  }

  struct VariableSource {
    Variables values;
    bool encrypted = false;  // a SOPS-encrypted Secret: its values are unknown
  };

  void note_variables(const YamlNode& object, const std::string& kind) {
    std::string ns, name;
    if (const YamlNode* md = object.find("metadata"); md && md->is_mapping()) {
      if (const YamlNode* n = md->find("name"); n && n->is_scalar()) name = n->text();
      if (const YamlNode* n = md->find("namespace"); n && n->is_scalar()) ns = n->text();
    }
    VariableSource source;
    source.encrypted = object.find("sops") != nullptr;
    for (const char* field : {"data", "stringData"}) {
      const YamlNode* data = object.find(field);
      if (!data || !data->is_mapping()) continue;
      const bool encoded = kind == "Secret" && std::string_view(field) == "data";
      for (const auto& e : data->entries()) {
        if (!e.value.is_scalar()) continue;
        std::string value = encoded ? base64_decode(e.value.text()) : e.value.text();
        value.erase(std::remove(value.begin(), value.end(), '\n'), value.end());  // as kustomize_varsub.go
        source.values[e.key] = std::move(value);
      }
    }
    variable_sources_[{kind, ns, name}] = std::move(source);
  }

  static std::string base64_decode(const std::string& in) {
    auto value = [](char c) -> int {
      if (c >= 'A' && c <= 'Z') return c - 'A';
      if (c >= 'a' && c <= 'z') return c - 'a' + 26;
      if (c >= '0' && c <= '9') return c - '0' + 52;
      if (c == '+' || c == '-') return 62;
      if (c == '/' || c == '_') return 63;
      return -1;
    };
    std::string out;
    int bits = 0, acc = 0;
    for (char c : in) {
      int v = value(c);
      if (v < 0) continue;  // padding, whitespace
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += static_cast<char>((acc >> bits) & 0xff);
      }
    }
    return out;
  }

  const VariableSource* find_variable_source(const FluxSubstituteFrom& ref, const std::string& ns) const {
    // kustomize-controller reads them from the Kustomization's namespace; a
    // manifest of the repository that names no namespace gets one when it is
    // applied, so it is taken too.
    for (const std::string& n : {ns, std::string()}) {
      auto it = variable_sources_.find({ref.kind, n, ref.name});
      if (it != variable_sources_.end()) return &it->second;
    }
    return nullptr;
  }

  bool substitute_from_ready(const PendingRoot& root) const {
    if (!root.flux) return true;
    for (const auto& ref : root.flux->substitute_from)
      if (!find_variable_source(ref, root.flux->namespace_)) return false;
    return true;
  }

  // Builds the queued roots, and those they queue in turn; a root whose
  // substituteFrom ConfigMap or Secret has not been read yet waits until
  // nothing else is left (it may come from another root's build).
  void build_gitops_roots() {
    for (;;) {
      while (!queue_.empty()) {
        std::vector<PendingRoot> ready, waiting;
        for (auto& r : queue_) (substitute_from_ready(r) ? ready : waiting).push_back(std::move(r));
        if (ready.empty()) ready.swap(waiting);
        queue_ = std::move(waiting);
        std::vector<std::unique_ptr<Build>> builds;
        for (auto& r : ready) prepare_root(r, builds);
        run_builds(builds);
      }
      // The scanned objects nothing reached: first one that deploys the
      // directory holding itself (flux-system deploys clusters/prod, which
      // holds it), as the cluster's bootstrap did, then the others in order;
      // one at a time, since each may reach the next.
      // An object met through a build is the one the tool applies; the
      // same object as written (before its parent's patches) is not built.
      std::erase_if(scanned_, [&](const PendingRoot& r) { return reached_.count(r.reach_key()); });
      if (scanned_.empty()) return;
      auto self = std::find_if(scanned_.begin(), scanned_.end(), [&](const PendingRoot& r) {
        return r.flux && r.flux->pos.file &&
               is_inside(r.flux->pos.file->display_name, join_display_path(repository()->root, r.flux->path));
      });
      if (self == scanned_.end()) self = scanned_.begin();
      queue_.push_back(std::move(*self));
      scanned_.erase(self);
    }
  }

  bool same_repository_flux(const FluxKustomization& k, std::string& other) {
    if (k.source_kind != "GitRepository") {
      other = fmt::format("{} {}/{}", k.source_kind.empty() ? "(no sourceRef)" : k.source_kind, k.source_namespace,
                          k.source_name);
      return false;
    }
    auto url_of = [&](const std::string& key) -> std::string {
      auto it = git_repositories_.find(key);
      return it == git_repositories_.end() ? "" : it->second;
    };
    const std::string key = k.source_namespace + "/" + k.source_name;
    const std::string url = url_of(key);
    const Repository& repo = *repository();
    // `flux bootstrap` names the repository it writes to flux-system.
    bool same = k.source_name == "flux-system" || (!url.empty() && url == repo.origin) ||
                (!url.empty() && url == url_of(k.source_namespace + "/flux-system"));
    if (!same) other = fmt::format("GitRepository {}{}", key, url.empty() ? "" : " (" + url + ")");
    return same;
  }

  // A path of the repository as a root: inside it, an existing directory,
  // not excluded, not a Helm chart. Empty when it is not to be built.
  std::string checked_root_dir(const std::string& path, SourcePos at, const std::string& field,
                               const std::string& who, std::string& display) {
    const Repository& repo = *repository();
    std::string dir = join_display_path(repo.root, path);
    display = join_display_path(repo.display, path);
    if (!is_inside(dir, repo.root)) {
      error(Diagnostic::error(at, field,
                              fmt::format("{}: path \"{}\" resolves to {}, outside the repository root {}", who, path,
                                          resolved_path(dir), repo.root)));
      return "";
    }
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      error(Diagnostic::error(at, field,
                              fmt::format("{}: path \"{}\" is not a directory of the repository {}", who, path,
                                          repo.display)));
      return "";
    }
    if (excluded(display)) {
      warning(Diagnostic::warning(at, field, fmt::format("{}: {} not built: excluded by --exclude", who, display)));
      return "";
    }
    if (::access(join_display_path(dir, "Chart.yaml").c_str(), F_OK) == 0) {
      Diagnostic d = Diagnostic::error(
          at, field,
          fmt::format("{}: {} is a Helm chart (Chart.yaml), which netreach does not render; render it with "
                      "`helm template NAME {} | netreach ... -f -`",
                      who, display, display));
      if (options_.lenient) {
        d.severity = Severity::Warning;
        d.message += " (skipped, --lenient)";
      }
      report({d});
      return "";
    }
    return dir;
  }

  void prepare_root(PendingRoot& root, std::vector<std::unique_ptr<Build>>& builds) {
    if (!processed_.insert(root.key()).second) return;  // met again (flux-system reads itself)
    reached_.insert(root.reach_key());
    if (root.flux) return prepare_flux(*root.flux, builds);
    prepare_argo(*root.argo, builds);
  }

  std::string temp_dir() {
    if (temp_dir_.empty()) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "netreach-flux-XXXXXX").string();
      if (::mkdtemp(tmpl.data())) temp_dir_ = tmpl;
    }
    return temp_dir_;
  }

  void prepare_flux(const FluxKustomization& k, std::vector<std::unique_ptr<Build>>& builds) {
    std::string other;
    if (!same_repository_flux(k, other)) {
      warning(Diagnostic::warning(k.pos, "spec.sourceRef",
                                  fmt::format("{} deploys {} from {}, another source than this repository: not built",
                                              k.display(), k.path, other)));
      return;
    }
    const Repository& repo = *repository();
    auto build = std::make_unique<Build>();
    std::string dir = checked_root_dir(k.path, k.path_pos, "spec.path", k.display(), build->root);
    if (dir.empty()) return;
    build->built_for = k.display();
    build->at = k.path_pos;
    // What the build reads, each path checked against the repository root
    // (the build runs without kustomize's load restrictor, as Flux's does).
    Diagnostics refused;
    auto walk = [&](const std::string& path) {
      auto more = walk_kustomization(path, files_, options_.yaml_limits, [&](const std::string& file) {
        build->originals.add_file(file, files_, options_.yaml_limits);
        ++build->files;
      }, repo.root);
      refused.insert(refused.end(), more.begin(), more.end());
    };
    std::vector<std::string> resources;
    if (!find_kustomization_file(dir).empty()) {
      walk(dir);
      resources.push_back(dir);
    } else {
      for (const auto& path : flux_generated_resources(dir)) {
        resources.push_back(path);
        if (!find_kustomization_file(path).empty()) walk(path);
        else if (!is_inside(path, repo.root))
          refused.push_back(Diagnostic::error(at_file(path), "",
                                              fmt::format("{} resolves outside the repository root {}", path, repo.root)));
        else {
          build->originals.add_file(path, files_, options_.yaml_limits);
          ++build->files;
        }
      }
    }
    std::vector<std::string> components;
    for (const auto& c : k.components) {
      std::string path = join_display_path(dir, c);
      if (!is_inside(path, repo.root)) {
        refused.push_back(Diagnostic::error(k.components_pos, "spec.components",
                                            fmt::format("{}: component \"{}\" resolves to {}, outside the repository "
                                                        "root {}",
                                                        k.display(), c, resolved_path(path), repo.root)));
        continue;
      }
      walk(path);
      components.push_back(path);
    }
    if (!refused.empty()) return root_failed(*build, refused);

    // The kustomization Flux would build, in a directory of its own.
    std::string base = temp_dir();
    if (base.empty()) return error(Diagnostic::error(k.pos, "", "cannot create a temporary directory"));
    std::string wrapper = fmt::format("{}/{}", base, ++wrappers_);
    std::error_code ec;
    std::filesystem::create_directories(wrapper, ec);
    auto relative = [&](std::vector<std::string> paths) {
      for (auto& p : paths) p = std::filesystem::path(resolved_path(p)).lexically_relative(wrapper).string();
      return paths;
    };
    const std::string text = flux_wrapper_kustomization(k, relative(resources), relative(components));
    // Built once, however many Kustomizations ask for the same thing.
    std::string key = resolved_path(dir) + "\n" + text;
    Variables vars;
    std::vector<std::string> sources_missing;
    if (k.post_build) {
      for (const auto& ref : k.substitute_from) {
        const VariableSource* s = find_variable_source(ref, k.namespace_);
        if (!s || s->encrypted) {
          if (!ref.optional)
            sources_missing.push_back(fmt::format("{} {}/{} ({})", ref.kind, k.namespace_, ref.name,
                                                  !s ? "not in the repository" : "encrypted"));
          continue;
        }
        for (const auto& [n, v] : s->values) vars[n] = v;
      }
      for (const auto& [n, v] : k.substitute) vars[n] = v;
      for (const auto& [n, v] : vars) key += "\n" + n + "=" + v;
    }
    if (!built_keys_.insert(key).second) return;
    {
      FILE* f = std::fopen((wrapper + "/kustomization.yaml").c_str(), "w");
      if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0)
        return error(Diagnostic::error(k.pos, "", fmt::format("cannot write the kustomization for {}", k.display())));
    }
    build->dir = wrapper;
    build->options = build_options();
    build->options.files_anywhere_in_repository = true;
    build->options.display_dir = build->root;
    build->on_built = [this, k, vars = std::move(vars), sources_missing](Build& b) {
      std::string yaml = b.output->yaml;
      // kustomize-controller substitutes only when there are variables
      // (kustomize_varsub.go: `if len(vars) > 0`); a source it could not
      // read is netreach's blind spot, not an empty set.
      if (k.post_build && (!vars.empty() || !sources_missing.empty())) yaml = substitute(b, k, vars, sources_missing, yaml);
      read_gitops_output(b, yaml, "");
    };
    builds.push_back(std::move(build));
  }

  // Flux's post-build substitution, object by object, skipping those marked
  // kustomize.toolkit.fluxcd.io/substitute: disabled (kustomize_varsub.go).
  std::string substitute(Build& build, const FluxKustomization& k, const Variables& own, const std::vector<std::string>& sources_missing,
                         const std::string& yaml) {
    Variables vars = options_.vars;  // --var: only what the repository does not define
    for (const auto& [n, v] : own) vars[n] = v;
    std::string out;
    size_t start = 0;
    // kustomize separates objects by a line `---`; inside an object such a
    // line would be indented.
    while (start < yaml.size()) {
      size_t sep = yaml.find("\n---\n", start == 0 ? 0 : start - 1);
      size_t end = sep == std::string::npos ? yaml.size() : sep + 1;
      std::string doc = yaml.substr(start, end - start);
      if (doc.rfind("---\n", 0) == 0) doc = doc.substr(4);
      start = sep == std::string::npos ? yaml.size() : sep + 5;
      if (doc.find("${") == std::string::npos || substitution_disabled(doc)) {
        out += doc + "---\n";
        continue;
      }
      Substituted s = substitute_variables(doc, vars);
      for (const auto& name : s.unresolved) unresolved_variable(build, k, doc, name, sources_missing);
      for (const auto& expr : s.malformed)
        report({Diagnostic{options_.lenient ? Severity::Warning : Severity::Error, where_in(build, doc, expr), "",
                           fmt::format("{} is not a substitution netreach evaluates ({} substitutes this object); "
                                       "it is left as written",
                                       expr, k.display())}});
      out += s.text + "---\n";
    }
    return out;
  }

  static bool substitution_disabled(const std::string& doc) {
    auto text = std::make_shared<const std::string>(doc);
    YamlStream stream = YamlStream::from_text(text, nullptr, {});
    auto parsed = stream.next();
    if (!parsed || !*parsed) return false;
    const YamlNode* md = (*parsed)->root.find("metadata");
    if (!md || !md->is_mapping()) return false;
    for (const char* field : {"labels", "annotations"})
      if (const YamlNode* m = md->find(field); m && m->is_mapping())
        if (const YamlNode* v = m->find(kFluxSubstituteKey); v && v->is_scalar() && v->text() == "disabled") return true;
    return false;
  }

  // Where `needle` is written in the original of the object `doc`: the
  // first scalar holding it, with the position transplanted from the file.
  SourcePos where_in(const Build& build, const std::string& doc, const std::string& needle) {
    auto text = std::make_shared<const std::string>(doc);
    const SourceFile* source = files_.table().add(SourceFile{fmt::format("kustomize build {}", build.root), build.root, text, false});
    YamlStream stream = YamlStream::from_text(text, source, options_.yaml_limits);
    auto parsed = stream.next();
    if (!parsed || !*parsed) return build.at;
    YamlNode& root = (*parsed)->root;
    build.originals.transplant(root);
    std::function<const YamlNode*(const YamlNode&)> find = [&](const YamlNode& n) -> const YamlNode* {
      if (n.is_scalar() && n.text().find(needle) != std::string::npos) return &n;
      for (const auto& i : n.items())
        if (auto f = find(i)) return f;
      for (const auto& e : n.entries())
        if (auto f = find(e.value)) return f;
      return nullptr;
    };
    const YamlNode* hit = find(root);
    return hit ? hit->pos() : root.pos();
  }

  void unresolved_variable(Build& build, const FluxKustomization& k, const std::string& doc, const std::string& name,
                           const std::vector<std::string>& sources_missing) {
    const std::string key = k.display() + "\n" + name;
    if (options_.lenient && !warned_variables_.insert(key).second) return;  // one warning per variable
    SourcePos pos = where_in(build, doc, "${" + name);
    std::string from = sources_missing.empty() ? ""
                                               : fmt::format("; substituteFrom names {} whose values netreach cannot read",
                                                             fmt::join(sources_missing, ", "));
    std::string message = fmt::format("variable ${{{}}} has no value: {} ({}) substitutes this object, and neither its "
                                      "postBuild.substitute nor substituteFrom defines {}{}; pass --var {}=VALUE",
                                      name, k.display(), k.pos.to_string(), name, from, name);
    if (options_.lenient)
      warning(Diagnostic::warning(pos, "", message + " (left as written, --lenient)"));
    else
      error(Diagnostic::error(pos, "", message));
  }

  // A GitOps build's objects: each object is delivered once, however many
  // roots produce it; `default_namespace` goes to namespaced objects that
  // have none (Argo CD's destination.namespace).
  void read_gitops_output(Build& build, const std::string& yaml, const std::string& default_namespace) {
    default_namespace_ = default_namespace;
    gitops_output_ = true;
    read_build_output(build, yaml, nullptr);
    gitops_output_ = false;
    default_namespace_.clear();
  }

  void prepare_argo(const ArgoApplication& app, std::vector<std::unique_ptr<Build>>& builds) {
    const Repository& repo = *repository();
    for (const auto& source : app.sources) {
      if (!source.chart.empty() || source.path.empty()) {
        warning(Diagnostic::warning(source.pos, "", fmt::format("{} deploys the Helm chart {} from {}: not rendered; "
                                                                "render it with `helm template` and add it with -f",
                                                                app.display(), source.chart, source.repo_url)));
        continue;
      }
      const std::string url = normalise_repo_url(source.repo_url);
      if (!repo.origin.empty() && url != repo.origin) {
        warning(Diagnostic::warning(source.pos, "repoURL",
                                    fmt::format("{} deploys {} from {}, another repository than this one ({}): not built",
                                                app.display(), source.path, source.repo_url, repo.origin)));
        continue;
      }
      std::string probe = join_display_path(repo.root, source.path);
      if (repo.origin.empty() && ::access(probe.c_str(), F_OK) != 0) {
        warning(Diagnostic::warning(source.path_pos, "path",
                                    fmt::format("{} deploys {} from {}, which is not a path of this repository: not "
                                                "built",
                                                app.display(), source.path, source.repo_url)));
        continue;
      }
      for (const auto& option : source.unapplied)
        warning(Diagnostic::warning(source.pos, option,
                                    fmt::format("{}: the source's {} options are not applied by netreach", app.display(),
                                                option)));
      std::string display;
      std::string dir = checked_root_dir(source.path, source.path_pos, "path", app.display(), display);
      if (dir.empty()) continue;
      if (!built_keys_.insert(resolved_path(dir) + "\nargo\n" + app.destination_namespace).second) continue;
      const std::string ns = app.destination_namespace;
      if (!find_kustomization_file(dir).empty()) {
        // Argo CD runs kustomize with its default load restrictor.
        auto build = prepare_kustomization(dir);
        if (!build) continue;
        build->root = display;
        build->built_for = app.display();
        build->on_built = [this, ns](Build& b) { read_gitops_output(b, b.output->yaml, ns); };
        builds.push_back(std::move(build));
        continue;
      }
      // A plain directory: its manifests, read as they are written.
      default_namespace_ = ns;
      gitops_output_ = true;
      read_plain_directory(dir, display, source.recurse);
      gitops_output_ = false;
      default_namespace_.clear();
    }
  }

  void read_plain_directory(const std::string& dir, const std::string& display, bool recurse) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      if (name.empty() || name[0] == '.') continue;
      std::string path = join_display_path(display, name);
      if (std::filesystem::is_directory(path, ec)) {
        if (recurse) read_plain_directory(join_display_path(dir, name), path, recurse);
        continue;
      }
      auto ends = [&](std::string_view s) {
        return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
      };
      if (ends(".yaml") || ends(".yml") || ends(".json")) read_file(path);
    }
  }

  static bool is_cluster_scoped(const std::string& api_version, const std::string& kind) {
    auto lookup = look_up_kind(api_version, kind);
    if (lookup.status == KindLookup::Status::Served)
      for (std::string_view k : {"Namespace", "Node", "CiliumClusterwideNetworkPolicy", "CiliumCIDRGroup"})
        if (lookup.info->kind == k) return true;
    // Common cluster-scoped kinds of other projects.
    for (std::string_view k : {"ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
                               "StorageClass", "PriorityClass", "IngressClass", "ValidatingWebhookConfiguration",
                               "MutatingWebhookConfiguration", "APIService", "ClusterIssuer", "CiliumNode",
                               "CiliumClusterwideEnvoyConfig", "CiliumLoadBalancerIPPool", "GatewayClass"})
      if (kind == k) return true;
    return false;
  }

  void give_namespace(YamlNode& object, const std::string& ns) {
    if (is_cluster_scoped(object.find("apiVersion")->text(), object.find("kind")->text())) return;
    for (auto& e : object.mutable_entries()) {
      if (e.key != "metadata") continue;
      if (!e.value.is_mapping()) return;
      if (const YamlNode* n = e.value.find("namespace"); n && !n->is_null() && !n->text().empty()) return;
      auto& entries = e.value.mutable_entries();
      entries.erase(std::remove_if(entries.begin(), entries.end(), [](const auto& x) { return x.key == "namespace"; }),
                    entries.end());
      entries.push_back({"namespace", e.value.pos(), YamlNode::scalar(ns, YamlNode::Style::Plain, e.value.pos())});
      return;
    }
  }

  // Delivers every object of `stream`; `originals` (may be null) gives
  // objects the positions of the documents they were built from. A document
  // that is not an object is an error and the next one is read; a syntax
  // error ends the stream (the parser cannot resynchronise).
  void read_stream(YamlStream& stream, const SourceFile* source, const OriginalIndex* originals) {
    for (;;) {
      auto doc = stream.next();
      if (!doc) return report(doc.errors());
      if (!*doc) return;
      YamlDocument& document = **doc;
      const std::string what = fmt::format("document {}", document.index + 1);
      if (auto problem = check_object(document.root, what)) {
        error(std::move(*problem));
        continue;
      }
      const YamlNode* kind = document.root.find("kind");
      const YamlNode* items = document.root.find("items");
      // `kubectl get -o yaml|json` wraps objects in a v1 List.
      if (kind->text() == "List" && items && (items->is_sequence() || items->is_null())) {
        for (auto& entry : document.root.mutable_entries()) {
          if (entry.key != "items" || !entry.value.is_sequence()) continue;
          auto& objects = entry.value.mutable_items();
          for (size_t i = 0; i < objects.size(); ++i)
            deliver(objects[i], fmt::format("items[{}] of {}", i, what), source, document.index, originals);
        }
        continue;
      }
      deliver(document.root, what, source, document.index, originals);
    }
  }

  void deliver(YamlNode& object, const std::string& what, const SourceFile* source,
               uint32_t document_index, const OriginalIndex* originals) {
    if (auto problem = check_object(object, what)) return error(std::move(*problem));
    if (originals) originals->transplant(object);
    if (!default_namespace_.empty()) give_namespace(object, default_namespace_);
    if (gitops_output_) {
      // Two roots applying the same object: the cluster has it once.
      std::string key = object.find("apiVersion")->text() + "\n" + object.find("kind")->text();
      if (const YamlNode* md = object.find("metadata"); md && md->is_mapping())
        for (const char* f : {"namespace", "name"})
          if (const YamlNode* n = md->find(f); n && n->is_scalar()) key += "\n" + n->text();
      if (!gitops_objects_.insert(key).second) return;
    }
    note_gitops_object(object);
    on_object_(ManifestObject{&object, source, document_index});
  }

  // A Kubernetes object is a mapping with a kind and an apiVersion.
  static std::optional<Diagnostic> check_object(const YamlNode& node, const std::string& what) {
    if (!node.is_mapping())
      return Diagnostic::error(node.pos(), "",
                               fmt::format("{} is a {}, expected a Kubernetes object", what, node.type_name()));
    for (const char* field : {"apiVersion", "kind"}) {
      const YamlNode* value = node.find(field);
      if (!value)
        return Diagnostic::error(node.pos(), "",
                                 fmt::format("{} has no \"{}\" field, expected a Kubernetes object", what, field));
      if (!value->is_scalar() || value->text().empty())
        return Diagnostic::error(value->pos(), field,
                                 fmt::format("expected a non-empty string, found a {}", value->type_name()));
    }
    return std::nullopt;
  }

  FileRegistry files_;
  const ReadOptions& options_;
  const std::function<void(const ManifestObject&)>& on_object_;
  Diagnostics errors_;
  Diagnostics warnings_;

  // GitOps: the current input and its repository, the roots waiting to be
  // built, what they were built from, and what they read.
  std::string input_;
  std::optional<Repository> repo_;
  bool repo_looked_up_ = false;
  std::vector<PendingRoot> queue_, scanned_;
  std::set<std::string> processed_;   // PendingRoot::key() of the objects handled
  std::set<std::string> reached_;     // PendingRoot::reach_key() of the same
  std::set<std::string> built_keys_;  // directory + what is applied to it
  std::set<std::string> gitops_objects_;
  std::set<std::string> warned_variables_;
  std::map<std::tuple<std::string, std::string, std::string>, VariableSource> variable_sources_;
  std::map<std::string, std::string> git_repositories_;  // ns/name -> normalised url
  std::string default_namespace_;
  bool gitops_output_ = false;
  std::string temp_dir_;
  unsigned wrappers_ = 0;
};

// Every error found, or the warnings when there is none.
Result<Diagnostics> outcome(Reader& reader) {
  Diagnostics errors = reader.take_errors();
  if (!errors.empty()) return Result<Diagnostics>::failure(std::move(errors));
  return reader.take_warnings();
}

}  // namespace

Result<Diagnostics> read_manifests(const std::vector<std::string>& paths, SourceTable& sources,
                                   const ReadOptions& options,
                                   const std::function<void(const ManifestObject&)>& on_object) {
  Reader reader(sources, options, on_object);
  for (const auto& path : paths) reader.read_path(path);
  return outcome(reader);
}

Result<Diagnostics> read_manifest_texts(const std::vector<ManifestText>& inputs, SourceTable& sources,
                                        const ReadOptions& options,
                                        const std::function<void(const ManifestObject&)>& on_object) {
  Reader reader(sources, options, on_object);
  for (const auto& input : inputs) reader.read_text(input);
  return outcome(reader);
}

}  // namespace netreach
