#include "lint_format.h"

#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace netreach_cli {
namespace {

using netreach::Finding;
using netreach::Severity;

std::array<size_t, 3> counts(const std::vector<Finding>& findings) {
  std::array<size_t, 3> n{};  // indexed by Severity (Error, Warning, Note)
  for (const auto& f : findings) ++n[static_cast<size_t>(f.severity())];
  return n;
}

std::string file_of(const Finding& f) { return f.pos.file ? f.pos.file->display_name : ""; }

// A path as a SARIF artifactLocation.uri (a relative URI reference): bytes
// outside the unreserved set and '/' percent-encoded.
std::string uri_of(const std::string& path) {
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') out += char(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string_view sarif_level(Severity s) { return netreach::severity_name(s); }  // error / warning / note: SARIF's words too

}  // namespace

void write_lint_text(const std::vector<Finding>& findings, std::ostream& out) {
  for (const auto& f : findings) {
    std::string where = f.object.empty() ? "" : f.object + (f.field.empty() ? "" : " " + f.field) + ": ";
    if (f.object.empty() && !f.field.empty()) where = f.field + ": ";
    out << fmt::format("{}: {} [{} {}] {}{}\n", f.pos.to_string(), netreach::severity_name(f.severity()), f.rule->id, f.rule->name,
                       where, f.message);
    out << fmt::format("    fix: {}\n", f.fix);
  }
  auto n = counts(findings);
  out << fmt::format("{} finding{}: {} error{}, {} warning{}, {} note{}\n", findings.size(), findings.size() == 1 ? "" : "s", n[0],
                     n[0] == 1 ? "" : "s", n[1], n[1] == 1 ? "" : "s", n[2], n[2] == 1 ? "" : "s");
}

void write_lint_json(const std::vector<Finding>& findings, std::ostream& out) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings)
    list.push_back({{"rule", f.rule->id},
                    {"name", f.rule->name},
                    {"severity", netreach::severity_name(f.severity())},
                    {"file", file_of(f)},
                    {"line", f.pos.line},
                    {"column", f.pos.column},
                    {"object", f.object},
                    {"field", f.field},
                    {"message", f.message},
                    {"fix", f.fix}});
  auto n = counts(findings);
  nlohmann::json doc = {{"findings", list}, {"counts", {{"error", n[0]}, {"warning", n[1]}, {"note", n[2]}}}};
  out << doc.dump(2) << "\n";
}

void write_lint_sarif(const std::vector<Finding>& findings, std::ostream& out) {
  nlohmann::json rules = nlohmann::json::array();
  const auto& all = netreach::lint_rules();
  for (const auto& r : all)
    rules.push_back({{"id", r.id},
                     {"name", r.name},
                     {"shortDescription", {{"text", r.summary}}},
                     {"fullDescription", {{"text", r.help}}},
                     {"help", {{"text", fmt::format("{}\n\n{} (see {} in the netreach repository)", r.summary, r.help, r.doc)},
                               {"markdown", fmt::format("**{}**\n\n{}\n\nSee `{}` in the netreach repository.", r.summary, r.help, r.doc)}}},
                     {"defaultConfiguration", {{"level", sarif_level(r.severity)}}}});
  nlohmann::json results = nlohmann::json::array();
  for (const auto& f : findings) {
    nlohmann::json region = {{"startLine", std::max<uint32_t>(f.pos.line, 1)}};
    if (f.pos.column > 0) region["startColumn"] = f.pos.column;
    std::string subject = f.object.empty() ? f.field : f.object + (f.field.empty() ? "" : " " + f.field);
    results.push_back({{"ruleId", f.rule->id},
                       {"ruleIndex", f.rule - all.data()},
                       {"level", sarif_level(f.severity())},
                       {"message", {{"text", fmt::format("{}{}. Fix: {}", subject.empty() ? "" : subject + ": ", f.message, f.fix)}}},
                       {"locations",
                        nlohmann::json::array({{{"physicalLocation",
                                                 {{"artifactLocation", {{"uri", uri_of(file_of(f).empty() ? "unknown" : file_of(f))}}},
                                                  {"region", region}}}}})}});
  }
  nlohmann::json doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", nlohmann::json::array({{{"tool", {{"driver", {{"name", "netreach"}, {"version", "0.1.0"}, {"rules", rules}}}}},
                                       {"results", results}}})}};
  out << doc.dump(2) << "\n";
}

}  // namespace netreach_cli
