// load() and summarize(): the pipeline load -> model -> policy -> resolve.
#include "netreach.h"

#include <algorithm>

#include "load/cluster_builder.h"
#include "load/manifest_reader.h"
#include "resolve/model.h"

namespace netreach {

LoadOutcome load(const std::vector<std::string>& paths, const Options& options) {
  LoadOutcome outcome;
  ClusterBuilder builder(BuildOptions::from(options));
  outcome.keep_alive = builder.shared_sources();
  ReadOptions read;
  read.kustomize_program = options.kustomize_program;
  auto read_result = read_manifests(paths, builder.sources(), read,
                                    [&](const ManifestObject& object) { builder.add(*object.node); });
  if (!read_result || has_errors(builder.diagnostics())) {
    // Every file was read: report every problem at once, the reader's and the
    // builder's, by file and line, so that one pass fixes the input.
    if (!read_result) outcome.diagnostics = read_result.errors();
    outcome.diagnostics.insert(outcome.diagnostics.end(), builder.diagnostics().begin(), builder.diagnostics().end());
    std::stable_sort(outcome.diagnostics.begin(), outcome.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
      const std::string_view fa = a.pos.file ? std::string_view(a.pos.file->display_name) : std::string_view();
      const std::string_view fb = b.pos.file ? std::string_view(b.pos.file->display_name) : std::string_view();
      if (fa != fb) return fa < fb;
      if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
      return a.pos.column < b.pos.column;
    });
    return outcome;
  }
  outcome.diagnostics = *read_result;
  Cluster cluster = builder.finish();
  outcome.diagnostics.insert(outcome.diagnostics.end(), cluster.warnings.begin(), cluster.warnings.end());
  outcome.model = resolve_model(std::move(cluster), options);
  return outcome;
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
