#include "load/object_fields.h"

#include <fmt/format.h>

namespace netreach {

bool has_group_kind(const YamlNode& object, std::string_view group, std::string_view kind) {
  const YamlNode* api = object.find("apiVersion");
  const YamlNode* k = object.find("kind");
  if (!api || !k || !api->is_scalar() || !k->is_scalar() || k->text() != kind) return false;
  const std::string& v = api->text();
  return v.size() > group.size() && v.compare(0, group.size(), group) == 0 && v[group.size()] == '/';
}

Diagnostic field_type_error(const YamlNode& node, std::string field, std::string_view expected) {
  return Diagnostic::error(node.pos(), std::move(field), fmt::format("expected {}, found a {}", expected, node.type_name()));
}

std::string optional_string(const YamlNode& parent, std::string_view key, const std::string& field, Diagnostics& errors) {
  const YamlNode* node = parent.find(key);
  if (!node || node->is_null()) return "";
  if (!node->is_scalar()) {
    errors.push_back(field_type_error(*node, field, "a string"));
    return "";
  }
  return node->text();
}

}  // namespace netreach
