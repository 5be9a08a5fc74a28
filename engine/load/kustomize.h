// Kustomization support for the manifest reader: what netreach reads of a
// kustomization file itself, the safety checks made before kustomize runs, and
// the run of `kustomize build` / `kubectl kustomize` as a child process.
//
// netreach never lets kustomize touch the network or run code: a kustomization
// that references a remote resource (URL, git remote, `github.com/...`) or a
// generator/transformer whose config asks for an exec or container function
// (annotation `config.kubernetes.io/function`) is refused before the build,
// with the kustomization file and line. The build itself runs without a shell,
// with stdin from /dev/null, without --enable-* flags or a relaxed load
// restrictor, and is killed after a time limit.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "load/yaml_stream.h"
#include "model/diagnostic.h"
#include "model/source.h"

namespace netreach {

// FileRegistry: registers each on-disk file once in a SourceTable, keyed by
// its display path, so that positions of the same file share one SourceFile.
class FileRegistry {
 public:
  explicit FileRegistry(SourceTable& table) : table_(table) {}
  // The rereadable SourceFile named `display_path`, added on first use.
  const SourceFile* file(const std::string& display_path);
  SourceTable& table() { return table_; }

 private:
  SourceTable& table_;
  std::map<std::string, const SourceFile*> files_;
};

// Joins a path as the user wrote it with a relative one and normalises it
// lexically ("a/b/../c" -> "a/c"); an absolute `rel` replaces `base`.
std::string join_display_path(const std::string& base, const std::string& rel);

// The kustomization file in `dir` (kustomization.yaml, kustomization.yml or
// Kustomization, in kustomize's order), or "" when there is none.
std::string find_kustomization_file(const std::string& dir);

// One string entry of a kustomization list, with where it was written.
struct KustomizationRef {
  std::string value;
  SourcePos pos;
};

// Kustomization: the parts of a kustomization file netreach reads itself.
struct Kustomization {
  std::string dir;   // display path of the directory
  std::string file;  // display path of the kustomization file
  std::vector<KustomizationRef> resources;  // resources, bases and components
  std::vector<KustomizationRef> plugins;    // generators, transformers, validators (paths)
  // Every other file the kustomization reads (patch, generator, replacement,
  // CRD and configuration files, the openapi schema): checked against the
  // repository root when the load restrictor is off.
  std::vector<KustomizationRef> files;
  std::optional<SourcePos> helm_charts;  // a `helmCharts:` field: kustomize would need helm
};

// Parses the kustomization in `dir`. Inline plugin configs that ask for a
// function are refused here; string entries are returned for the caller.
Result<Kustomization> load_kustomization(const std::string& dir, FileRegistry& files,
                                         const YamlLimits& limits);

// True when `entry` of a kustomization in `dir` names a remote resource: a URL,
// an scp-like git remote, or a host-like path (github.com/org/repo) that does
// not exist locally.
bool is_remote_reference(const std::string& dir, const std::string& entry);

// Visits the kustomization in `dir` and every local kustomization it includes
// (resources, bases, components that are directories), refusing remote
// references and plugin configs asking for functions. Calls `on_resource_file`
// with the display path of every local resource file. Each directory is
// visited once, so include cycles terminate.
//
// With `allowed_root` (a repository root: the build will run without
// kustomize's load restrictor, as Flux does), every path the tree references
// (resources, components, patches, generator files, ...) must resolve, through
// symlinks, inside that root; one that does not is refused at its line.
Diagnostics walk_kustomization(const std::string& dir, FileRegistry& files,
                               const YamlLimits& limits,
                               const std::function<void(const std::string&)>& on_resource_file,
                               const std::string& allowed_root = "");

struct KustomizeBuildOptions {
  // "kustomize", "kubectl" or "" (kustomize when on PATH, else kubectl).
  std::string program;
  std::chrono::seconds timeout{120};
  // Output (stdout + stderr) beyond this kills the build: an error, never an
  // unbounded buffer (a kustomization may include a huge file).
  uint64_t max_output_bytes = 256ull << 20;
  // Flux's build: `--load-restrictor LoadRestrictionsNone`, used only after
  // walk_kustomization() checked every path against the repository root.
  bool files_anywhere_in_repository = false;
  // How the build is named in messages when `dir` is a temporary directory
  // netreach wrote (the Flux kustomization); its path is replaced by this.
  std::string display_dir;
};

struct KustomizeBuildOutput {
  std::string yaml;      // the program's stdout
  std::string warnings;  // the program's stderr on success (may be empty)
};

// Runs the build of `dir`. Errors: no program, spawn failure, timeout, or a
// non-zero exit (the message carries the exit status and stderr). `at` is
// where errors point (the kustomization file).
Result<KustomizeBuildOutput> run_kustomize_build(const std::string& dir, SourcePos at,
                                                 const KustomizeBuildOptions& options);

}  // namespace netreach
