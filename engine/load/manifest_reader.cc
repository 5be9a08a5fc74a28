#include "load/manifest_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "load/directory_walk.h"
#include "load/kustomize.h"
#include "load/position_transplant.h"

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

  void read_path(const std::string& path) {
    if (path == "-") {
      const SourceFile* source = files_.table().add(SourceFile{"<stdin>", "", nullptr, false});
      YamlStream stream = YamlStream::from_stdio(stdin, source, options_.yaml_limits);
      return read_stream(stream, source, nullptr);
    }
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      int err = errno;
      const SourceFile* source = files_.table().add(SourceFile{path, "", nullptr, false});
      return error(Diagnostic::error(SourcePos{source, 0, 0}, "",
                                     err == ENOENT ? "no such file or directory" : std::string(std::strerror(err))));
    }
    if (S_ISDIR(st.st_mode)) return read_directory(path);
    read_file(path);
  }

  void read_text(const ManifestText& input) {
    const SourceFile* source = files_.table().add(SourceFile{input.name, "", input.text, false});
    YamlStream stream = YamlStream::from_text(input.text, source, options_.yaml_limits);
    read_stream(stream, source, nullptr);
  }

  Diagnostics take_errors() { return std::move(errors_); }
  Diagnostics take_warnings() { return std::move(warnings_); }

 private:
  void error(Diagnostic d) { errors_.push_back(std::move(d)); }
  void report(const Diagnostics& ds) {
    for (const auto& d : ds) (d.severity == Severity::Error ? errors_ : warnings_).push_back(d);
  }

  void read_file(const std::string& path) {
    const SourceFile* source = files_.file(path);
    if (::access(path.c_str(), R_OK) != 0)
      return error(Diagnostic::error(SourcePos{source, 0, 0}, "",
                                     fmt::format("cannot read file: {}", std::strerror(errno))));
    auto stream = YamlStream::open_file(path, source, options_.yaml_limits);
    if (!stream) return report(stream.errors());
    read_stream(*stream, source, nullptr);
  }

  void read_directory(const std::string& dir) {
    if (!find_kustomization_file(dir).empty()) return read_kustomization(dir);
    Diagnostics planned;
    DirectoryPlan plan = plan_directory(dir, files_, options_.yaml_limits, planned);
    report(planned);
    for (const auto& item : plan.items) {
      if (item.kustomization) read_kustomization(item.path);
      else read_file(item.path);
    }
  }

  void read_kustomization(const std::string& dir) {
    const std::string kustomization_file = find_kustomization_file(dir);
    const SourcePos at{files_.file(kustomization_file), 0, 0};
    // Refuse remote references and functions before kustomize could reach
    // for the network, and collect the originals for position transplant.
    OriginalIndex originals;
    Diagnostics refused = walk_kustomization(dir, files_, options_.yaml_limits,
                                             [&](const std::string& file) {
                                               originals.add_file(file, files_, options_.yaml_limits);
                                             });
    if (!refused.empty()) return report(refused);

    KustomizeBuildOptions build_options{options_.kustomize_program, options_.kustomize_timeout,
                                        options_.yaml_limits.max_stream_bytes};
    auto built = run_kustomize_build(dir, at, build_options);
    if (!built) return report(built.errors());
    if (!built->warnings.empty())
      warnings_.push_back(Diagnostic::warning(
          at, "", fmt::format("kustomize build {} reported:\n{}", dir, built->warnings)));

    auto text = std::make_shared<const std::string>(std::move(built->yaml));
    const SourceFile* source = files_.table().add(
        SourceFile{fmt::format("kustomize build {}", dir), dir, text, false});
    YamlStream stream = YamlStream::from_text(text, source, options_.yaml_limits);
    read_stream(stream, source, &originals);
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
