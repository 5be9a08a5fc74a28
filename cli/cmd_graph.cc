// netreach graph: the reachability of the whole cluster (engine/graph), in five formats (graph_format.h).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.h"
#include "graph_format.h"
#include "output.h"
#include "what_if_args.h"

namespace netreach_cli {
namespace {

struct GraphArgs {
  std::vector<std::string> namespaces;
  std::string port, protocol, focus;
  bool internal_only = false;
  OutputArgs output;
};

const std::vector<std::string> kGraphFormats = {"text", "json", "csv", "dot", "mermaid"};

int run_graph(CommonArgs& common, const GraphArgs& args) {
  auto outputs = Outputs::open("graph", args.output, kGraphFormats);
  if (!outputs) return kExitBadInput;
  GraphView view;
  if (!args.port.empty()) {
    std::string error;
    auto port = parse_port_filter(args.port, error);
    std::optional<netreach::Protocol> protocol;
    if (!port) {
      std::cerr << "error: " << error << "\n";
      return kExitBadInput;
    }
    if (!parse_protocol_option(args.protocol, protocol)) return kExitBadInput;
    if (protocol) {
      if (netreach::is_icmp(port->protocol)) {
        std::cerr << fmt::format("error: --port {} is ICMP, which contradicts --protocol {} (leave --protocol out)\n", args.port, args.protocol);
        return kExitBadInput;
      }
      if (args.port.find('/') != std::string::npos && port->protocol != *protocol) {
        std::cerr << fmt::format("error: --port {} contradicts --protocol {}\n", args.port, args.protocol);
        return kExitBadInput;
      }
      port->protocol = *protocol;
    }
    view.port = port;
  }
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  auto graph = netreach::cluster_graph(*model, netreach::ClusterGraphQuery{args.namespaces, !args.internal_only});
  if (!graph) {
    print_diagnostics(graph.errors(), false);
    return kExitBadInput;
  }
  view.graph = &*graph;
  view.namespaces = args.namespaces;
  view.hypothetical = common.hypothetical;
  if (!args.focus.empty()) {
    auto vertex = netreach::find_graph_vertex(*model, *graph, args.focus);
    if (!vertex) {
      print_diagnostics(vertex.errors(), false);
      return kExitBadInput;
    }
    view.focus = *vertex;
    // Multi-hop reachability (lateral movement) over the edges the port
    // filter leaves, allowed ones only.
    netreach::Reachability hops;
    for (const auto& v : graph->vertices) hops.vertices.push_back(v.id);
    GraphView all = view;
    all.focus.clear();
    for (const auto* e : shown_edges(all)) {
      bool allowed = view.port ? e->ports->allowed.contains(view.port->protocol, view.port->port) : !e->ports->allowed.empty();
      if (allowed) hops.edges.push_back({graph->id(e->from), graph->id(e->to), netreach::Verdict::Allow});
    }
    view.reachable = netreach::reachable_from(hops, view.focus, false);
  }
  for (auto& t : outputs->targets()) {
    if (t.format == "json") write_graph_json(view, *t.stream);
    else if (t.format == "csv") write_graph_csv(view, *t.stream);
    else if (t.format == "dot") write_graph_dot(view, *t.stream);
    else if (t.format == "mermaid") write_graph_mermaid(view, *t.stream);
    else write_graph_text(view, *t.stream);
  }
  return outputs->close() ? 0 : kExitBadInput;
}


}  // namespace

Command graph_command(CommonArgs& common) {
  auto args = std::make_shared<GraphArgs>();
  return {"graph", "the reachability of the whole cluster: which workloads, entities, address blocks and names reach which, on which ports",
          [&common, args](CLI::App* cmd) {
            cmd->add_option("-p,--port", args->port, "only what this port lets through: 5555, 5555/TCP, 53/UDP, icmp:8, icmpv6:EchoRequest");
            cmd->add_option("--protocol", args->protocol, "the protocol of --port: TCP (default), UDP or SCTP");
            cmd->add_option("-n,--namespace", args->namespaces, "only workloads of this namespace (repeatable)")->allow_extra_args(false);
            cmd->add_option("--focus,--from", args->focus,
                            "only the edges of this endpoint (NS/NAME, NS/KIND/NAME, an entity), and what it reaches in any number of hops");
            cmd->add_flag("--internal-only", args->internal_only, "leave out entities, address blocks and toFQDNs names");
            add_output_options(cmd, args->output, kGraphFormats, "text, json (docs/graph-json.md), csv, dot or mermaid");
            add_what_if_options(cmd, common.what_if);
          },
          [&common, args] { return run_graph(common, *args); }};
}

}  // namespace netreach_cli
