// query_json: a query's verdict as data (`query -o json`, and the structured
// explanation beside each result of `check -o json`). The schema is
// docs/query-json.md.
#pragma once

#include <nlohmann/json.hpp>

#include "netreach.h"

namespace netreach_cli {

inline constexpr int kQuerySchemaVersion = 1;

// The verdict, the port and protocol judged, and per flow (one per source
// instance, backend and placement assumption) both sides: the enforcement,
// the rules selecting the endpoint, the decisive rule, the near misses, the
// caveats and the suggestion. Without the text explanation and schemaVersion,
// which the caller adds where it wants them.
nlohmann::json query_result_json(const netreach::QueryResult& result);

// A rule as data: kind, namespace, name, path, file, line, column.
nlohmann::json rule_ref_json(const netreach::RuleRef& rule);

}  // namespace netreach_cli
