// JSON strings written straight into a buffer, for reports too large to
// build as nlohmann::json trees (check's streamed JSON, graph -o json).
#pragma once

#include <string>
#include <string_view>

namespace netreach_cli {

// A JSON string as nlohmann::json's dump() writes it (short escapes, other
// control characters as \u00xx, UTF-8 as is), bytes that are not UTF-8
// replaced by U+FFFD so that the report stays valid JSON whatever the input.
void append_json_string(std::string& out, std::string_view s);

}  // namespace netreach_cli
