// Lint findings as data: which rule, how severe, where, what and the fix.
// The words of each rule (its summary and help, shown by every output format
// and as SARIF rule descriptions) live in one table, lint_rules() in
// lint/rules.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/diagnostic.h"

namespace netreach {

struct LintRule {
  std::string_view id;    // stable: "NR001"
  std::string_view name;  // stable: "namespace-lookalike-selector"
  Severity severity;      // of every finding of the rule
  std::string_view summary;  // one sentence: what is wrong
  std::string_view help;     // what it means in Cilium and what to do
  std::string_view doc;      // the docs/semantics.md section deciding it
};

// Every rule, in id order.
const std::vector<LintRule>& lint_rules();
// Null when no rule has this id or name.
const LintRule* find_lint_rule(std::string_view id_or_name);

struct Finding {
  const LintRule* rule = nullptr;
  SourcePos pos;         // the element at fault
  std::string object;    // "CNP partner-cp/partner-api"; empty for a file-level finding
  std::string field;     // "spec.egress[0].toEndpoints[0]"; may be empty
  std::string message;   // what is wrong here, naming the pods and ports concerned
  std::string fix;       // what to change
  Severity severity() const { return rule->severity; }
};

}  // namespace netreach
