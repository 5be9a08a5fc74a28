// replay: observed flows judged with query(), and grouped. The decisions are
// the two tables below: how a Hubble verdict is read, and what it means next
// to the verdict of the given policies.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "query/query.h"
#include "replay/endpoint_match.h"
#include "replay/replay.h"
#include "replay/replay_flows.h"

namespace netreach {

std::string_view to_string(ReplayOutcome outcome) {
  switch (outcome) {
    case ReplayOutcome::WouldDrop: return "would-drop";
    case ReplayOutcome::WouldAllow: return "would-allow";
    case ReplayOutcome::StillAllowed: return "still-allowed";
    case ReplayOutcome::StillDenied: return "still-denied";
    case ReplayOutcome::Undecided: return "undecided";
  }
  return "?";
}

size_t ReplayReport::count(ReplayOutcome outcome) const {
  size_t n = 0;
  for (const auto& g : groups)
    if (g.outcome == outcome) n += g.flows;
  return n;
}

size_t ReplayReport::count_unmatched() const {
  size_t n = 0;
  for (const auto& u : unmatched) n += u.lines.size();
  return n;
}

size_t ReplayReport::count_skipped() const {
  size_t n = 0;
  for (const auto& s : skipped) n += s.lines.size();
  return n;
}

namespace {

// What Hubble's verdict says the policy in force did (flow.proto :: Verdict).
enum class Observed : uint8_t { Passed, PolicyDenied, NotJudged };

struct ObservedReading {
  Observed observed = Observed::NotJudged;
  std::string why_not;  // NotJudged: the reason
};

ObservedReading read_verdict(const ObservedFlow& f) {
  // FORWARDED and REDIRECTED (to the L7 proxy) passed policy; AUDIT passed
  // because of policy audit mode: the traffic exists either way.
  if (f.verdict == "FORWARDED" || f.verdict == "REDIRECTED" || f.verdict == "AUDIT") return {Observed::Passed, ""};
  if (f.verdict == "DROPPED") {
    // pkg/monitor/api/drop.go: 133 "Policy denied", 181 "Policy denied by denylist".
    if (f.drop_reason == "POLICY_DENIED" || f.drop_reason == "POLICY_DENY") return {Observed::PolicyDenied, ""};
    if (f.drop_reason.empty()) return {Observed::NotJudged, "DROPPED without a drop reason (drop_reason_desc): not known to be a policy drop"};
    return {Observed::NotJudged, fmt::format("DROPPED for {}, not by policy", f.drop_reason)};
  }
  return {Observed::NotJudged, fmt::format("verdict {}: neither forwarded nor dropped by policy", f.verdict)};
}

ReplayOutcome outcome_of(Observed observed, Verdict judged) {
  if (judged == Verdict::Unknown) return ReplayOutcome::Undecided;
  if (observed == Observed::Passed) return judged == Verdict::Allow ? ReplayOutcome::StillAllowed : ReplayOutcome::WouldDrop;
  return judged == Verdict::Allow ? ReplayOutcome::WouldAllow : ReplayOutcome::StillDenied;
}

// pkg/monitor/api/types.go :: MessageTypePolicyVerdict.
constexpr uint32_t kPolicyVerdictEvent = 5;

// Why a flow is not judged at all, before its ends are matched; empty when it is judged.
std::string skip_reason(const ObservedFlow& f, const ObservedReading& reading) {
  if (f.type != "L3_L4")
    return fmt::format("not an L3/L4 flow (Type {}): L7 and socket events repeat a connection that has its L3/L4 flow", f.type);
  if (reading.observed == Observed::NotJudged) return reading.why_not;
  if (f.is_reply.value_or(f.reply)) return "a reply (is_reply): the connection it answers is judged, not its replies";
  // Hubble leaves is_reply out of drops and of some trace points
  // (pkg/hubble/parser/threefour :: decodeIsReply). Policy is enforced on a
  // connection's first packet only (replies match its conntrack entry), so a
  // policy drop and a policy-verdict event are never replies; anything else
  // without is_reply could be either.
  const bool first_packet = reading.observed == Observed::PolicyDenied || f.verdict == "AUDIT" || f.event_type == kPolicyVerdictEvent;
  if (!f.is_reply && !first_packet) return "is_reply absent: Hubble could not tell a request from a reply";
  if (f.l4.empty()) return "no L4 header (flow.l4)";
  if (!f.protocol) return fmt::format("{}: netreach judges TCP, UDP and SCTP ports", f.l4);
  if (f.destination_port == 0) return fmt::format("{} without a destination port", f.l4);
  return "";
}

std::string describe_end(const ObservedEndpoint& e, const std::string& ip) {
  std::string who = !e.pod_name.empty() ? fmt::format("{}/{}", e.namespace_, e.pod_name)
                    : !e.namespace_.empty() ? e.namespace_ + "/?"
                    : !e.labels.empty()     ? fmt::format("[{}]", fmt::join(e.labels, ","))
                                            : "";
  if (who.empty()) return ip.empty() ? "?" : ip;
  return ip.empty() ? who : fmt::format("{} ({})", who, ip);
}

std::string describe(const FlowRecord& r) {
  if (!r.flow) return fmt::format("{} event", r.event);
  const ObservedFlow& f = *r.flow;
  std::string port = f.protocol ? fmt::format(" {}/{}", f.destination_port, f.l4) : f.l4.empty() ? "" : " " + f.l4;
  return fmt::format("{} -> {}{} {}", describe_end(f.source, f.source_ip), describe_end(f.destination, f.destination_ip), port, f.verdict);
}

void add_not_judged(std::vector<ReplayNotJudged>& list, const std::string& reason, const FlowRecord& r) {
  auto it = std::find_if(list.begin(), list.end(), [&](const ReplayNotJudged& n) { return n.reason == reason; });
  if (it == list.end()) it = list.insert(list.end(), ReplayNotJudged{reason, {}, {}});
  it->lines.push_back(r.pos);
  it->flows.push_back(describe(r));
}

// The deciding sides of a query, as its explanation gives them: those that
// deny (or cannot decide), else both.
std::vector<ReplayDecision> decisions_of(const QueryResult& result) {
  std::vector<ReplayDecision> out;
  if (result.flows.empty()) return out;
  const FlowVerdict* flow = &result.flows.front();
  for (const auto& f : result.flows)
    if (f.verdict == result.verdict) {
      flow = &f;
      break;
    }
  for (const SideVerdict* side : {&flow->egress, &flow->ingress}) {
    if (result.verdict != Verdict::Allow && side->verdict != result.verdict) continue;
    out.push_back(ReplayDecision{side->direction, side->endpoint, std::string(to_string(side->verdict)), side->reason,
                                 side->decisive, side->selecting});
  }
  return out;
}

}  // namespace

ReplayReport replay_flows(const Model& model, const std::vector<FlowRecord>& records) {
  ReplayReport report;
  report.records = records.size();
  // Flows between the same two references on the same port are one query.
  std::map<std::tuple<std::string, std::string, uint32_t, Protocol>, std::shared_ptr<const Result<QueryResult>>> queries;
  using GroupKey = std::tuple<ReplayOutcome, std::string, std::string, Protocol, uint16_t>;
  std::map<GroupKey, ReplayGroup> groups;

  for (const FlowRecord& r : records) {
    if (!r.flow) {
      add_not_judged(report.skipped, fmt::format("not a flow: a {} event", r.event), r);
      continue;
    }
    const ObservedFlow& f = *r.flow;
    const ObservedReading reading = read_verdict(f);
    if (std::string why = skip_reason(f, reading); !why.empty()) {
      add_not_judged(report.skipped, why, r);
      continue;
    }
    EndpointMatch from = match_endpoint(model, f.source, f.source_ip);
    if (!from.endpoint) {
      add_not_judged(report.unmatched, "source " + from.unmatched, r);
      continue;
    }
    EndpointMatch to = match_endpoint(model, f.destination, f.destination_ip);
    if (!to.endpoint) {
      add_not_judged(report.unmatched, "destination " + to.unmatched, r);
      continue;
    }
    auto key = std::make_tuple(from.endpoint->ref, to.endpoint->ref, f.destination_port, *f.protocol);
    auto& cached = queries[key];
    if (!cached)
      cached = std::make_shared<const Result<QueryResult>>(
          query(model, FlowQuery{from.endpoint->ref, to.endpoint->ref, fmt::format("{}", f.destination_port), *f.protocol}));
    if (!*cached) {
      std::vector<std::string> messages;
      for (const auto& d : cached->errors()) messages.push_back(d.message);
      add_not_judged(report.unmatched, fmt::format("not judged: {}", fmt::join(messages, "; ")), r);
      continue;
    }
    const QueryResult& result = **cached;
    ++report.judged;
    const ReplayOutcome outcome = outcome_of(reading.observed, result.verdict);
    const auto port = static_cast<uint16_t>(f.destination_port);
    ReplayGroup& g = groups[GroupKey{outcome, from.endpoint->group, to.endpoint->group, *f.protocol, port}];
    if (g.flows == 0) {
      g.outcome = outcome;
      g.from = from.endpoint->group;
      g.to = to.endpoint->group;
      g.port = port;
      g.protocol = *f.protocol;
      g.headline = result.headline;
      g.decisions = decisions_of(result);
      g.notes = result.notes;
      for (const auto& flow : result.flows)
        for (const auto& n : flow.notes)
          if (std::find(g.notes.begin(), g.notes.end(), n) == g.notes.end()) g.notes.push_back(n);
    }
    ++g.flows;
    g.lines.push_back(r.pos);
    if (std::find(g.observed.begin(), g.observed.end(), f.verdict) == g.observed.end()) {
      g.observed.push_back(f.verdict);
      std::sort(g.observed.begin(), g.observed.end());
    }
  }
  for (auto& [key, group] : groups) report.groups.push_back(std::move(group));
  return report;
}

Result<ReplayReport> replay(const Model& model, const std::vector<std::string>& flow_files, SourceTable& sources) {
  std::vector<FlowRecord> records;
  for (const auto& file : flow_files) {
    auto read = read_flow_file(file, sources);
    if (!read) return read.errors();
    records.insert(records.end(), std::make_move_iterator(read->begin()), std::make_move_iterator(read->end()));
  }
  return replay_flows(model, records);
}

}  // namespace netreach
