// netreach report: one self-contained HTML page (html_report.h) with what
// summary, lint and graph say about the input: the engine's summarize(),
// lint() and cluster_graph() computed once each; per namespace the graph as
// `netreach graph -o dot` writes it, drawn by Graphviz when `dot` is on PATH,
// and the flows with the rules query() names for them.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.h"
#include "graph_format.h"
#include "html_report.h"
#include "load/child_process.h"
#include "output.h"

namespace netreach_cli {
namespace {

using netreach::ClusterGraph;

struct ReportArgs {
  OutputArgs output;
};

const std::vector<std::string> kReportFormats = {"html"};

// dot lays out a namespace's graph in well under a second; a minute means it
// is stuck, and the page is written with the table instead.
constexpr std::chrono::seconds kDotTimeout{60};
constexpr uint64_t kMaxSvgBytes = 64u << 20;

// The part of the cluster graph with an end in `ns`: its edges, and the
// vertices they join (entities, address blocks and names included). Its
// edges point into `graph`, which must outlive it.
ClusterGraph namespace_graph(const ClusterGraph& graph, const std::string& ns) {
  ClusterGraph out;
  std::vector<char> used(graph.vertices.size());
  for (size_t v = 0; v < graph.vertices.size(); ++v) used[v] = graph.vertices[v].namespace_ == ns;
  for (const auto& e : graph.edges)
    if (graph.vertices[e.from].namespace_ == ns || graph.vertices[e.to].namespace_ == ns) {
      out.edges.push_back(e);
      used[e.from] = used[e.to] = 1;
    }
  // The kept vertices, renumbered (still in id order).
  std::vector<uint32_t> renumbered(graph.vertices.size());
  for (size_t v = 0; v < graph.vertices.size(); ++v)
    if (used[v]) renumbered[v] = uint32_t(out.vertices.size()), out.vertices.push_back(graph.vertices[v]);
  for (auto& e : out.edges) e.from = renumbered[e.from], e.to = renumbered[e.to];
  return out;
}

std::string side_words(const netreach::SideVerdict& side) {
  const char* direction = side.direction == netreach::Direction::Egress ? "egress" : "ingress";
  if (side.decisive)
    return fmt::format("{}: {} {} ({})", direction, side.decisive->policy_display(), side.decisive->path, side.decisive->pos.to_string());
  return fmt::format("{}: {} ({})", direction, netreach::to_string(side.enforcement), side.reason);
}

// The rules deciding an edge's allowed ports: query() asked about the first
// port of each range of the edge (one question per range; a rule covering
// part of a range is named when it decides that first port). A verdict other
// than allow is said, never hidden: graph and query agree on every flow
// (engine/graph/identity_graph.h), so it would be a bug to report.
std::vector<std::string> allowed_by(const netreach::Model& model, const std::string& from, const std::string& to,
                                    const netreach::PortSet& allowed) {
  std::vector<std::string> out;
  auto add = [&](std::string line) {
    if (std::find(out.begin(), out.end(), line) == out.end()) out.push_back(std::move(line));
  };
  auto ask = [&](uint16_t port, netreach::Protocol protocol) {
    // An ICMP flow is asked the way a user writes it (`icmp:8`), a port with its protocol beside it.
    const bool icmp = netreach::is_icmp(protocol);
    const std::string text = icmp ? netreach::flow_port_text(port, protocol) : std::to_string(port);
    auto result = netreach::query(model, netreach::FlowQuery{from, to, text, icmp ? std::nullopt : std::optional(protocol)});
    if (!result) {
      add(fmt::format("{}: not judged: {}", netreach::flow_port_text(port, protocol), result.errors().front().message));
      return;
    }
    if (result->verdict != netreach::Verdict::Allow)
      add(fmt::format("{}: query says {} (a disagreement with the graph; please report it)", netreach::flow_port_text(port, protocol),
                      netreach::to_string(result->verdict)));
    for (const auto& flow : result->flows) add(side_words(flow.egress)), add(side_words(flow.ingress));
  };
  for (auto protocol : netreach::kPortProtocols)
    for (const auto& range : allowed.ranges(protocol)) ask(std::max<uint16_t>(range.first, 1), protocol);
  for (auto protocol : netreach::kIcmpProtocols)
    for (const auto& range : allowed.ranges(protocol)) ask(range.first, protocol);
  return out;
}

std::vector<ReportFlow> flows_of(const netreach::Model& model, const ClusterGraph& graph) {
  std::vector<ReportFlow> out;
  for (const auto& e : graph.edges) {
    const std::string& from = graph.id(e.from);
    const std::string& to = graph.id(e.to);
    if (!e.ports->allowed.empty())
      out.push_back({from, to, e.ports->allowed.to_string(), "allow",
                     allowed_by(model, graph.vertices[e.from].endpoint, graph.vertices[e.to].endpoint, e.ports->allowed)});
    if (!e.ports->unknown.empty())
      out.push_back({from, to, e.ports->unknown.to_string(), "unknown", {"depends on " + e.ports->unknown_fact}});
  }
  return out;
}

// A temporary file holding `text`, removed with the object.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    std::error_code ec;
    auto dir = std::filesystem::temp_directory_path(ec);
    std::string pattern = ((ec ? std::filesystem::path("/tmp") : dir) / "netreach-graph-XXXXXX.dot").string();
    int fd = ::mkstemps(pattern.data(), 4);
    if (fd < 0) return;
    ::close(fd);
    std::ofstream(pattern, std::ios::binary) << text;
    path_ = pattern;
  }
  ~TempFile() {
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }  // empty: none could be made

 private:
  std::string path_;
};

// Draws the namespace's graph with dot (the DOT of `netreach graph -o dot`),
// or says why the page shows it as a table (and warns on stderr when dot is
// there but failed: a page without its drawing should not go unnoticed).
void draw(ReportNamespace& ns, const std::string& dot, bool quiet) {
  if (ns.graph.edges.empty()) {
    ns.graph_note = "No edges: nothing to draw. The vertices of the namespace as a table.";
    return;
  }
  if (dot.empty()) {
    ns.graph_note = "Graphviz (dot) is not on PATH: the graph is shown as a table. Install Graphviz (Debian: graphviz) for a drawing.";
    return;
  }
  std::ostringstream text;
  write_graph_dot(GraphView{&ns.graph}, text);
  std::string why;
  TempFile input(text.str());
  if (input.path().empty()) {
    why = "no temporary file for dot's input could be made";
  } else if (auto run = netreach::run_child({dot, "-Tsvg", input.path()}, kDotTimeout, kMaxSvgBytes, netreach::SourcePos{}); !run) {
    why = run.errors().front().message;
  } else if (run->timed_out) {
    why = fmt::format("dot took longer than {} s", kDotTimeout.count());
  } else if (run->too_much_output) {
    why = fmt::format("dot wrote more than {} MiB", kMaxSvgBytes >> 20);
  } else if (run->status != 0) {
    std::string err = run->err.substr(0, run->err.find('\n'));
    why = fmt::format("dot failed ({}){}", netreach::describe_status(run->status), err.empty() ? "" : ": " + err);
  } else {
    ns.svg = inline_svg(run->out, why);
  }
  if (!ns.svg.empty()) {
    ns.graph_note = fmt::format("Drawn by Graphviz ({} -Tsvg) from the DOT of `netreach graph -o dot`.", dot);
    return;
  }
  ns.graph_note = fmt::format("Graphviz could not draw this graph ({}): it is shown as a table.", why);
  if (!quiet) std::cerr << fmt::format("netreach report: warning: namespace {}: {}; the page shows the graph as a table\n", ns.name, why);
}

int run_report(CommonArgs& common, const ReportArgs& args) {
  auto outputs = Outputs::open("report", args.output, kReportFormats);
  if (!outputs) return kExitBadInput;
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  const auto summary = netreach::summarize(*model);
  const auto findings = netreach::lint(*model);
  auto graph = netreach::cluster_graph(*model, netreach::ClusterGraphQuery{});
  if (!graph) {
    print_diagnostics(graph.errors(), false);
    return kExitBadInput;
  }

  HtmlReport report;
  report.inputs = common.files;
  report.enforcement = common.enforcement;
  report.summary = &summary;
  report.findings = &findings;
  report.identities = graph->identities;
  report.identity_edges = graph->identity_edges;
  std::set<std::string> namespaces;
  for (const auto& v : graph->vertices)
    if (!v.namespace_.empty()) namespaces.insert(v.namespace_);
  const std::string dot = netreach::find_on_path("dot");
  for (const auto& name : namespaces) {
    ReportNamespace ns;
    ns.name = name;
    ns.graph = namespace_graph(*graph, name);
    ns.flows = flows_of(*model, ns.graph);
    draw(ns, dot, common.quiet);
    report.namespaces.push_back(std::move(ns));
  }
  for (auto& t : outputs->targets()) write_html_report(report, *t.stream);
  return outputs->close() ? 0 : kExitBadInput;
}

}  // namespace

Command report_command(CommonArgs& common) {
  auto args = std::make_shared<ReportArgs>();
  return {"report",
          "one self-contained HTML page: the summary, the lint findings, and per namespace the graph (drawn by Graphviz when "
          "installed) and a sortable table of flows with the rules deciding them",
          [args](CLI::App* cmd) { add_output_options(cmd, args->output, kReportFormats, "html (the only format: a page needing no network)"); },
          [&common, args] { return run_report(common, *args); }};
}

}  // namespace netreach_cli
