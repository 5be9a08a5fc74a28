#include "html_report.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

#include "version.h"

namespace netreach_cli {
namespace {

using netreach::ClusterGraph;

// Nothing may be loaded: a page that reaches for the network (or a font, a
// stylesheet, an image) is refused by the browser, which says so in its
// console; the test that opens the page fails on any console message.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

constexpr std::string_view kStyle = R"(
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #1b1f24; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; margin-top: 2em; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #c8ccd0; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #eef1f4; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort=ascending]::after { content: " \25B2"; }
table.sortable th[aria-sort=descending]::after { content: " \25BC"; }
td.error { color: #b00020; font-weight: bold; } td.warning { color: #8a5300; font-weight: bold; } td.note { color: #33577a; }
td.allow { color: #1a7f37; font-weight: bold; } td.unknown { color: #8a5300; font-weight: bold; }
code, td.where { font-family: ui-monospace, monospace; font-size: 0.95em; }
ul.decided { margin: 0; padding-left: 1.1em; }
.graph svg { max-width: 100%; height: auto; }
p.note { color: #57606a; }
)";

// Sorting by a click (or Enter) on a column header; a second click reverses.
// A cell's data-sort, when present, is its key (severity rank, line number).
constexpr std::string_view kScript = R"(
(function () {
  'use strict';
  function key(cell) {
    var k = cell.getAttribute('data-sort');
    return k !== null ? k : cell.textContent.trim();
  }
  function compare(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== '' && b !== '' && !isNaN(x) && !isNaN(y)) return x - y;
    return a.localeCompare(b, undefined, {numeric: true});
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, column) {
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r, s) {
          var c = compare(key(r.cells[column]), key(s.cells[column]));
          return ascending ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); }
      });
    });
  });
})();
)";

std::string cell(std::string_view text, std::string_view cls = "", std::string_view sort_key = "") {
  std::string out = "<td";
  if (!cls.empty()) out += fmt::format(" class=\"{}\"", html_escape(cls));
  if (!sort_key.empty()) out += fmt::format(" data-sort=\"{}\"", html_escape(sort_key));
  return out + ">" + html_escape(text) + "</td>";
}

std::string header_row(const std::vector<std::string_view>& names) {
  std::string out = "<thead><tr>";
  for (auto n : names) out += "<th>" + html_escape(n) + "</th>";
  return out + "</tr></thead>";
}

std::string plural(size_t n, std::string_view one, std::string_view many) { return fmt::format("{} {}", n, n == 1 ? one : many); }

void write_summary(const HtmlReport& r, std::ostream& out) {
  const netreach::Summary& s = *r.summary;
  out << "<section id=\"summary\"><h2>Summary</h2>\n<table id=\"summary-counts\">" << header_row({"what", "count"}) << "<tbody>\n";
  auto row = [&](std::string_view what, std::string value) { out << "<tr>" << cell(what) << cell(value) << "</tr>\n"; };
  row("documents read", std::to_string(s.documents));
  row("namespaces", fmt::format("{} ({} used but not declared)", s.namespaces, s.undeclared_namespaces));
  row("workloads", std::to_string(s.workloads));
  row("pods (one per workload template or Pod object)", fmt::format("{} ({} hostNetwork)", s.pods, s.host_network_pods));
  row("services", std::to_string(s.services));
  row("nodes", std::to_string(s.nodes));
  row("CIDR groups", std::to_string(s.cidr_groups));
  row("identities", std::to_string(s.identities));
  row("policies", fmt::format("{} CiliumNetworkPolicy, {} CiliumClusterwideNetworkPolicy, {} NetworkPolicy ({} rules)", s.policies_cnp,
                              s.policies_ccnp, s.policies_knp, s.rules));
  row("policy enforcement (--policy-enforcement; docs/semantics.md#enforcement-mode)", r.enforcement);
  row("graph", fmt::format("{}, {} between them", plural(r.identities, "identity", "identities"), plural(r.identity_edges, "edge", "edges")));
  out << "</tbody></table>\n";

  out << "<h3>Objects by kind</h3>\n<table id=\"summary-objects\" class=\"sortable\">" << header_row({"kind", "objects"}) << "<tbody>\n";
  for (const auto& [kind, count] : s.objects_by_kind) out << "<tr>" << cell(kind) << cell(std::to_string(count)) << "</tr>\n";
  out << "</tbody></table>\n";

  if (s.ignored.empty()) {
    out << "<p>Ignored: nothing.</p>\n";
  } else {
    out << "<h3>Ignored (not relevant to reachability)</h3>\n<table id=\"summary-ignored\" class=\"sortable\">"
        << header_row({"kind", "objects", "why"}) << "<tbody>\n";
    for (const auto& i : s.ignored) out << "<tr>" << cell(i.kind) << cell(std::to_string(i.count)) << cell(i.reason) << "</tr>\n";
    out << "</tbody></table>\n";
  }
  // As summary_text() says it: only when objects that may create pods exist.
  if (!s.pod_creators.empty() && !s.selectors_without_pods.empty()) {
    std::string creators;
    for (const auto& [kind, count] : s.pod_creators) creators += fmt::format("{}{} x{}", creators.empty() ? "" : ", ", kind, count);
    out << "<h3>Selectors that select no pod of the input</h3>\n<p>"
        << html_escape(fmt::format("The pods they select may be created by objects netreach does not render: {}.", creators))
        << "</p>\n<ul>\n";
    for (const auto& sel : s.selectors_without_pods) out << "<li>" << html_escape(sel) << "</li>\n";
    out << "</ul>\n";
  }
  out << "</section>\n";
}

void write_findings(const std::vector<netreach::Finding>& findings, std::ostream& out) {
  std::array<size_t, 3> n{};  // by Severity (Error, Warning, Note)
  for (const auto& f : findings) ++n[static_cast<size_t>(f.severity())];
  out << "<section id=\"lint\"><h2>Lint findings</h2>\n<p>"
      << html_escape(fmt::format("{}: {}, {}, {} (netreach lint).", plural(findings.size(), "finding", "findings"),
                                 plural(n[0], "error", "errors"), plural(n[1], "warning", "warnings"), plural(n[2], "note", "notes")))
      << "</p>\n";
  if (findings.empty()) {
    out << "</section>\n";
    return;
  }
  out << "<table id=\"lint-findings\" class=\"sortable\">" << header_row({"rule", "severity", "where", "object", "message", "fix"})
      << "<tbody>\n";
  for (const auto& f : findings) {
    std::string severity(netreach::severity_name(f.severity()));
    std::string file = f.pos.file ? f.pos.file->display_name : "";
    std::string subject = f.object.empty() ? f.field : f.object + (f.field.empty() ? "" : " " + f.field);
    out << "<tr>" << cell(fmt::format("{} {}", f.rule->id, f.rule->name)) << cell(severity, severity, std::to_string(static_cast<int>(f.severity())))
        << cell(f.pos.to_string(), "where", fmt::format("{}:{:08}:{:06}", file, f.pos.line, f.pos.column)) << cell(subject) << cell(f.message)
        << cell(f.fix) << "</tr>\n";
  }
  out << "</tbody></table>\n</section>\n";
}

// The graph as a table, when it is not drawn: what each vertex sends to and
// receives from (the flows table below has the ports).
void write_graph_table(const ReportNamespace& ns, size_t index, std::ostream& out) {
  std::map<std::string, std::set<std::string>> sends, receives;
  for (const auto& e : ns.graph.edges) {
    const std::string& from = ns.graph.id(e.from);
    const std::string& to = ns.graph.id(e.to);
    sends[from].insert(to), receives[to].insert(from);
  }
  out << fmt::format("<table id=\"graph-{}\" class=\"sortable graph-table\">", index)
      << header_row({"vertex", "kind", "sends to", "receives from"}) << "<tbody>\n";
  auto list = [](const std::set<std::string>& ids) {
    std::string text;
    for (const auto& id : ids) text += (text.empty() ? "" : ", ") + id;
    return text;
  };
  for (const auto& v : ns.graph.vertices)
    out << "<tr>" << cell(v.id) << cell(v.kind) << cell(list(sends[v.id])) << cell(list(receives[v.id])) << "</tr>\n";
  out << "</tbody></table>\n";
}

void write_namespace(const ReportNamespace& ns, size_t index, std::ostream& out) {
  out << fmt::format("<section class=\"namespace\" id=\"namespace-{}\" data-namespace=\"{}\">", index, html_escape(ns.name))
      << "<h2>Namespace " << html_escape(ns.name) << "</h2>\n";
  out << "<h3>Graph</h3>\n<p class=\"note graph-note\">" << html_escape(ns.graph_note) << "</p>\n";
  if (!ns.svg.empty()) out << "<div class=\"graph\">" << ns.svg << "</div>\n";
  else write_graph_table(ns, index, out);
  out << "<h3>Flows</h3>\n";
  if (ns.flows.empty()) {
    out << "<p>No flow has an end in this namespace.</p>\n</section>\n";
    return;
  }
  out << "<p class=\"note\">What both sides allow (and what depends on a fact the input lacks), with the rule deciding each side "
         "for the first port of each range; a denied pair is no row (netreach query explains one).</p>\n";
  out << fmt::format("<table id=\"flows-{}\" class=\"sortable flows\">", index)
      << header_row({"source", "destination", "ports", "verdict", "decided by"}) << "<tbody>\n";
  for (const auto& f : ns.flows) {
    out << "<tr>" << cell(f.from) << cell(f.to) << cell(f.ports) << cell(f.verdict, f.verdict);
    std::string sort_key;
    for (const auto& d : f.decided_by) sort_key += d + "\n";
    out << "<td data-sort=\"" << html_escape(sort_key) << "\"><ul class=\"decided\">";
    for (const auto& d : f.decided_by) out << "<li>" << html_escape(d) << "</li>";
    out << "</ul></td></tr>\n";
  }
  out << "</tbody></table>\n</section>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == 0x7F) out += "\uFFFD";
        else out += c;
    }
  }
  return out;
}

std::string inline_svg(const std::string& graphviz_output, std::string& why) {
  auto start = graphviz_output.find("<svg");
  auto end = graphviz_output.rfind("</svg>");
  if (start == std::string::npos || end == std::string::npos || end < start) {
    why = "dot's output is not an SVG document";
    return "";
  }
  std::string svg = graphviz_output.substr(start, end + 6 - start);
  std::string lower = svg;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  for (std::string_view forbidden : {"<script", "<foreignobject", "<svg", "<iframe", "javascript:"}) {
    // One <svg> element: its own opening tag is the first "<svg".
    auto at = lower.find(forbidden, forbidden == "<svg" ? 1 : 0);
    if (at != std::string::npos) {
      why = fmt::format("dot's SVG holds \"{}\", which a page must not inline", forbidden);
      return "";
    }
  }
  return svg;
}

void write_html_report(const HtmlReport& r, std::ostream& out) {
  std::string inputs;
  for (const auto& f : r.inputs) inputs += (inputs.empty() ? "" : " ") + f;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"" << kContentSecurityPolicy << "\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << html_escape("netreach report: " + inputs) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
      << "<h1>netreach report</h1>\n<p class=\"note\">"
      << html_escape(fmt::format("Input: {}. netreach {}, following the semantics of {}. Tables sort by a click on a column header.",
                                 inputs, NETREACH_VERSION, netreach::kCiliumSemantics))
      << "</p>\n";
  out << "<nav><ul><li><a href=\"#summary\">Summary</a></li><li><a href=\"#lint\">Lint findings</a></li>";
  for (size_t i = 0; i < r.namespaces.size(); ++i)
    out << fmt::format("<li><a href=\"#namespace-{}\">Namespace {}</a></li>", i, html_escape(r.namespaces[i].name));
  out << "</ul></nav>\n";
  write_summary(r, out);
  write_findings(*r.findings, out);
  for (size_t i = 0; i < r.namespaces.size(); ++i) write_namespace(r.namespaces[i], i, out);
  out << "<script>" << kScript << "</script>\n</body>\n</html>\n";
}

}  // namespace netreach_cli
