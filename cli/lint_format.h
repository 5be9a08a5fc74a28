// lint_format: the findings of `netreach lint` as text, JSON and SARIF 2.1.0.
//
//   text   one "FILE:LINE:COL: SEVERITY [ID name] OBJECT FIELD: message" line per
//          finding with its fix below, then the counts
//   json   {"findings": [{"rule", "name", "severity", "file", "line", "column",
//          "object", "field", "message", "fix"}], "counts": {"error", "warning", "note"}}
//   sarif  SARIF 2.1.0: one run, the driver's rules from lint_rules() (short and
//          full descriptions, help, default level), one result per finding
//          with its physical location; the fix is part of the message
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "netreach.h"

namespace netreach_cli {

void write_lint_text(const std::vector<netreach::Finding>& findings, std::ostream& out);
void write_lint_json(const std::vector<netreach::Finding>& findings, std::ostream& out);
void write_lint_sarif(const std::vector<netreach::Finding>& findings, std::ostream& out);

}  // namespace netreach_cli
