// OriginalIndex: the documents a kustomization was built from, so that objects
// in kustomize's output can point back at the file the user edits.
//
// kustomize prints objects in its own layout and loses positions. It rewrites
// some fields (namespace, labels, patched values) but keeps the shape of each
// object, so the original document can be found by (kind, metadata.name), and
// metadata.namespace when the original sets one; when exactly one original
// matches, transplant() walks the built object and the original in parallel
// (mapping keys by name, sequence items by index) and gives every built node
// the original node's position. Nodes kustomize added get the position of
// their nearest ancestor that has a counterpart. With no unique match the
// object keeps its positions in the kustomize output.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "load/kustomize.h"
#include "load/yaml_node.h"
#include "load/yaml_stream.h"

namespace netreach {

class OriginalIndex {
 public:
  // Parses `path` (a display path, re-readable) and indexes its objects,
  // including the items of a `kind: List`. A file that does not parse is
  // skipped: kustomize's own build decides whether it is an error.
  void add_file(const std::string& path, FileRegistry& files, const YamlLimits& limits);

  // Gives `built` the positions of its unique original; returns whether one
  // was found.
  bool transplant(YamlNode& built) const;

  size_t size() const { return originals_.size(); }

 private:
  struct Original {
    std::string kind;
    std::string name;
    std::string namespace_;  // "" when the original does not set one
    YamlNode root;
  };
  void add_object(YamlNode root);
  const Original* find_unique(const std::string& kind, const std::string& name,
                              const std::string& namespace_) const;

  std::vector<Original> originals_;
  std::multimap<std::pair<std::string, std::string>, size_t> by_kind_name_;
  std::set<std::string> files_seen_;
};

}  // namespace netreach
