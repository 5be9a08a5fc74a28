// load() and summarize(): the pipeline load -> model -> policy -> resolve,
// with a what-if's changes (whatif/what_if.h) between the cluster and its
// resolution.
#include "netreach.h"

#include <algorithm>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "build/cluster_builder.h"
#include "graph/cluster_graph.h"
#include "load/manifest_reader.h"
#include "load/var_substitution.h"
#include "model/kinds.h"
#include "query/query.h"
#include "resolve/label_index.h"
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

// --var NAME=VALUE and --vars-file FILE; a later definition wins.
Result<Variables> read_variables(const Options& options, SourceTable& sources) {
  Variables vars;
  Diagnostics errors;
  auto define = [&](std::string_view text, SourcePos pos, std::string_view what) {
    auto eq = text.find('=');
    std::string name(text.substr(0, eq == std::string_view::npos ? text.size() : eq));
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    if (eq == std::string_view::npos || !is_valid_variable_name(name)) {
      errors.push_back(Diagnostic::error(pos, "",
                                         fmt::format("{} \"{}\": expected NAME=VALUE with NAME matching "
                                                     "^[_[:alpha:]][_[:alpha:][:digit:]]*$",
                                                     what, text)));
      return;
    }
    vars[name] = std::string(text.substr(eq + 1));
  };
  for (const auto& path : options.vars_files) {
    const SourceFile* file = sources.add(SourceFile{path, "", nullptr, true});
    std::ifstream in(path);
    if (!in) {
      errors.push_back(Diagnostic::error(SourcePos{file, 0, 0}, "", fmt::format("--vars-file: cannot read {}", path)));
      continue;
    }
    std::string line;
    for (uint32_t n = 1; std::getline(in, line); ++n) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '#') continue;
      define(std::string_view(line).substr(first), SourcePos{file, n, static_cast<uint32_t>(first + 1)}, "line");
    }
  }
  const SourceFile* flag = options.vars.empty() ? nullptr : sources.add(SourceFile{"--var", "", nullptr, false});
  for (const auto& v : options.vars) define(v, SourcePos{flag, 0, 0}, "--var");
  if (!errors.empty()) return errors;
  return vars;
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
  read.repo_root = options.repo_root;
  read.exclude = options.exclude;
  read.lenient = options.lenient;
  read.counters = options.counters;
  LoadCounters* counters = options.counters;
  auto add = [&](const YamlNode& object) {
    builder.add(object);
    if (counters) counters->documents.fetch_add(1, std::memory_order_relaxed);
  };
  if (auto vars = read_variables(options, builder.sources()); vars) read.vars = std::move(*vars);
  else {
    outcome.diagnostics = vars.errors();
    return outcome;
  }
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
      add(*object.node);
    }));
  collect(read_input(builder.sources(), read, [&](const ManifestObject& object) {
    if (!added.empty())
      if (auto key = object_key(*object.node))
        if (auto it = added.find(*key); it != added.end()) {
          auto& list = replaced[it->second];
          if (std::find(list.begin(), list.end(), key->display()) == list.end()) list.push_back(key->display());
          return;
        }
    add(*object.node);
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
  if (counters) counters->phase = LoadCounters::Phase::BuildingIdentities;
  outcome.model = resolve_model(std::move(cluster), options);
  if (counters) counters->phase = LoadCounters::Phase::Done;
  return outcome;
}

// Another project's kind that may create pods netreach does not see: a
// HelmRelease renders a chart in the cluster, an Argo CD Application may
// deploy a chart, an operator turns its custom resources into pods. The
// groups listed are known not to.
bool may_create_pods(const std::string& api_version_kind) {
  auto space = api_version_kind.find(' ');
  if (space == std::string::npos) return false;
  const std::string api_version = api_version_kind.substr(0, space), kind = api_version_kind.substr(space + 1);
  if (look_up_kind(api_version, kind).status != KindLookup::Status::UnknownGroup) return false;
  const std::string group = api_version.substr(0, api_version.find('/'));
  auto ends_with = [&](std::string_view suffix) {
    return group.size() >= suffix.size() && group.compare(group.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (group == "helm.toolkit.fluxcd.io") return true;
  if (group == "argoproj.io") return kind != "AppProject";
  for (std::string_view quiet : {"toolkit.fluxcd.io", "cert-manager.io", "monitoring.coreos.com", "cilium.io",
                                 "gateway.networking.k8s.io", "istio.io", "traefik.io", "traefik.containo.us",
                                 "external-secrets.io", "bitnami.com", "kyverno.io", "kustomize.config.k8s.io",
                                 "k8s.io", "x-k8s.io", "snapshot.storage.k8s.io"})
    if (ends_with(quiet)) return false;
  return true;
}

// Selectors that select no pod of the input: the policy's subject, or an
// endpoint peer (which may also select reserved identities).
std::vector<std::string> selectors_without_pods(const Model& model) {
  std::vector<std::string> out;
  // A rule's subjects are already matched (Model::rules_selecting, scoped to
  // the policy's namespace); only pod identities count.
  std::vector<std::vector<char>> subject_selects(model.cluster.policies.size());
  for (size_t p = 0; p < model.cluster.policies.size(); ++p) subject_selects[p].assign(model.cluster.policies[p].rules.size(), 0);
  for (const auto& identity : model.identities.all())
    if (identity.kind == IdentityKind::Pod)
      for (const RuleHandle& h : model.rules_selecting[identity.id]) subject_selects[h.policy][h.rule] = 1;
  const LabelIndex labels(model.identities);
  for (size_t p = 0; p < model.cluster.policies.size(); ++p) {
    const Policy& policy = model.cluster.policies[p];
    for (size_t r = 0; r < policy.rules.size(); ++r) {
      const Rule& rule = policy.rules[r];
      if (!rule.node_selector && !subject_selects[p][r])
        out.push_back(fmt::format("{} {} ({})", rule.ref.policy_display(), rule.ref.path, rule.ref.pos.to_string()));
      for (const auto* list : {&rule.ingress, &rule.ingress_deny, &rule.egress, &rule.egress_deny})
        for (const auto& peer : *list)
          for (size_t i = 0; i < peer.endpoints.size(); ++i)
            if (!labels.any_match(peer.endpoints[i].selector, false))
              out.push_back(fmt::format("{} {} ({})", peer.ref.policy_display(), peer.ref.path, peer.ref.pos.to_string()));
    }
  }
  return out;
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

size_t documents_read(const Model& model) { return model.cluster.documents_read; }

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
  for (const auto& i : c.ignored) {
    s.ignored.push_back({i.api_version_kind, i.count, i.reason});
    if (may_create_pods(i.api_version_kind)) s.pod_creators.push_back({i.api_version_kind, i.count});
  }
  std::sort(s.pod_creators.begin(), s.pod_creators.end());
  s.selectors_without_pods = selectors_without_pods(model);
  std::sort(s.ignored.begin(), s.ignored.end(), [](const auto& a, const auto& b) { return a.kind < b.kind; });
  return s;
}

}  // namespace netreach
