// html_report: the page `netreach report -o html` writes. One self-contained
// HTML document: no network, no external script, stylesheet or font (its
// Content-Security-Policy forbids loading anything, so a page that tried
// would say so in the browser's console). Sections:
//
//   summary     what `netreach summary` counts (summarize()), the
//               enforcement mode, the size of the graph
//   lint        the findings of `netreach lint` (lint()): rule id, severity,
//               file:line, object and field, message, fix
//   namespaces  per namespace, its graph (the DOT of `netreach graph -o dot`
//               drawn by Graphviz as inline SVG, or a table when dot is not
//               there or failed; the page says which and why) and its flows:
//               the graph's edges with an end in the namespace, one row per
//               verdict (allowed ports, ports whose verdict is unknown), with
//               the rules that decide them
//
// Every table is sortable by clicking a column header (a small inline
// script). All text goes through html_escape(); the SVG is Graphviz's own
// XML, checked to be one <svg> element without scripts before it is inlined.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "netreach.h"

namespace netreach_cli {

// Text as HTML character data or a quoted attribute value: & < > " ' escaped,
// control characters other than tab and newline as U+FFFD (HTML forbids them),
// bytes that are not UTF-8 as U+FFFD too. The page's only escape.
std::string html_escape(std::string_view text);

// One row of a namespace's flow table.
struct ReportFlow {
  std::string from, to;
  std::string ports;    // "TCP 80,443; UDP 53"
  std::string verdict;  // "allow" or "unknown"
  // The rule element deciding each side, "egress: CNP a/x spec.egress[0]
  // (file:12:5)", or why the side allows without one ("ingress: not
  // selected"); for unknown ports, the fact the verdict depends on.
  std::vector<std::string> decided_by;
};

struct ReportNamespace {
  std::string name;
  std::string svg;         // Graphviz's drawing; empty: the graph is shown as a table
  std::string graph_note;  // how the graph is shown, and why (dot's failure, when it failed)
  netreach::ClusterGraph graph;  // the namespace's part of the cluster graph (for the table)
  std::vector<ReportFlow> flows;
};

struct HtmlReport {
  std::vector<std::string> inputs;        // the -f paths
  std::string enforcement;                // --policy-enforcement
  const netreach::Summary* summary = nullptr;
  const std::vector<netreach::Finding>* findings = nullptr;
  size_t identities = 0, identity_edges = 0;
  std::vector<ReportNamespace> namespaces;
};

void write_html_report(const HtmlReport& report, std::ostream& out);

// Graphviz's SVG output as an element to inline in HTML: from "<svg" to the
// end, without the XML prolog and DOCTYPE. Empty (with `why`) when it is not
// one <svg> element or holds a script or foreign content.
std::string inline_svg(const std::string& graphviz_output, std::string& why);

}  // namespace netreach_cli
