// render_text(): the explanation `netreach query` prints. Pure formatting of
// the QueryResult data; no decisions are made here.
#include <fmt/format.h>

#include "model/verdict.h"

namespace netreach {
namespace {

std::string_view upper(Verdict v) {
  return v == Verdict::Allow ? "ALLOW" : v == Verdict::Deny ? "DENY" : "UNKNOWN";
}

std::string where(const RuleRef& ref) {
  return ref.pos.known() ? fmt::format(" ({})", ref.pos.to_string()) : "";
}

void indent_block(std::string& out, const std::string& text, std::string_view pad) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += fmt::format("{}{}\n", pad, std::string_view(text).substr(start, end - start));
    start = end + 1;
  }
}

void render_side(std::string& out, const SideVerdict& side) {
  out += fmt::format("  {} of {}: {}\n", side.direction, side.endpoint, upper(side.verdict));
  out += fmt::format("    {}\n", side.reason);
  if (!side.selecting.empty()) {
    out += fmt::format("    {} rules selecting it:\n", side.direction);
    for (const auto& r : side.selecting) out += fmt::format("      - {} {}{}\n", r.policy_display(), r.path, where(r));
  }
  for (const auto& c : side.caveats) out += fmt::format("    caveat: {}\n", c);
  if (!side.near_misses.empty()) {
    out += "    closest rules, and why they do not match:\n";
    for (const auto& nm : side.near_misses) {
      std::string what = nm.request_checked ? "the peer and port match, the HTTP request does not"
                         : nm.port_matched && !nm.peer_matched ? "the port matches, the peer does not"
                         : nm.peer_matched && !nm.port_matched ? "the peer matches, the port does not"
                                                               : "neither peer nor port matches";
      out += fmt::format("      - {} {}{}: {}\n", nm.rule.policy_display(), nm.element.empty() ? nm.rule.path : nm.element,
                         where(nm.rule), what);
      for (const auto& r : nm.reasons) out += fmt::format("          * {}\n", r);
    }
  }
  if (!side.suggestion.empty()) {
    if (side.verdict == Verdict::Deny && side.decisive) {
      out += fmt::format("    to change: {}\n", side.suggestion);
    } else {
      out += fmt::format("    to allow it, add this to a policy selecting {}:\n", side.endpoint);
      indent_block(out, side.suggestion, "      ");
    }
  }
}

}  // namespace

std::string render_text(const QueryResult& result) {
  std::string out = result.headline + "\n";
  for (const auto& note : result.notes) out += fmt::format("  note: {}\n", note);
  for (const auto& flow : result.flows) {
    out += "\n";
    if (result.flows.size() > 1 || !flow.assumption.empty())
      out += fmt::format("{} {} -> {} {}{}\n", upper(flow.verdict), flow.from, flow.to, flow_port_text(flow.port, flow.protocol),
                         flow.assumption.empty() ? "" : fmt::format(" ({})", flow.assumption));
    for (const auto& n : flow.notes) out += fmt::format("  note: {}\n", n);
    render_side(out, flow.egress);
    render_side(out, flow.ingress);
  }
  return out;
}

}  // namespace netreach
