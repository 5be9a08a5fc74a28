// ClusterBuilder: Kubernetes objects (as YAML mappings) -> Cluster.
//
// Reads only the fields reachability depends on. Objects of kinds that do not
// matter are counted per kind and listed as ignored, never dropped silently.
// Policies go through parse_policy (strict or lenient). finish() links Pods to
// the workloads that own them, creates namespaces that are used but not
// declared (with a warning), and returns the cluster.
#pragma once

#include <map>
#include <string>
#include <unordered_map>

#include "load/string_field.h"
#include "load/yaml_node.h"
#include "model/cluster.h"
#include "model/diagnostic.h"
#include "model/kinds.h"
#include "model/options.h"
#include "policy/policy_parser.h"

namespace netreach {

struct BuildOptions {
  std::string cluster_name = "default";
  PolicyParseOptions policy;

  // The builder's part of the user's options.
  static BuildOptions from(const Options& options) {
    BuildOptions build;
    build.cluster_name = options.cluster_name;
    build.policy.lenient = options.lenient;
    build.policy.enable_node_selector_labels = options.enable_node_selector_labels;
    return build;
  }
};

class ClusterBuilder {
 public:
  explicit ClusterBuilder(BuildOptions options);

  // The cluster's SourceTable, to register input files in while reading.
  SourceTable& sources() { return *cluster_.sources; }
  std::shared_ptr<SourceTable> shared_sources() const { return cluster_.sources; }

  // Adds one object. Problems are collected (see diagnostics()).
  void add(const YamlNode& object);

  // Errors (strict problems, malformed objects) and warnings so far.
  const Diagnostics& diagnostics() const { return diagnostics_; }

  // Completes the model. The builder is empty afterwards.
  Cluster finish();

 private:
  struct OwnerRef {
    std::string kind;
    std::string name;
  };
  void add_namespace(const YamlNode& object);
  void add_pod_source(const YamlNode& object, const KindInfo& info);
  void add_service(const YamlNode& object);
  void add_node(const YamlNode& object);
  void add_policy(const YamlNode& object, PolicyKind kind);
  void add_cidr_group(const YamlNode& object);  // CiliumCIDRGroup (policy/cidr_group_parser.h)
  // Whether the object being added has an error so far: it is then not
  // applied, and settle() decides what the error becomes.
  bool object_invalid() const {
    for (size_t i = object_first_diagnostic_; i < diagnostics_.size(); ++i)
      if (diagnostics_[i].severity == Severity::Error) return true;
    return false;
  }
  void settle(const YamlNode& object, const std::string& api_version_kind);
  // Counts an object under "apiVersion Kind" in Cluster::ignored.
  void ignore(const std::string& api_version_kind, std::string reason);
  void note_namespace_use(const std::string& ns, const SourcePos& pos);

  BuildOptions options_;
  Cluster cluster_;
  Diagnostics diagnostics_;
  size_t object_first_diagnostic_ = 0;  // diagnostics_ of the object being added start here
  std::map<std::string, size_t> namespace_index_;
  // Every object notes its namespace: a hash map (first position wins), sorted
  // by name only once, in finish().
  std::unordered_map<std::string, SourcePos> used_namespaces_;
  // (namespace, kind, name) of every workload, for ownerReferences.
  std::map<std::tuple<std::string, std::string, std::string>, uint32_t> workload_index_;
  // Intermediate owners (a ReplicaSet not in the input may still be named by a Pod).
  std::map<std::tuple<std::string, std::string, std::string>, OwnerRef> owner_of_;
  std::vector<std::pair<size_t, OwnerRef>> pod_owners_;  // pod index -> its direct owner
  // Sets pod.owner_kind/owner_name for an owner that is not in the input.
  static void infer_owner(Pod& pod, const OwnerRef& owner);
  std::map<std::string, size_t> ignored_index_;
  Yaml11Words yaml11_words_;  // plain y/yes/on/... read as strings: one warning per file
  // (kind, namespace, name) of every policy -> its index and canonical content.
  std::map<std::tuple<int, std::string, std::string>, std::pair<size_t, std::string>> policy_index_;
};

}  // namespace netreach
