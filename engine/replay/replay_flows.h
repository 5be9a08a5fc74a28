// replay_flows: the records of Hubble exports, judged against a model and
// grouped into a ReplayReport (replay/replay.h says what each outcome means).
#pragma once

#include <vector>

#include "replay/flow_reader.h"
#include "replay/replay.h"
#include "resolve/model.h"

namespace netreach {

ReplayReport replay_flows(const Model& model, const std::vector<FlowRecord>& records);

}  // namespace netreach
