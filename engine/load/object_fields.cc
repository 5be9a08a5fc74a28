#include "load/object_fields.h"

#include <fmt/format.h>

namespace netreach {

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
