// netreach check -e EXPECTATIONS: the CI gate. Every expectation judged, written as it is judged (report.h).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.h"
#include "output.h"
#include "report.h"
#include "style.h"
#include "what_if_args.h"

namespace netreach_cli {
namespace {

struct CheckArgs {
  std::string expectations;
  OutputArgs output;
  bool brief = false;
};

const std::vector<std::string> kCheckFormats = {"text", "json", "junit"};

int run_check(CommonArgs& common, const CheckArgs& args) {
  // The reports' files are opened first: a JUnit report asked for is written
  // even when the input is bad (one <error> test case saying why).
  auto outputs = Outputs::open("check", args.output, kCheckFormats);
  if (!outputs) return kExitBadInput;
  std::vector<std::unique_ptr<CheckWriter>> writers;
  for (auto& t : outputs->targets()) {
    auto format = t.format == "json" ? CheckFormat::Json : t.format == "junit" ? CheckFormat::Junit : CheckFormat::Text;
    CheckWriterOptions options{use_colour(t.terminal, common.no_color), args.brief, writers.empty() ? &std::cerr : nullptr};
    writers.push_back(std::make_unique<CheckWriter>(format, *t.stream, args.expectations, options));
  }
  auto bad_input = [&](const std::vector<std::string>& errors) {
    for (auto& w : writers) w->fail(errors);
    outputs->close();
    return kExitBadInput;
  };
  netreach::SourceTable expectation_sources;  // outlives every diagnostic below
  auto expectations = netreach::load_expectations(args.expectations, expectation_sources);
  if (!expectations) {
    print_diagnostics(expectations.errors(), false);
    return bad_input(error_messages(expectations.errors()));
  }
  auto model = load_model(common);
  if (!model) return bad_input(common.load_errors);
  // Results are written as they are judged (cli/report.h): memory does not
  // grow with the number of expectations.
  for (auto& w : writers) {
    w->set_hypothetical(common.hypothetical);
    w->begin();
  }
  auto counts = netreach::check(*model, *expectations, [&](const netreach::CheckResult& r) {
    for (auto& w : writers) w->add(r);
  });
  if (!counts) {
    print_diagnostics(counts.errors(), false);
    return bad_input(error_messages(counts.errors()));
  }
  for (auto& w : writers) w->finish(*counts);
  if (!outputs->close()) return kExitBadInput;
  return counts->failed == 0 ? 0 : 1;
}

}  // namespace

Command check_command(CommonArgs& common) {
  auto args = std::make_shared<CheckArgs>();
  return {"check", "assert expected connectivity from an expectations file (exit 0 all hold, 1 some fail, 2 bad input)",
          [&common, args](CLI::App* cmd) {
            cmd->add_option("-e,--expectations", args->expectations, "expectations file (apiVersion netreach/v1, kind Expectations)")
                ->required()
                ->type_name("FILE");
            add_output_options(cmd, args->output, kCheckFormats,
                               "text (PASS/FAIL lines), json (docs/check-json.md) or junit (for CI systems)");
            cmd->add_flag("--brief", args->brief, "text: one line per expectation, no explanations");
            add_what_if_options(cmd, common.what_if);
          },
          [&common, args] { return run_check(common, *args); }};
}

}  // namespace netreach_cli
