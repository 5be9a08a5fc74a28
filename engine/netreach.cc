// load() and summarize(): the pipeline load -> model -> policy -> resolve,
// with a what-if's changes (whatif/what_if.h) between the cluster and its
// resolution.
#include "netreach.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "load/cluster_builder.h"
#include "load/manifest_reader.h"
#include "resolve/model.h"
#include "whatif/what_if.h"

namespace netreach {
namespace {

// Reads the input (paths or in-memory texts), registering it in the table.
using ReadInput = std::function<Result<Diagnostics>(SourceTable&, const ReadOptions&,
                                                    const std::function<void(const ManifestObject&)>&)>;

// Errors by file and line, so that one pass over the files fixes the input.
void sort_by_position(Diagnostics& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const std::string_view fa = a.pos.file ? std::string_view(a.pos.file->display_name) : std::string_view();
    const std::string_view fb = b.pos.file ? std::string_view(b.pos.file->display_name) : std::string_view();
    if (fa != fb) return fa < fb;
    if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
    return a.pos.column < b.pos.column;
  });
}

// "added FILE (3 objects, replacing CiliumNetworkPolicy partner-cp/partner-api)".
std::string added_line(const std::string& path, size_t objects, const std::vector<std::string>& replaced) {
  constexpr size_t kListed = 5;
  std::string line = fmt::format("added {} ({} object{}", path, objects, objects == 1 ? "" : "s");
  for (size_t i = 0; i < replaced.size() && i < kListed; ++i) line += (i ? ", " : ", replacing ") + replaced[i];
  if (replaced.size() > kListed) line += fmt::format(" and {} more", replaced.size() - kListed);
  return line + ")";
}

LoadOutcome load_input(const ReadInput& read_input, const Options& options, const WhatIf& what_if) {
  LoadOutcome outcome;
  // A malformed change is a usage error: reported before anything is read.
  auto plan = parse_what_if(what_if);
  if (!plan) {
    outcome.diagnostics = plan.errors();
    return outcome;
  }
  ClusterBuilder builder(BuildOptions::from(options));
  outcome.keep_alive = builder.shared_sources();
  ReadOptions read;
  read.kustomize_program = options.kustomize_program;
  Diagnostics read_errors, warnings;
  auto collect = [&](const Result<Diagnostics>& result) {
    if (result) warnings.insert(warnings.end(), result->begin(), result->end());
    else read_errors.insert(read_errors.end(), result.errors().begin(), result.errors().end());
  };

  // The added manifests are read first, so that an object of the input with
  // the key of an added one (kind, namespace, name) is left out as the input
  // is read: the added object replaces it, as `kubectl apply` would, instead
  // of being a second, conflicting definition.
  std::map<ObjectKey, size_t> added;  // -> the --add path that has it
  std::vector<size_t> added_objects(plan->add.size());
  std::vector<std::vector<std::string>> replaced(plan->add.size());
  for (size_t i = 0; i < plan->add.size(); ++i)
    collect(read_manifests({plan->add[i]}, builder.sources(), read, [&](const ManifestObject& object) {
      ++added_objects[i];
      if (auto key = object_key(*object.node)) added.try_emplace(std::move(*key), i);
      builder.add(*object.node);
    }));
  collect(read_input(builder.sources(), read, [&](const ManifestObject& object) {
    if (!added.empty())
      if (auto key = object_key(*object.node))
        if (auto it = added.find(*key); it != added.end()) {
          auto& list = replaced[it->second];
          if (std::find(list.begin(), list.end(), key->display()) == list.end()) list.push_back(key->display());
          return;
        }
    builder.add(*object.node);
  }));

  if (!read_errors.empty() || has_errors(builder.diagnostics())) {
    // Every file was read: report every problem at once, the reader's and the
    // builder's.
    outcome.diagnostics = std::move(read_errors);
    outcome.diagnostics.insert(outcome.diagnostics.end(), builder.diagnostics().begin(), builder.diagnostics().end());
    sort_by_position(outcome.diagnostics);
    return outcome;
  }
  outcome.diagnostics = std::move(warnings);
  Cluster cluster = builder.finish();
  outcome.diagnostics.insert(outcome.diagnostics.end(), cluster.warnings.begin(), cluster.warnings.end());
  auto applied = apply_what_if(cluster, *plan);
  if (!applied) {
    outcome.diagnostics.insert(outcome.diagnostics.end(), applied.errors().begin(), applied.errors().end());
    return outcome;
  }
  for (size_t i = 0; i < plan->add.size(); ++i)
    outcome.hypothetical.push_back(added_line(plan->add[i], added_objects[i], replaced[i]));
  outcome.hypothetical.insert(outcome.hypothetical.end(), applied->begin(), applied->end());
  outcome.model = resolve_model(std::move(cluster), options);
  return outcome;
}

}  // namespace

LoadOutcome load(const std::vector<std::string>& paths, const Options& options) { return load(paths, options, WhatIf{}); }

LoadOutcome load(const std::vector<std::string>& paths, const Options& options, const WhatIf& what_if) {
  return load_input([&](SourceTable& sources, const ReadOptions& read,
                        const std::function<void(const ManifestObject&)>& on_object) {
    return read_manifests(paths, sources, read, on_object);
  }, options, what_if);
}

LoadOutcome load_texts(const std::vector<InputText>& inputs, const Options& options, const WhatIf& what_if) {
  std::vector<ManifestText> texts;
  texts.reserve(inputs.size());
  for (const auto& input : inputs) texts.push_back({input.name, std::make_shared<const std::string>(input.text)});
  return load_input([&](SourceTable& sources, const ReadOptions& read,
                        const std::function<void(const ManifestObject&)>& on_object) {
    return read_manifest_texts(texts, sources, read, on_object);
  }, options, what_if);
}

Summary summarize(const Model& model) {
  const Cluster& c = model.cluster;
  Summary s;
  s.documents = c.documents_read;
  s.objects_by_kind.assign(c.objects_by_kind.begin(), c.objects_by_kind.end());
  s.namespaces = c.namespaces.size();
  s.undeclared_namespaces = static_cast<size_t>(std::count_if(c.namespaces.begin(), c.namespaces.end(),
                                                               [](const Namespace& n) { return !n.declared; }));
  s.workloads = c.workloads.size();
  s.pods = c.pods.size();
  s.host_network_pods = static_cast<size_t>(std::count_if(c.pods.begin(), c.pods.end(), [](const Pod& p) { return p.host_network; }));
  s.services = c.services.size();
  s.nodes = c.nodes.size();
  s.cidr_groups = c.cidr_groups.size();
  s.identities = model.identities.pod_identity_count();
  for (const auto& p : c.policies) {
    if (p.kind == PolicyKind::CiliumNetworkPolicy) ++s.policies_cnp;
    else if (p.kind == PolicyKind::CiliumClusterwideNetworkPolicy) ++s.policies_ccnp;
    else ++s.policies_knp;
    s.rules += p.rules.size();
  }
  for (const auto& i : c.ignored) s.ignored.push_back({i.api_version_kind, i.count, i.reason});
  std::sort(s.ignored.begin(), s.ignored.end(), [](const auto& a, const auto& b) { return a.kind < b.kind; });
  return s;
}

}  // namespace netreach
