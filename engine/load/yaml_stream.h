// YamlStream: reads YAML or JSON documents one at a time, keeping positions.
//
// Documents are produced lazily so that a 75 MB dump of a large cluster is
// never held in memory at once: only the current document's tree is. The
// backend is libyaml's event parser (chosen by measurement, see
// bench/README.md). Hostile input is refused with a Diagnostic rather than
// crashing or exhausting memory: nesting deeper than YamlLimits::max_depth,
// alias expansion beyond max_alias_nodes, duplicate mapping keys (as strict
// kubectl does), non-scalar mapping keys, invalid UTF-8, NUL bytes.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "load/yaml_node.h"
#include "model/diagnostic.h"

namespace netreach {

struct YamlLimits {
  size_t max_depth = 200;                  // nested collections in one document
  size_t max_nodes_per_document = 5'000'000;  // counting alias expansions
  size_t max_alias_nodes = 100'000;        // nodes created by expanding aliases
  // Bytes read from one file or stdin (open_file, from_stdio). A regular file
  // larger than this is refused before parsing; a pipe when it gets there.
  // Generous for a 75 MB cluster dump; bounds time and memory on hostile input.
  uint64_t max_stream_bytes = 256ull << 20;
  // Bytes read for one document (open_file, from_stdio). A Kubernetes object
  // is at most ~1.5 MiB in etcd; this stops a 1 GB scalar long before memory
  // runs out.
  uint64_t max_document_bytes = 16ull << 20;
};

class YamlStream {
 public:
  // Reads from a file on disk (streamed, never slurped).
  static Result<YamlStream> open_file(const std::string& path, const SourceFile* source,
                                      YamlLimits limits = {});
  // Reads from an already open stream (stdin). The stream is not closed.
  static YamlStream from_stdio(std::FILE* stream, const SourceFile* source,
                               YamlLimits limits = {});
  // Reads from memory (kustomize output, tests, fuzzers). The text is shared.
  static YamlStream from_text(std::shared_ptr<const std::string> text, const SourceFile* source,
                              YamlLimits limits = {});

  YamlStream(YamlStream&&) noexcept;
  YamlStream& operator=(YamlStream&&) noexcept;
  ~YamlStream();

  // The next non-empty document; std::nullopt at the end of the stream.
  // After an error the stream is finished: further calls return std::nullopt.
  // Empty documents (a lone `---`, comments only) are skipped.
  Result<std::optional<YamlDocument>> next();

 private:
  struct Impl;
  explicit YamlStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace netreach
