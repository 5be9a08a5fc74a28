#include "replay_format.h"

#include <fmt/format.h>

#include "query_json.h"
#include "what_if_args.h"

namespace netreach_cli {
namespace {

using netreach::ReplayOutcome;

// What each outcome is called in the text, and what it means.
struct OutcomeWords {
  ReplayOutcome outcome;
  std::string_view title;
  std::string_view meaning;
};
constexpr OutcomeWords kOutcomeWords[] = {
    {ReplayOutcome::WouldDrop, "would drop", "observed passing (FORWARDED, REDIRECTED, AUDIT), denied by these policies"},
    {ReplayOutcome::WouldAllow, "would allow", "observed dropped by policy, allowed by these policies"},
    {ReplayOutcome::Undecided, "undecided", "the verdict of these policies depends on a fact the input lacks"},
};

std::string where(const netreach::RuleRef& rule) {
  return fmt::format("{} {}{}", rule.policy_display(), rule.path, rule.pos.known() ? fmt::format(" ({})", rule.pos.to_string()) : "");
}

// "a.jsonl:3, 4, 9" per file, the first `shown` lines.
std::string lines_text(const std::vector<netreach::SourcePos>& lines, size_t shown = 12) {
  std::string out;
  const netreach::SourceFile* file = nullptr;
  for (size_t i = 0; i < lines.size() && i < shown; ++i) {
    if (lines[i].file != file) {
      file = lines[i].file;
      out += fmt::format("{}{}:{}", out.empty() ? "" : "; ", file ? file->display_name : "?", lines[i].line);
    } else {
      out += fmt::format(", {}", lines[i].line);
    }
  }
  if (lines.size() > shown) out += fmt::format(" and {} more", lines.size() - shown);
  return out;
}

std::string plural(size_t n, std::string_view word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

nlohmann::json lines_json(const std::vector<netreach::SourcePos>& lines) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : lines) out.push_back({{"file", p.file ? p.file->display_name : ""}, {"line", p.line}});
  return out;
}

nlohmann::json not_judged_json(const std::vector<netreach::ReplayNotJudged>& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& n : list) {
    nlohmann::json flows = nlohmann::json::array();
    for (size_t i = 0; i < n.lines.size(); ++i)
      flows.push_back({{"file", n.lines[i].file ? n.lines[i].file->display_name : ""}, {"line", n.lines[i].line}, {"flow", n.flows[i]}});
    out.push_back({{"reason", n.reason}, {"count", n.lines.size()}, {"flows", flows}});
  }
  return out;
}

void write_not_judged(std::ostream& out, std::string_view title, const std::vector<netreach::ReplayNotJudged>& list, size_t total) {
  if (list.empty()) return;
  out << fmt::format("\n{} ({}):\n", title, plural(total, "flow"));
  for (const auto& n : list) {
    out << fmt::format("  {}: {}\n", n.reason, plural(n.lines.size(), "flow"));
    for (size_t i = 0; i < n.lines.size() && i < 5; ++i)
      out << fmt::format("      {}:{}  {}\n", n.lines[i].file ? n.lines[i].file->display_name : "?", n.lines[i].line, n.flows[i]);
    if (n.lines.size() > 5) out << fmt::format("      and {} more: {}\n", n.lines.size() - 5, lines_text({n.lines.begin() + 5, n.lines.end()}));
  }
}

}  // namespace

void write_replay_text(const ReplayView& view, std::ostream& out) {
  const auto& r = *view.report;
  out << hypothetical_line(view.hypothetical);
  out << fmt::format("replay of {} from {} against the input: {} judged\n", plural(r.records, "record"),
                     fmt::join(view.flow_files, ", "), plural(r.judged, "flow"));
  for (const auto& words : kOutcomeWords) {
    size_t groups = 0;
    for (const auto& g : r.groups) groups += g.outcome == words.outcome;
    if (groups == 0) {
      if (words.outcome != ReplayOutcome::Undecided) out << fmt::format("\n{}: none ({})\n", words.title, words.meaning);
      continue;
    }
    out << fmt::format("\n{} ({} in {}): {}\n", words.title, plural(r.count(words.outcome), "flow"), plural(groups, "group"), words.meaning);
    for (const auto& g : r.groups) {
      if (g.outcome != words.outcome) continue;
      out << fmt::format("  {} -> {}  {}/{}  {} ({})  at {}\n", g.from, g.to, g.port, netreach::to_string(g.protocol),
                         plural(g.flows, "flow"), fmt::join(g.observed, ", "), lines_text(g.lines));
      out << fmt::format("      {}\n", g.headline);
      for (const auto& d : g.decisions) {
        out << fmt::format("      {} of {}: {}\n", netreach::to_string(d.direction), d.endpoint, d.reason);
        // An allow's reason cites its rule already; a deny by default deny comes from the selecting rules.
        if (d.rule) {
          if (d.reason.find(d.rule->pos.to_string()) == std::string::npos) out << fmt::format("        rule: {}\n", where(*d.rule));
        } else
          for (const auto& s : d.selecting) out << fmt::format("        selected by: {}\n", where(s));
      }
      for (const auto& n : g.notes) out << fmt::format("      note: {}\n", n);
    }
  }
  out << fmt::format("\nunchanged: {} still allowed, {} still denied\n", plural(r.count(ReplayOutcome::StillAllowed), "flow"),
                     plural(r.count(ReplayOutcome::StillDenied), "flow"));
  write_not_judged(out, "unmatched: an end not found in the input", r.unmatched, r.count_unmatched());
  write_not_judged(out, "skipped", r.skipped, r.count_skipped());
}

nlohmann::json replay_json(const ReplayView& view) {
  const auto& r = *view.report;
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : r.groups) {
    nlohmann::json decisions = nlohmann::json::array();
    for (const auto& d : g.decisions) {
      nlohmann::json selecting = nlohmann::json::array();
      for (const auto& s : d.selecting) selecting.push_back(rule_ref_json(s));
      nlohmann::json j = {{"direction", std::string(netreach::to_string(d.direction))}, {"endpoint", d.endpoint},
                          {"verdict", d.verdict}, {"reason", d.reason}, {"selecting", selecting}};
      if (d.rule) j["rule"] = rule_ref_json(*d.rule);
      decisions.push_back(std::move(j));
    }
    groups.push_back({{"outcome", std::string(netreach::to_string(g.outcome))}, {"from", g.from}, {"to", g.to}, {"port", g.port},
                      {"protocol", std::string(netreach::to_string(g.protocol))}, {"flows", g.flows}, {"observed", g.observed},
                      {"lines", lines_json(g.lines)}, {"headline", g.headline}, {"decisions", decisions}, {"notes", g.notes}});
  }
  nlohmann::json doc = {
      {"schemaVersion", kReplaySchemaVersion},
      {"flow_files", view.flow_files},
      {"counts",
       {{"records", r.records}, {"judged", r.judged}, {"would_drop", r.count(ReplayOutcome::WouldDrop)},
        {"would_allow", r.count(ReplayOutcome::WouldAllow)}, {"still_allowed", r.count(ReplayOutcome::StillAllowed)},
        {"still_denied", r.count(ReplayOutcome::StillDenied)}, {"undecided", r.count(ReplayOutcome::Undecided)},
        {"unmatched", r.count_unmatched()}, {"skipped", r.count_skipped()}}},
      {"groups", groups},
      {"unmatched", not_judged_json(r.unmatched)},
      {"skipped", not_judged_json(r.skipped)},
  };
  if (!view.hypothetical.empty()) doc["hypothetical"] = view.hypothetical;
  return doc;
}

}  // namespace netreach_cli
