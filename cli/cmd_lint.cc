// netreach lint: the risky spots of the input's policies (engine/lint), as
// text, JSON or SARIF (lint_format.h). Exit 1 when a finding is at or above
// --fail-level.
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "lint_format.h"

namespace netreach_cli {
namespace {

struct LintArgs {
  std::string output = "text";
  std::string fail_level = "warning";
};

int run_lint(CommonArgs& common, const LintArgs& args) {
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  auto findings = netreach::lint(*model);
  if (args.output == "json") write_lint_json(findings, std::cout);
  else if (args.output == "sarif") write_lint_sarif(findings, std::cout);
  else write_lint_text(findings, std::cout);
  if (args.fail_level == "none") return 0;
  // Severity orders Error < Warning < Note: "at or above" is <=.
  auto level = args.fail_level == "error" ? netreach::Severity::Error
               : args.fail_level == "note" ? netreach::Severity::Note
                                           : netreach::Severity::Warning;
  for (const auto& f : findings)
    if (f.severity() <= level) return 1;
  return 0;
}

}  // namespace

Command lint_command(CommonArgs& common) {
  auto args = std::make_shared<LintArgs>();
  return {"lint", "the risky spots of the policies: namespace look-alikes, one-sided flows, selectors matching nothing, ... (rule id, file:line, fix)",
          [args](CLI::App* cmd) {
            cmd->add_option("-o,--output", args->output, "text, json or sarif (SARIF 2.1.0, for code-scanning views)")
                ->check(CLI::IsMember({"text", "json", "sarif"}));
            cmd->add_option("--fail-level", args->fail_level,
                            "exit 1 when a finding of this severity or above exists: error, warning (default), note or none")
                ->check(CLI::IsMember({"error", "warning", "note", "none"}));
          },
          [&common, args] { return run_lint(common, *args); }};
}

}  // namespace netreach_cli
