// What-if: the hypothetical changes of `--add`, `--remove` and `--set-labels`
// (model/options.h :: WhatIf), applied by load() to the cluster it builds.
//
//   parse_what_if()      the changes as written -> WhatIfPlan (errors: a
//                        malformed reference or label change), before any
//                        file is read
//   object_key()         the (kind, namespace, name) under which a cluster
//                        keeps an object; an added object replaces the
//                        input's object of the same key, as `kubectl apply`
//   apply_what_if()      removals, then relabellings, on the loaded Cluster
//                        (errors: an object not in it, named, with the nearest
//                        names that are)
//
// Everything is a pure function of the inputs: the files are never modified.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "load/yaml_node.h"
#include "model/cluster.h"
#include "model/diagnostic.h"
#include "model/kinds.h"
#include "model/options.h"

namespace netreach {

// An object as a cluster keys it: one object per kind, namespace and name.
struct ObjectKey {
  const KindInfo* kind = nullptr;
  std::string namespace_;  // empty for a cluster-scoped kind
  std::string name;

  std::string display() const;  // "CiliumNetworkPolicy partner-cp/partner-api", "Namespace partner-cp"
  friend bool operator==(const ObjectKey&, const ObjectKey&) = default;
  friend auto operator<=>(const ObjectKey& a, const ObjectKey& b) {
    if (auto c = a.kind->kind <=> b.kind->kind; c != 0) return c;
    if (auto c = a.namespace_ <=> b.namespace_; c != 0) return c;
    return a.name <=> b.name;
  }
};

// Namespace, Node, CiliumClusterwideNetworkPolicy and CiliumCIDRGroup are
// cluster-scoped; every other kind netreach reads is namespaced.
bool is_cluster_scoped(const KindInfo& kind);

// The key of an object of the input (a YAML mapping): null for a kind netreach
// does not read (another project's, one its group does not serve, one that
// cannot change a verdict) and for an object without metadata.name; those the
// cluster builder reports or counts. A namespaced object without a namespace
// is in `default`, as the builder places it.
std::optional<ObjectKey> object_key(const YamlNode& object);

// A reference as written after --remove or --set-labels: KIND/NS/NAME, or
// KIND/NAME for a cluster-scoped kind.
struct ObjectRef {
  ObjectKey key;
  std::string written;
  std::string kind_written;  // "cnp": suggestions are written the way the user writes
};

// `option` ("--remove") names the argument in errors. Errors: no such kind, a
// kind whose objects cannot change a verdict, the wrong number of parts for
// the kind's scope, an empty part.
Result<ObjectRef> parse_object_ref(std::string_view written, std::string_view option);

// One change of kubectl's `key=value,key-`: set (value) or remove (no value).
struct LabelChange {
  std::string key;
  std::optional<std::string> value;
};

// Errors: an empty list or item, a key that is not a Kubernetes qualified
// name, a value that is not a valid label value, a key set twice.
Result<std::vector<LabelChange>> parse_label_changes(std::string_view written, std::string_view option);

// "team=x, -app".
std::string describe(const std::vector<LabelChange>& changes);

struct WhatIfPlan {
  std::vector<std::string> add;
  std::vector<ObjectRef> remove;
  struct Relabel {
    ObjectRef object;
    std::vector<LabelChange> changes;
  };
  std::vector<Relabel> set_labels;
};

// Every malformed change is reported, not only the first.
Result<WhatIfPlan> parse_what_if(const WhatIf& what_if);

// Removals, then relabellings, in the order given. Returns one line per
// change ("removed Namespace partner-cp and the 4 objects in it"). Errors: an
// object not in the cluster, a label removed that the object does not have,
// a change of kubernetes.io/metadata.name. On errors the cluster is left
// partly changed: the caller discards it.
Result<std::vector<std::string>> apply_what_if(Cluster& cluster, const WhatIfPlan& plan);

}  // namespace netreach
