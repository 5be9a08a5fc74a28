// render_peer_reason: the one place a rule match (query/peer_reason.h) turns
// into English. Pure formatting; every decision was made by match_peer_rule.
#pragma once

#include <string>
#include <vector>

#include "query/peer_match.h"

namespace netreach {

struct PeerWords {
  std::string description;           // when it matches: what matched
  std::vector<std::string> reasons;  // when it does not: why
  std::string unknown_fact;          // when it may: the fact the input lacks
};

// `ctx` is the context `result` was matched in.
PeerWords render_peer_reason(const MatchContext& ctx, const RuleMatchResult& result);

}  // namespace netreach
