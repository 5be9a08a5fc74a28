// netreach summary: what was loaded, and what was ignored and why.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.h"
#include "report.h"

namespace netreach_cli {
namespace {

struct SummaryArgs {
  std::string output = "text";
};

int run_summary(CommonArgs& common, const SummaryArgs& args) {
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  auto summary = netreach::summarize(*model);
  if (args.output == "json") std::cout << summary_json(summary).dump(2) << "\n";
  else std::cout << summary_text(summary);
  return 0;
}


}  // namespace

Command summary_command(CommonArgs& common) {
  auto args = std::make_shared<SummaryArgs>();
  return {"summary", "what was loaded: counts per kind, namespaces, pods, identities, policies, and what was ignored",
          [args](CLI::App* cmd) { cmd->add_option("-o,--output", args->output, "text or json")->check(CLI::IsMember({"text", "json"})); },
          [&common, args] { return run_summary(common, *args); }};
}

}  // namespace netreach_cli
