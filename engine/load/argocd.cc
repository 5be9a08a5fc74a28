#include "load/argocd.h"

#include <fmt/format.h>

#include "load/object_fields.h"

namespace netreach {
namespace {

void read_source(const YamlNode& node, const std::string& field, ArgoApplication& app, Diagnostics& errors) {
  if (!node.is_mapping()) {
    errors.push_back(field_type_error(node, field, "a mapping"));
    return;
  }
  ArgoSource source;
  source.pos = node.pos();
  source.path_pos = node.find("path") ? node.find("path")->pos() : node.pos();
  source.repo_url = optional_string(node, "repoURL", field + ".repoURL", errors);
  source.path = optional_string(node, "path", field + ".path", errors);
  source.chart = optional_string(node, "chart", field + ".chart", errors);
  if (const YamlNode* dir = node.find("directory"); dir && dir->is_mapping())
    if (const YamlNode* recurse = dir->find("recurse"); recurse && recurse->as_bool()) source.recurse = *recurse->as_bool();
  for (const char* option : {"kustomize", "helm", "plugin"})
    if (const YamlNode* n = node.find(option); n && !n->is_null()) source.unapplied.push_back(option);
  app.sources.push_back(std::move(source));
}

}  // namespace

std::string ArgoApplication::display() const {
  return fmt::format("Argo CD Application {}/{}", namespace_.empty() ? "default" : namespace_, name);
}

bool is_argo_application(const YamlNode& object) { return has_group_kind(object, "argoproj.io", "Application"); }

Result<ArgoApplication> parse_argo_application(const YamlNode& object) {
  ArgoApplication app;
  app.pos = object.pos();
  Diagnostics errors;
  if (const YamlNode* metadata = object.find("metadata"); metadata && metadata->is_mapping()) {
    app.name = optional_string(*metadata, "name", "metadata.name", errors);
    app.namespace_ = optional_string(*metadata, "namespace", "metadata.namespace", errors);
  }
  const YamlNode* spec = object.find("spec");
  if (!spec || !spec->is_mapping())
    return Diagnostic::error(spec ? spec->pos() : object.pos(), "spec", fmt::format("{} has no spec", app.display()));
  if (const YamlNode* dest = spec->find("destination"); dest && dest->is_mapping())
    app.destination_namespace = optional_string(*dest, "namespace", "spec.destination.namespace", errors);
  if (const YamlNode* source = spec->find("source"); source && !source->is_null())
    read_source(*source, "spec.source", app, errors);
  if (const YamlNode* sources = spec->find("sources"); sources && !sources->is_null()) {
    if (!sources->is_sequence()) errors.push_back(field_type_error(*sources, "spec.sources", "a list"));
    else
      for (size_t i = 0; i < sources->items().size(); ++i)
        read_source(sources->items()[i], fmt::format("spec.sources[{}]", i), app, errors);
  }
  if (!errors.empty()) return errors;
  return app;
}

}  // namespace netreach
