// netreach replay --flows FILE: the flows Hubble observed, judged against the
// input's policies (engine/replay): which observed flows they would drop and
// which dropped ones they would allow.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.h"
#include "output.h"
#include "replay_format.h"
#include "what_if_args.h"

namespace netreach_cli {
namespace {

struct ReplayArgs {
  std::vector<std::string> flows;
  std::string fail_on = "dropped";
  OutputArgs output;
};

const std::vector<std::string> kReplayFormats = {"text", "json"};

// --fail-on: which changes of verdict exit 1.
bool fails(const netreach::ReplayReport& report, const std::string& fail_on) {
  const bool dropped = report.count(netreach::ReplayOutcome::WouldDrop) > 0;
  const bool allowed = report.count(netreach::ReplayOutcome::WouldAllow) > 0;
  if (fail_on == "dropped") return dropped;
  if (fail_on == "allowed") return allowed;
  if (fail_on == "any") return dropped || allowed;
  return false;  // none
}

int run_replay(CommonArgs& common, const ReplayArgs& args) {
  if (std::count(args.flows.begin(), args.flows.end(), "-") + std::count(common.files.begin(), common.files.end(), "-") > 1) {
    std::cerr << "error: standard input can be read once: give the manifests (-f) or the flows (--flows) as files\n";
    return kExitBadInput;
  }
  auto outputs = Outputs::open("replay", args.output, kReplayFormats);
  if (!outputs) return kExitBadInput;
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  netreach::SourceTable flow_sources;
  auto report = netreach::replay(*model, args.flows, flow_sources);
  if (!report) {
    print_diagnostics(report.errors(), false);
    return kExitBadInput;
  }
  ReplayView view{&*report, args.flows, common.hypothetical};
  for (auto& t : outputs->targets()) {
    if (t.format == "json") *t.stream << replay_json(view).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    else write_replay_text(view, *t.stream);
  }
  if (!outputs->close()) return kExitBadInput;
  if (fails(*report, args.fail_on)) {
    std::cerr << fmt::format("netreach replay: --fail-on {}: {} observed flows would be dropped, {} dropped ones allowed\n", args.fail_on,
                             report->count(netreach::ReplayOutcome::WouldDrop), report->count(netreach::ReplayOutcome::WouldAllow));
    return 1;
  }
  return 0;
}

}  // namespace

Command replay_command(CommonArgs& common) {
  auto args = std::make_shared<ReplayArgs>();
  return {"replay", "flows Hubble observed (hubble observe -o json or jsonpb), judged against the policies: which would be dropped, which dropped ones allowed",
          [&common, args](CLI::App* cmd) {
            cmd->add_option("--flows", args->flows, "a Hubble export, one JSON flow per line (- for standard input; repeatable)")
                ->type_name("FILE")
                ->required()
                ->allow_extra_args(false);
            cmd->add_option("--fail-on", args->fail_on,
                            "exit 1 when observed flows would be dropped (dropped, the default), dropped ones allowed "
                            "(allowed), either (any), or never (none)")
                ->check(CLI::IsMember({"dropped", "allowed", "any", "none"}));
            add_output_options(cmd, args->output, kReplayFormats, "text, or json: the groups as data (docs/replay-json.md)");
            add_what_if_options(cmd, common.what_if);
          },
          [&common, args] { return run_replay(common, *args); }};
}

}  // namespace netreach_cli
