// replay_format: `netreach replay` as text and JSON (docs/replay-json.md).
//
//   text  the flows whose verdict would change (would drop, would allow) and
//         those the input cannot decide, per workload pair and port with the
//         deciding side and rule; the counts of unchanged flows; the unmatched
//         and skipped flows by reason, each with its file:line
//   json  the same as data, every group included
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netreach.h"

namespace netreach_cli {

inline constexpr int kReplaySchemaVersion = 1;

struct ReplayView {
  const netreach::ReplayReport* report = nullptr;
  std::vector<std::string> flow_files;
  std::vector<std::string> hypothetical;
};

void write_replay_text(const ReplayView& view, std::ostream& out);
nlohmann::json replay_json(const ReplayView& view);

}  // namespace netreach_cli
