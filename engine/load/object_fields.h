// The few fields netreach reads of other projects' objects (Flux
// Kustomizations, Argo CD Applications), with errors naming the field.
#pragma once

#include <string>
#include <string_view>

#include "load/yaml_node.h"
#include "model/diagnostic.h"

namespace netreach {

// Is `object` of `kind` in the API group `group` (any version)?
bool has_group_kind(const YamlNode& object, std::string_view group, std::string_view kind);

// "expected a string, found a mapping" at `node`, for `field`.
Diagnostic field_type_error(const YamlNode& node, std::string field, std::string_view expected);

// The string at `key` of the mapping `parent`; "" when absent or null. A
// value that is not a scalar is an error appended to `errors`.
std::string optional_string(const YamlNode& parent, std::string_view key, const std::string& field, Diagnostics& errors);

}  // namespace netreach
