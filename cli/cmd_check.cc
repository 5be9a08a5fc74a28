// netreach check -e EXPECTATIONS: the CI gate. Every expectation judged, written as it is judged (report.h).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.h"
#include "report.h"
#include "what_if_args.h"

namespace netreach_cli {
namespace {

struct CheckArgs {
  std::string expectations;
  std::string output = "text";
};

int run_check(CommonArgs& common, const CheckArgs& args) {
  netreach::SourceTable expectation_sources;  // outlives every diagnostic below
  auto expectations = netreach::load_expectations(args.expectations, expectation_sources);
  if (!expectations) {
    print_diagnostics(expectations.errors(), false);
    return kExitBadInput;
  }
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  // Results are written as they are judged (cli/report.h): memory does not
  // grow with the number of expectations.
  auto format = args.output == "json"    ? CheckFormat::Json
                : args.output == "junit" ? CheckFormat::Junit
                                         : CheckFormat::Text;
  CheckWriter writer(format, std::cout, args.expectations);
  writer.set_hypothetical(common.hypothetical);
  auto counts = netreach::check(*model, *expectations, [&](const netreach::CheckResult& r) { writer.add(r); });
  if (!counts) {
    print_diagnostics(counts.errors(), false);
    return kExitBadInput;
  }
  writer.finish(*counts);
  return counts->failed == 0 ? 0 : 1;
}


}  // namespace

Command check_command(CommonArgs& common) {
  auto args = std::make_shared<CheckArgs>();
  return {"check", "assert expected connectivity from an expectations file (exit 0 all hold, 1 some fail, 2 bad input)",
          [&common, args](CLI::App* cmd) {
            cmd->add_option("-e,--expectations", args->expectations, "expectations file (apiVersion netreach/v1, kind Expectations)")
                ->required();
            cmd->add_option("-o,--output", args->output, "text, json or junit")->check(CLI::IsMember({"text", "json", "junit"}));
            add_what_if_options(cmd, common.what_if);
          },
          [&common, args] { return run_check(common, *args); }};
}

}  // namespace netreach_cli
