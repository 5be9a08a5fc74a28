// netreach summary: what was loaded, and what was ignored and why.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.h"
#include "output.h"
#include "report.h"

namespace netreach_cli {
namespace {

struct SummaryArgs {
  OutputArgs output;
};

const std::vector<std::string> kSummaryFormats = {"text", "json"};

int run_summary(CommonArgs& common, const SummaryArgs& args) {
  auto outputs = Outputs::open("summary", args.output, kSummaryFormats);
  if (!outputs) return kExitBadInput;
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  auto summary = netreach::summarize(*model);
  for (auto& t : outputs->targets()) {
    if (t.format == "json") *t.stream << summary_json(summary).dump(2) << "\n";
    else *t.stream << summary_text(summary);
  }
  return outputs->close() ? 0 : kExitBadInput;
}


}  // namespace

Command summary_command(CommonArgs& common) {
  auto args = std::make_shared<SummaryArgs>();
  return {"summary", "what was loaded: counts per kind, namespaces, pods, identities, policies, and what was ignored",
          [args](CLI::App* cmd) { add_output_options(cmd, args->output, kSummaryFormats, "text or json (docs/summary-json.md)"); },
          [&common, args] { return run_summary(common, *args); }};
}

}  // namespace netreach_cli
