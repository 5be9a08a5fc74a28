#include "diff_format.h"
#include "what_if_args.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace netreach_cli {
namespace {

using netreach::FlowChange;
using netreach::ObjectChange;
using netreach::ReachabilityDiff;

constexpr int kDiffSchemaVersion = 1;

std::string object_line(const ObjectChange& c) {
  std::string out = fmt::format("{} {}", netreach::to_string(c.change), c.display());
  if (!c.what.empty()) out += " (" + c.what + ")";
  if (!c.where.empty()) out += " at " + c.where;
  return out;
}

std::string causes_text(const ReachabilityDiff& diff, const FlowChange& f) {
  if (f.causes.empty()) return "no changed object selects either end (a change of peers elsewhere)";
  std::vector<std::string> items;
  for (size_t i : f.causes) items.push_back(object_line(diff.objects[i]));
  return fmt::format("{}", fmt::join(items, "; "));
}

std::string unknown_change(const FlowChange& f) {
  if (f.unknown_before == f.unknown_after) return "";
  return fmt::format("unknown {} -> {}", f.unknown_before.empty() ? "none" : f.unknown_before.to_string(),
                     f.unknown_after.empty() ? "none" : f.unknown_after.to_string());
}

template <typename Pred>
std::vector<const FlowChange*> flows_where(const ReachabilityDiff& d, Pred&& pred) {
  std::vector<const FlowChange*> out;
  for (const auto& f : d.flows)
    if (pred(f)) out.push_back(&f);
  return out;
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

void write_diff_text(const DiffView& view, std::ostream& out) {
  const ReachabilityDiff& d = *view.diff;
  if (!view.hypothetical.empty())
    out << hypothetical_line(view.hypothetical);
  out << fmt::format("reachability from {} to {}\n\n", view.base, view.head);
  out << fmt::format("objects changed: {}\n", d.objects.size());
  for (const auto& c : d.objects) out << "  " << object_line(c) << "\n";
  auto section = [&](const char* title, const std::vector<const FlowChange*>& flows, auto ports) {
    out << fmt::format("\n{} ({} flow{}):\n", title, flows.size(), flows.size() == 1 ? "" : "s");
    for (const auto* f : flows) {
      out << fmt::format("  {} -> {}  {}\n", f->from, f->to, ports(*f));
      out << fmt::format("      because: {}\n", causes_text(d, *f));
    }
  };
  section("opened", flows_where(d, [](const FlowChange& f) { return !f.opened.empty(); }),
          [](const FlowChange& f) { return f.opened.to_string(); });
  section("closed", flows_where(d, [](const FlowChange& f) { return !f.closed.empty(); }),
          [](const FlowChange& f) { return f.closed.to_string(); });
  section("changed (only what depends on missing facts)",
          flows_where(d, [](const FlowChange& f) { return f.opened.empty() && f.closed.empty(); }),
          [](const FlowChange& f) { return unknown_change(f); });
  out << fmt::format("\n{} opened, {} closed, {} changed\n", d.opened(), d.closed(), d.changed());
}

void write_diff_json(const DiffView& view, std::ostream& out) {
  const ReachabilityDiff& d = *view.diff;
  nlohmann::json objects = nlohmann::json::array();
  for (const auto& c : d.objects) {
    nlohmann::json j = {{"change", netreach::to_string(c.change)}, {"kind", c.kind}, {"name", c.name}, {"where", c.where}};
    if (!c.namespace_.empty()) j["namespace"] = c.namespace_;
    if (!c.what.empty()) j["what"] = c.what;
    objects.push_back(std::move(j));
  }
  nlohmann::json flows = nlohmann::json::array();
  for (const auto& f : d.flows) {
    nlohmann::json causes = nlohmann::json::array();
    for (size_t i : f.causes) causes.push_back(d.objects[i].display());
    flows.push_back({{"from", f.from},
                     {"to", f.to},
                     {"opened", f.opened.to_string()},
                     {"closed", f.closed.to_string()},
                     {"allowed_before", f.allowed_before.to_string()},
                     {"allowed_after", f.allowed_after.to_string()},
                     {"unknown_before", f.unknown_before.to_string()},
                     {"unknown_after", f.unknown_after.to_string()},
                     {"from_world", f.from_world},
                     {"to_world", f.to_world},
                     {"cross_namespace", f.cross_namespace},
                     {"causes", causes}});
  }
  nlohmann::json doc = {{"schemaVersion", kDiffSchemaVersion},
                        {"base", view.base},
                        {"head", view.head},
                        {"objects", objects},
                        {"flows", flows},
                        {"summary", {{"opened", d.opened()}, {"closed", d.closed()}, {"changed", d.changed()}}}};
  if (!view.hypothetical.empty()) doc["hypothetical"] = view.hypothetical;
  out << doc.dump(2) << "\n";
}

void write_diff_markdown(const DiffView& view, std::ostream& out) {
  const ReachabilityDiff& d = *view.diff;
  out << fmt::format("### netreach: {} opened, {} closed, {} changed\n\n", d.opened(), d.closed(), d.changed());
  if (!view.hypothetical.empty())
    out << fmt::format("_Hypothetical (what-if): {}_\n\n", md_escape(fmt::format("{}", fmt::join(view.hypothetical, "; "))));
  out << fmt::format("Reachability from `{}` to `{}`.\n\n", md_escape(view.base), md_escape(view.head));
  if (d.flows.empty()) {
    out << "No flow changes.\n";
  } else {
    out << "| | From | To | Ports | Caused by |\n|---|---|---|---|---|\n";
    for (const auto& f : d.flows) {
      std::vector<std::string> ports;
      if (!f.opened.empty()) ports.push_back("opened " + f.opened.to_string());
      if (!f.closed.empty()) ports.push_back("closed " + f.closed.to_string());
      if (auto u = unknown_change(f); !u.empty()) ports.push_back(u);
      std::vector<std::string> causes;
      for (size_t i : f.causes) causes.push_back(d.objects[i].display());
      const char* mark = !f.opened.empty() && !f.closed.empty() ? "±" : !f.opened.empty() ? "➕" : !f.closed.empty() ? "➖" : "~";
      out << fmt::format("| {} | `{}` | `{}` | {} | {} |\n", mark, md_escape(f.from), md_escape(f.to),
                         md_escape(fmt::format("{}", fmt::join(ports, "; "))),
                         md_escape(causes.empty() ? "-" : fmt::format("{}", fmt::join(causes, ", "))));
    }
  }
  out << "\n<details><summary>Details: " << d.objects.size() << " changed object" << (d.objects.size() == 1 ? "" : "s")
      << "</summary>\n\n";
  for (const auto& c : d.objects) out << "- " << md_escape(object_line(c)) << "\n";
  for (const auto& f : d.flows)
    out << fmt::format("- `{}` -> `{}`: before {}, after {}; because: {}\n", md_escape(f.from), md_escape(f.to),
                       f.allowed_before.empty() ? "nothing" : f.allowed_before.to_string(),
                       f.allowed_after.empty() ? "nothing" : f.allowed_after.to_string(), md_escape(causes_text(d, f)));
  out << "\n</details>\n";
}

std::vector<std::string> failing_categories(const ReachabilityDiff& d, const std::vector<std::string>& fail_on) {
  std::vector<std::string> out;
  for (const auto& c : fail_on) {
    bool hit = std::any_of(d.flows.begin(), d.flows.end(), [&](const FlowChange& f) {
      bool opened = !f.opened.empty();
      if (c == "opened") return opened;
      if (c == "closed") return !f.closed.empty();
      if (c == "any") return true;
      if (c == "opened-from-world") return opened && f.from_world;
      if (c == "opened-to-world") return opened && f.to_world;
      if (c == "opened-cross-namespace") return opened && f.cross_namespace;
      return false;
    });
    if (hit && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

}  // namespace netreach_cli
