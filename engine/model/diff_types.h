// Reachability before and after a change, as values: the objects that differ,
// the flows that opened, closed or changed, and the git revision a side may
// be read from. diff_reachability() and revision_tree() are in netreach.h
// (and defined in diff/ and load/git_snapshot.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/port_set.h"

namespace netreach {

// An object that differs between the two inputs.
struct ObjectChange {
  enum class Change : uint8_t { Added, Removed, Modified };
  Change change = Change::Modified;
  std::string kind;        // "CiliumNetworkPolicy", "Namespace", "Deployment", "Pod", ...
  std::string namespace_;  // empty for cluster-scoped objects
  std::string name;
  std::string where;       // file:line on the side where it exists (after, unless removed)
  std::string what;        // for label changes: "labels team=a -> team=b"; empty for policies
  std::string display() const;  // "CiliumNetworkPolicy partner-cp/partner-api"
};
std::string_view to_string(ObjectChange::Change change);  // "added" / "removed" / "modified"

// One workload pair whose reachability changed.
struct FlowChange {
  std::string from, to;
  PortSet opened;          // allowed after, not before
  PortSet closed;          // allowed before, not after
  PortSet unknown_before, unknown_after;  // set when what depends on missing facts changed
  PortSet allowed_before, allowed_after;
  std::vector<size_t> causes;  // indexes into ReachabilityDiff::objects
  bool from_world = false;     // from an address block or the world entity
  bool to_world = false;       // to an address block, a toFQDNs name or the world entity
  bool cross_namespace = false;
};

struct ReachabilityDiff {
  std::vector<ObjectChange> objects;  // sorted by kind, namespace, name
  std::vector<FlowChange> flows;      // sorted by from, to
  size_t opened() const, closed() const, changed() const;  // flows with opened / closed ports / only unknown changes
};

// One git revision's tree, unpacked in a temporary directory that lives as
// long as the handle (engine/load/git_snapshot.h). `prefix` is where `dir`
// lies inside the repository ("" at its top), so paths given relative to
// `dir` are found under root/prefix.
struct RevisionTree {
  std::string root;    // the tree's top directory
  std::string prefix;  // dir relative to the repository's top, with a trailing '/', or ""
  std::string commit;  // full commit id
  std::string temp;    // the temporary directory holding root (strip it from messages)
  std::shared_ptr<const void> keep_alive;
};

}  // namespace netreach
