#include "load/flux.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

#include "load/kustomize.h"
#include "load/object_fields.h"

namespace netreach {
namespace {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

std::string FluxKustomization::display() const {
  return fmt::format("Flux Kustomization {}/{}", namespace_.empty() ? "default" : namespace_, name);
}

bool is_flux_kustomization(const YamlNode& object) {
  return has_group_kind(object, kFluxKustomizeGroup, "Kustomization");
}

std::string yaml_to_json(const YamlNode& node) {
  switch (node.kind()) {
    case YamlNode::Kind::Null: return "null";
    case YamlNode::Kind::Scalar: {
      auto type = node.scalar_type();
      if (node.style() == YamlNode::Style::Plain &&
          (type == YamlNode::ScalarType::Int || type == YamlNode::ScalarType::Bool))
        return type == YamlNode::ScalarType::Bool ? (*node.as_bool() ? "true" : "false")
                                                  : std::to_string(*node.as_int());
      return json_string(node.text());
    }
    case YamlNode::Kind::Sequence: {
      std::string out = "[";
      for (size_t i = 0; i < node.items().size(); ++i) out += (i ? "," : "") + yaml_to_json(node.items()[i]);
      return out + "]";
    }
    case YamlNode::Kind::Mapping: {
      std::string out = "{";
      for (size_t i = 0; i < node.entries().size(); ++i)
        out += (i ? "," : "") + json_string(node.entries()[i].key) + ":" + yaml_to_json(node.entries()[i].value);
      return out + "}";
    }
  }
  return "null";
}

Result<FluxKustomization> parse_flux_kustomization(const YamlNode& object) {
  FluxKustomization k;
  Diagnostics errors;
  k.pos = object.pos();
  k.path_pos = object.pos();
  if (const YamlNode* metadata = object.find("metadata"); metadata && metadata->is_mapping()) {
    k.name = optional_string(*metadata, "name", "metadata.name", errors);
    k.namespace_ = optional_string(*metadata, "namespace", "metadata.namespace", errors);
  }
  const YamlNode* spec = object.find("spec");
  if (!spec || !spec->is_mapping()) {
    if (spec && !spec->is_null()) return field_type_error(*spec, "spec", "a mapping");
    return Diagnostic::error(object.pos(), "spec", fmt::format("{} has no spec", k.display()));
  }
  k.path = optional_string(*spec, "path", "spec.path", errors);
  if (!k.path.empty()) k.path_pos = spec->find("path")->pos();
  if (k.path.empty()) k.path = "./";
  if (const YamlNode* ref = spec->find("sourceRef"); ref && ref->is_mapping()) {
    k.source_kind = optional_string(*ref, "kind", "spec.sourceRef.kind", errors);
    k.source_name = optional_string(*ref, "name", "spec.sourceRef.name", errors);
    k.source_namespace = optional_string(*ref, "namespace", "spec.sourceRef.namespace", errors);
  } else if (ref && !ref->is_null()) {
    errors.push_back(field_type_error(*ref, "spec.sourceRef", "a mapping"));
  }
  if (k.source_namespace.empty()) k.source_namespace = k.namespace_;
  k.target_namespace = optional_string(*spec, "targetNamespace", "spec.targetNamespace", errors);
  k.name_prefix = optional_string(*spec, "namePrefix", "spec.namePrefix", errors);
  k.name_suffix = optional_string(*spec, "nameSuffix", "spec.nameSuffix", errors);
  if (const YamlNode* components = spec->find("components"); components && !components->is_null()) {
    k.components_pos = components->pos();
    if (!components->is_sequence()) errors.push_back(field_type_error(*components, "spec.components", "a list of paths"));
    else
      for (size_t i = 0; i < components->items().size(); ++i) {
        const YamlNode& item = components->items()[i];
        if (!item.is_scalar()) errors.push_back(field_type_error(item, fmt::format("spec.components[{}]", i), "a path"));
        else k.components.push_back(item.text());
      }
  }
  for (const char* field : {"patches", "images"}) {
    const YamlNode* list = spec->find(field);
    if (!list || list->is_null()) continue;
    if (!list->is_sequence()) {
      errors.push_back(field_type_error(*list, fmt::format("spec.{}", field), "a list"));
      continue;
    }
    (std::string_view(field) == "patches" ? k.patches_json : k.images_json) = yaml_to_json(*list);
  }
  if (const YamlNode* post = spec->find("postBuild"); post && !post->is_null()) {
    if (!post->is_mapping()) return field_type_error(*post, "spec.postBuild", "a mapping");
    k.post_build = true;
    if (const YamlNode* subst = post->find("substitute"); subst && !subst->is_null()) {
      if (!subst->is_mapping()) errors.push_back(field_type_error(*subst, "spec.postBuild.substitute", "a mapping of strings"));
      else
        for (const auto& e : subst->entries()) {
          std::string field = "spec.postBuild.substitute." + e.key;
          if (!e.value.is_scalar()) errors.push_back(field_type_error(e.value, field, "a string"));
          else if (!is_valid_variable_name(e.key))
            errors.push_back(Diagnostic::error(e.key_pos, field,
                                               fmt::format("\"{}\" is not a valid variable name (Flux requires "
                                                           "^[_[:alpha:]][_[:alpha:][:digit:]]*$)",
                                                           e.key)));
          else {
            // kustomize_varsub.go drops newlines from values.
            std::string value = e.value.text();
            value.erase(std::remove(value.begin(), value.end(), '\n'), value.end());
            k.substitute[e.key] = std::move(value);
          }
        }
    }
    if (const YamlNode* from = post->find("substituteFrom"); from && !from->is_null()) {
      if (!from->is_sequence()) errors.push_back(field_type_error(*from, "spec.postBuild.substituteFrom", "a list"));
      else
        for (size_t i = 0; i < from->items().size(); ++i) {
          const YamlNode& item = from->items()[i];
          std::string field = fmt::format("spec.postBuild.substituteFrom[{}]", i);
          if (!item.is_mapping()) {
            errors.push_back(field_type_error(item, field, "a mapping"));
            continue;
          }
          FluxSubstituteFrom ref;
          ref.pos = item.pos();
          ref.kind = optional_string(item, "kind", field + ".kind", errors);
          ref.name = optional_string(item, "name", field + ".name", errors);
          if (const YamlNode* optional = item.find("optional"); optional && optional->as_bool())
            ref.optional = *optional->as_bool();
          if (ref.kind != "ConfigMap" && ref.kind != "Secret")
            errors.push_back(Diagnostic::error(item.find("kind") ? item.find("kind")->pos() : item.pos(), field + ".kind",
                                               fmt::format("expected ConfigMap or Secret, found \"{}\"", ref.kind)));
          else
            k.substitute_from.push_back(std::move(ref));
        }
    }
  }
  if (!errors.empty()) return errors;
  return k;
}

std::string flux_wrapper_kustomization(const FluxKustomization& k, const std::vector<std::string>& resources,
                                       const std::vector<std::string>& components) {
  // JSON is YAML: every value is written as a JSON scalar or array, so no
  // value can change the structure of the file.
  std::string out = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
  auto list = [&](const char* key, const std::vector<std::string>& items) {
    if (items.empty()) return;
    out += fmt::format("{}:\n", key);
    for (const auto& item : items) out += fmt::format("- {}\n", json_string(item));
  };
  list("resources", resources);
  list("components", components);
  if (!k.target_namespace.empty()) out += fmt::format("namespace: {}\n", json_string(k.target_namespace));
  if (!k.name_prefix.empty()) out += fmt::format("namePrefix: {}\n", json_string(k.name_prefix));
  if (!k.name_suffix.empty()) out += fmt::format("nameSuffix: {}\n", json_string(k.name_suffix));
  if (!k.patches_json.empty()) out += fmt::format("patches: {}\n", k.patches_json);
  if (!k.images_json.empty()) out += fmt::format("images: {}\n", k.images_json);
  return out;
}

namespace {

void scan_generated(const std::string& dir, std::vector<std::string>& out) {
  DIR* handle = ::opendir(dir.c_str());
  if (!handle) return;  // kustomize reports what it cannot read
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(handle))
    if (entry->d_name[0] != '.') names.emplace_back(entry->d_name);
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    std::string path = join_display_path(dir, name);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (!find_kustomization_file(path).empty()) out.push_back(path);
      else scan_generated(path, out);
    } else if (S_ISREG(st.st_mode)) {
      auto ends = [&](std::string_view s) {
        return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
      };
      if (ends(".yaml") || ends(".yml")) out.push_back(path);
    }
  }
}

}  // namespace

std::vector<std::string> flux_generated_resources(const std::string& dir) {
  std::vector<std::string> out;
  scan_generated(dir, out);
  return out;
}

}  // namespace netreach
