// SourceFile / SourcePos: where every loaded object and field came from.
//
// A SourceFile is one input the user gave (a file, stdin, or the output of one
// `kustomize build` run). Files live in a SourceTable owned by the Cluster, so a
// SourcePos is a cheap {pointer, line, column} that stays valid as long as the
// cluster does. Lines and columns are 1-based; 0 means "unknown".
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

namespace netreach {

struct SourceFile {
  // What we print: a path relative to where the user ran netreach, "<stdin>",
  // or "kustomize build DIR".
  std::string display_name;
  // For kustomize output: the kustomization directory that produced it.
  std::string kustomization_dir;
  // The full text, kept only for inputs that cannot be re-read from disk
  // (kustomize output); used to print the offending line under an error.
  std::shared_ptr<const std::string> text;
  // True when display_name names a regular file that can be re-read for context.
  bool rereadable = false;
};

struct SourcePos {
  const SourceFile* file = nullptr;
  uint32_t line = 0;
  uint32_t column = 0;

  // "file:line:col" (or as much of it as is known).
  std::string to_string() const;
  bool known() const { return file != nullptr; }
};

// Owns SourceFiles with stable addresses.
class SourceTable {
 public:
  const SourceFile* add(SourceFile file) {
    files_.push_back(std::move(file));
    return &files_.back();
  }
  size_t size() const { return files_.size(); }

 private:
  std::deque<SourceFile> files_;
};

}  // namespace netreach
