// replay: flows Hubble observed, judged against the given policies.
//
// The flows are read from `hubble observe -o json` (a Flow per line) or
// `-o jsonpb` (a GetFlowsResponse per line) exports (replay/flow_reader.h),
// each end matched to an endpoint of the input (replay/endpoint_match.h) and
// the flow judged with query(). What each pair of (observed verdict, verdict
// of the given policies) means is one table (replay.cc :: outcome_of); the
// report groups the flows by outcome, workload pair and port. Flows that are
// not judged are counted and listed with the reason, never dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/protocol.h"
#include "model/rule_ref.h"
#include "model/source.h"

namespace netreach {

// What the given policies do to a flow Hubble observed.
enum class ReplayOutcome : uint8_t {
  WouldDrop,      // it passed (FORWARDED, REDIRECTED, or AUDIT: let through by audit mode); the policies deny it
  WouldAllow,     // policy dropped it (DROPPED, POLICY_DENIED / POLICY_DENY); the policies allow it
  StillAllowed,   // it passed, and the policies allow it
  StillDenied,    // policy dropped it, and the policies deny it too
  Undecided,      // the policies' verdict depends on a fact the input lacks
};
// "would-drop", "would-allow", "still-allowed", "still-denied", "undecided"
std::string_view to_string(ReplayOutcome outcome);

// One side of the judged flow that decided it (as query() explains it).
struct ReplayDecision {
  Direction direction = Direction::Egress;
  std::string endpoint;             // the side's endpoint
  std::string verdict;              // "allow", "deny", "unknown"
  std::string reason;               // one line, from the query explanation
  std::optional<RuleRef> rule;      // the rule element that allowed or denied, when one did
  std::vector<RuleRef> selecting;   // the rules selecting the endpoint (where a default deny comes from)
};

// Flows of one outcome between one pair of endpoints on one port.
struct ReplayGroup {
  ReplayOutcome outcome = ReplayOutcome::StillAllowed;
  std::string from, to;            // workloads as NS/KIND/NAME, bare pods NS/po/NAME, entities, addresses
  uint16_t port = 0;
  Protocol protocol = Protocol::TCP;
  size_t flows = 0;
  std::vector<std::string> observed;  // the Hubble verdicts seen ("FORWARDED", "AUDIT"), sorted
  std::vector<SourcePos> lines;       // where each flow is, in input order
  std::string headline;               // query()'s: "DENY a/x -> b/y 5555/TCP"
  std::vector<ReplayDecision> decisions;  // the deciding sides: those that deny (or are unknown), else both
  std::vector<std::string> notes;     // query()'s notes, and why a verdict is unknown
};

// Flows that were not judged, with one reason.
struct ReplayNotJudged {
  std::string reason;               // "reply (is_reply: true)", "source partner-cp/foo-1: no pod ..."
  std::vector<SourcePos> lines;
  std::vector<std::string> flows;   // each flow in a few words ("partner-cp/x -> 10.0.0.1:443/TCP"), parallel to lines
};

struct ReplayReport {
  size_t records = 0;               // lines read (blank lines aside)
  size_t judged = 0;                // flows judged
  std::vector<ReplayGroup> groups;  // by outcome (as listed in ReplayOutcome), then from, to, protocol, port
  std::vector<ReplayNotJudged> unmatched;  // an end not matched to the input (or a query error), by reason
  std::vector<ReplayNotJudged> skipped;    // replies, non-L3/L4 events, ICMP, non-policy drops, non-flow events, by reason
  size_t count(ReplayOutcome outcome) const;        // flows of that outcome
  size_t count_unmatched() const, count_skipped() const;
};

}  // namespace netreach
