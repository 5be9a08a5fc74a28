#include "load/kustomize.h"

#include "load/child_process.h"
#include "load/gitops_repository.h"
#include "load/kustomize_error.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include <fmt/format.h>

namespace netreach {
namespace fs = std::filesystem;

const SourceFile* FileRegistry::file(const std::string& display_path) {
  auto it = files_.find(display_path);
  if (it != files_.end()) return it->second;
  const SourceFile* added = table_.add(SourceFile{display_path, "", nullptr, true});
  files_.emplace(display_path, added);
  return added;
}

std::string join_display_path(const std::string& base, const std::string& rel) {
  std::string joined = (fs::path(base) / rel).lexically_normal().string();
  // lexically_normal keeps a trailing separator ("dir/"); drop it for display.
  while (joined.size() > 1 && joined.back() == '/') joined.pop_back();
  return joined.empty() ? "." : joined;
}

std::string find_kustomization_file(const std::string& dir) {
  // kustomize's konfig.RecognizedKustomizationFileNames, in its order.
  for (const char* name : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) {
    std::string path = join_display_path(dir, name);
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return path;
  }
  return "";
}

namespace {

constexpr std::string_view kFunctionAnnotation = "config.kubernetes.io/function";
constexpr std::string_view kLegacyFunctionAnnotation = "config.k8s.io/function";

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// The position of the function annotation in a plugin config, if it has one.
const YamlNode* function_annotation(const YamlNode& config) {
  if (!config.is_mapping()) return nullptr;
  const YamlNode* metadata = config.find("metadata");
  if (!metadata || !metadata->is_mapping()) return nullptr;
  const YamlNode* annotations = metadata->find("annotations");
  if (!annotations || !annotations->is_mapping()) return nullptr;
  for (const auto& e : annotations->entries())
    if (e.key == kFunctionAnnotation || e.key == kLegacyFunctionAnnotation) return &e.value;
  return nullptr;
}

Diagnostic function_refused(SourcePos pos, const std::string& kustomization_file) {
  return Diagnostic::error(
      pos, "",
      fmt::format("plugin config used by {} asks for an exec or container function ({}); "
                  "netreach does not run kustomize plugins or functions",
                  kustomization_file, kFunctionAnnotation));
}

// Refuses plugin configs in `path` that carry a function annotation.
Diagnostics check_plugin_file(const std::string& path, const std::string& kustomization_file,
                              FileRegistry& files, const YamlLimits& limits) {
  const SourceFile* source = files.file(path);
  auto stream = YamlStream::open_file(path, source, limits);
  if (!stream) return stream.errors();
  for (;;) {
    auto doc = stream->next();
    if (!doc) return doc.errors();
    if (!*doc) return {};
    if (const YamlNode* fn = function_annotation((*doc)->root))
      return {function_refused(fn->pos(), kustomization_file)};
  }
}

class KustomizationWalker {
 public:
  KustomizationWalker(FileRegistry& files, const YamlLimits& limits,
                      const std::function<void(const std::string&)>& on_resource_file,
                      const std::string& allowed_root)
      : files_(files), limits_(limits), on_resource_file_(on_resource_file), allowed_root_(allowed_root) {}

  // `plugin_context`: the kustomization produces plugin configs (it is listed
  // under generators/transformers), so its resources are checked, not indexed.
  Diagnostics visit(const std::string& dir, bool plugin_context) {
    std::error_code ec;
    fs::path canonical = fs::canonical(dir, ec);
    if (ec || !visited_.insert(canonical.string()).second) return {};
    auto k = load_kustomization(dir, files_, limits_);
    if (!k) return k.errors();
    if (!allowed_root_.empty()) {
      if (k->helm_charts)
        return {Diagnostic::error(*k->helm_charts, "helmCharts",
                                  fmt::format("{} inflates Helm charts, which netreach does not run; render the "
                                              "chart (helm template NAME DIR | netreach ... -f -) or skip this "
                                              "root with --exclude",
                                              k->file))};
      for (const auto* list : {&k->resources, &k->plugins, &k->files})
        for (const auto& ref : *list)
          if (!is_remote_reference(k->dir, ref.value) && !is_inside(join_display_path(k->dir, ref.value), allowed_root_))
            return {outside_refused(*k, ref)};
    }
    for (const auto& ref : k->resources) {
      if (is_remote_reference(k->dir, ref.value)) return {remote_refused(*k, ref)};
      std::string path = join_display_path(k->dir, ref.value);
      if (is_directory(path)) {
        if (auto errs = visit(path, plugin_context); !errs.empty()) return errs;
      } else if (exists(path)) {
        if (plugin_context) {
          if (auto errs = check_plugin_file(path, k->file, files_, limits_); !errs.empty())
            return errs;
        } else {
          on_resource_file_(path);
        }
      }
      // A missing local entry is left to kustomize, whose error names it.
    }
    for (const auto& ref : k->plugins) {
      if (is_remote_reference(k->dir, ref.value)) return {remote_refused(*k, ref)};
      std::string path = join_display_path(k->dir, ref.value);
      if (is_directory(path)) {
        if (auto errs = visit(path, true); !errs.empty()) return errs;
      } else if (exists(path)) {
        if (auto errs = check_plugin_file(path, k->file, files_, limits_); !errs.empty())
          return errs;
      }
    }
    return {};
  }

 private:
  static Diagnostic remote_refused(const Kustomization& k, const KustomizationRef& ref) {
    return Diagnostic::error(
        ref.pos, "",
        fmt::format("{} references the remote resource \"{}\"; netreach builds only local "
                    "kustomizations (no network): vendor it into the repository",
                    k.file, ref.value));
  }

  Diagnostic outside_refused(const Kustomization& k, const KustomizationRef& ref) const {
    return Diagnostic::error(
        ref.pos, "",
        fmt::format("{} references \"{}\", which resolves to {}, outside the repository root {}; "
                    "Flux reads only files inside the repository",
                    k.file, ref.value, resolved_path(join_display_path(k.dir, ref.value)), allowed_root_));
  }

  FileRegistry& files_;
  const YamlLimits& limits_;
  const std::function<void(const std::string&)>& on_resource_file_;
  std::string allowed_root_;
  std::set<std::string> visited_;
};

// A string naming a file (not an inline patch).
void add_file_ref(const YamlNode* node, Kustomization& k) {
  if (!node || !node->is_scalar() || node->text().empty()) return;
  const std::string& text = node->text();
  if (text.find('\n') != std::string::npos) return;  // inline content
  k.files.push_back({text, node->pos()});
}

// The fields of a kustomization, other than resources and plugins, that name
// files (kustomize api/types/kustomization.go).
void collect_file_references(const YamlNode::Entry& entry, Kustomization& k) {
  const YamlNode& value = entry.value;
  auto each_item = [&](auto&& fn) {
    if (value.is_sequence())
      for (const auto& item : value.items()) fn(item);
  };
  if (entry.key == "helmCharts" && !value.is_null()) {
    k.helm_charts = value.pos();
  } else if (entry.key == "patchesStrategicMerge" || entry.key == "crds" || entry.key == "configurations") {
    each_item([&](const YamlNode& item) { add_file_ref(&item, k); });
  } else if (entry.key == "patches" || entry.key == "patchesJson6902" || entry.key == "replacements") {
    each_item([&](const YamlNode& item) {
      if (item.is_mapping()) add_file_ref(item.find("path"), k);
    });
  } else if (entry.key == "configMapGenerator" || entry.key == "secretGenerator") {
    each_item([&](const YamlNode& item) {
      if (!item.is_mapping()) return;
      add_file_ref(item.find("env"), k);
      for (const char* field : {"files", "envs"})
        if (const YamlNode* list = item.find(field); list && list->is_sequence())
          for (const auto& f : list->items()) {
            if (!f.is_scalar()) continue;
            // "key=path" names the file after the first '='.
            std::string text = f.text();
            if (auto eq = text.find('='); eq != std::string::npos && std::string_view(field) == "files")
              text = text.substr(eq + 1);
            if (!text.empty()) k.files.push_back({text, f.pos()});
          }
    });
  } else if (entry.key == "openapi" && value.is_mapping()) {
    add_file_ref(value.find("path"), k);
  }
}

}  // namespace

Result<Kustomization> load_kustomization(const std::string& dir, FileRegistry& files,
                                         const YamlLimits& limits) {
  Kustomization k;
  k.dir = dir;
  k.file = find_kustomization_file(dir);
  if (k.file.empty())
    return Diagnostic::error(SourcePos{files.file(dir), 0, 0}, "",
                             "no kustomization.yaml, kustomization.yml or Kustomization");
  const SourceFile* source = files.file(k.file);
  auto stream = YamlStream::open_file(k.file, source, limits);
  if (!stream) return stream.errors();
  auto doc = stream->next();
  if (!doc) return doc.errors();
  if (!*doc) return k;  // an empty kustomization builds nothing
  const YamlNode& root = (*doc)->root;
  if (!root.is_mapping())
    return Diagnostic::error(root.pos(), "",
                             fmt::format("a kustomization must be a mapping, not a {}",
                                         root.type_name()));
  for (const auto& entry : root.entries()) {
    collect_file_references(entry, k);
    const bool is_resource =
        entry.key == "resources" || entry.key == "bases" || entry.key == "components";
    const bool is_plugin =
        entry.key == "generators" || entry.key == "transformers" || entry.key == "validators";
    if (!is_resource && !is_plugin) continue;
    if (!entry.value.is_sequence()) continue;  // kustomize reports the type error
    for (const auto& item : entry.value.items()) {
      if (is_plugin && item.is_scalar() && item.text().find('\n') != std::string::npos) {
        // A multi-line string is an inline plugin config (kustomize v4+), not
        // a path: check it for a function annotation like a mapping entry.
        auto text = std::make_shared<const std::string>(item.text());
        YamlStream inline_stream = YamlStream::from_text(text, source, limits);
        for (;;) {
          auto doc = inline_stream.next();
          if (!doc || !*doc) break;  // kustomize reports what it cannot parse
          if (function_annotation((*doc)->root)) return function_refused(item.pos(), k.file);
        }
        continue;
      }
      if (item.is_scalar()) {
        (is_resource ? k.resources : k.plugins).push_back({item.text(), item.pos()});
      } else if (is_plugin) {
        // Inline plugin config (kustomize v4+).
        if (const YamlNode* fn = function_annotation(item)) return function_refused(fn->pos(), k.file);
      }
    }
  }
  return k;
}

bool is_remote_reference(const std::string& dir, const std::string& entry) {
  // kustomize's loader treats these as remote (api/internal/git/repospec.go).
  if (entry.find("://") != std::string::npos) return true;
  if (entry.rfind("git@", 0) == 0) return true;
  if (exists(join_display_path(dir, entry))) return false;
  // A host-like first component (github.com/org/repo, gitlab.example.org/x)
  // that is not a local path.
  auto slash = entry.find('/');
  if (slash == std::string::npos || slash == 0) return false;
  std::string_view host(entry.data(), slash);
  if (host == "." || host == "..") return false;
  return host.find('.') != std::string_view::npos || entry.find("?ref=") != std::string::npos;
}

Diagnostics walk_kustomization(const std::string& dir, FileRegistry& files,
                               const YamlLimits& limits,
                               const std::function<void(const std::string&)>& on_resource_file,
                               const std::string& allowed_root) {
  KustomizationWalker walker(files, limits, on_resource_file, allowed_root);
  return walker.visit(dir, false);
}

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

Result<KustomizeBuildOutput> run_kustomize_build(const std::string& dir, SourcePos at,
                                                 const KustomizeBuildOptions& options) {
  const std::string& shown = options.display_dir.empty() ? dir : options.display_dir;
  std::string program = options.program;
  std::string executable;
  if (program.empty()) {
    executable = find_on_path("kustomize");
    program = executable.empty() ? "kubectl" : "kustomize";
    if (executable.empty()) executable = find_on_path("kubectl");
    if (executable.empty())
      return Diagnostic::error(
          at, "",
          fmt::format("cannot build kustomization {}: neither kustomize nor kubectl is installed",
                      shown));
  } else if (program != "kustomize" && program != "kubectl") {
    return Diagnostic::error(
        at, "",
        fmt::format("cannot build kustomization {}: unknown kustomize program \"{}\" "
                    "(expected kustomize or kubectl)",
                    shown, program));
  } else {
    executable = find_on_path(program);
    if (executable.empty())
      return Diagnostic::error(
          at, "",
          fmt::format("cannot build kustomization {}: {} is not installed", shown, program));
  }
  // No --enable-alpha-plugins, --enable-exec or --enable-helm; the load
  // restrictor stays at its default (inside the kustomization's tree) except
  // for Flux's builds, whose paths were checked against the repository root.
  std::vector<std::string> argv =
      program == "kustomize" ? std::vector<std::string>{executable, "build", dir}
                             : std::vector<std::string>{executable, "kustomize", dir};
  if (options.files_anywhere_in_repository) {
    argv.push_back("--load-restrictor");
    argv.push_back("LoadRestrictionsNone");
  }
  auto child = run_child(argv, options.timeout, options.max_output_bytes, at);
  if (!child) return child.errors();
  std::string command = fmt::format("{} {} {}{}", program, argv[1], shown,
                                    options.files_anywhere_in_repository ? " --load-restrictor LoadRestrictionsNone" : "");
  if (!options.display_dir.empty()) {
    // The temporary directory means nothing to the user.
    for (size_t at_pos = 0; (at_pos = child->err.find(dir, at_pos)) != std::string::npos; at_pos += shown.size())
      child->err.replace(at_pos, dir.size(), shown);
  }
  if (child->too_much_output)
    return Diagnostic::error(
        at, "",
        fmt::format("`{}` printed more than {} MiB and was killed", command,
                    options.max_output_bytes >> 20));
  if (child->timed_out)
    return Diagnostic::error(
        at, "",
        fmt::format("`{}` did not finish within {} s and was killed", command,
                    options.timeout.count()));
  if (!WIFEXITED(child->status) || WEXITSTATUS(child->status) != 0) {
    // kustomize's reason without klog's wrapping, at the line of the
    // kustomization that names the failing entry when the message allows.
    std::string err = clean_kustomize_stderr(trim(child->err));
    SourcePos where = at;
    std::error_code ec;
    if (auto entry = failing_entry(err, fs::weakly_canonical(fs::absolute(dir, ec), ec).string()); entry && at.file) {
      std::ifstream in(at.file->display_name, std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (uint32_t line = line_naming(text, *entry)) {
        where.line = line;
        where.column = 1;
      }
    }
    return Diagnostic::error(where, "",
                             fmt::format("`{}` failed ({}){}{}", command,
                                         describe_status(child->status),
                                         err.empty() ? "" : ": ", err));
  }
  return KustomizeBuildOutput{std::move(child->out), trim(std::move(child->err))};
}

}  // namespace netreach
