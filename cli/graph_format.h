// graph_format: renderings of a ClusterGraph (text, json, csv, dot, mermaid).
//
// Every format is deterministic: vertices and edges come sorted from the
// engine, nothing carries a timestamp. The JSON schema is docs/graph-json.md.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "netreach.h"

namespace netreach_cli {

// A port filter: only edges through which this port may pass, each judged
// for that port alone.
struct PortFilter {
  uint16_t port = 0;
  netreach::Protocol protocol = netreach::Protocol::TCP;
};

// Parses "5555", "5555/TCP", "53/udp" (a number; named ports name different
// numbers on different destinations, which one graph cannot show), and ICMP
// as netreach::parse_icmp_flow reads it ("icmp:8", "icmpv6:EchoRequest").
std::optional<PortFilter> parse_port_filter(const std::string& text, std::string& error);

struct GraphView {
  const netreach::ClusterGraph* graph = nullptr;
  std::optional<PortFilter> port;
  std::string focus;                  // a vertex id: only its edges, and what it reaches in any number of hops
  std::vector<std::string> reachable; // with focus
  std::vector<std::string> namespaces;
  std::vector<std::string> hypothetical;  // non-empty for a what-if: the changes
};

// The edges the view shows (focus and port filter applied).
std::vector<const netreach::ClusterGraph::Edge*> shown_edges(const GraphView& view);

void write_graph_text(const GraphView& view, std::ostream& out);
void write_graph_json(const GraphView& view, std::ostream& out);
void write_graph_csv(const GraphView& view, std::ostream& out);
void write_graph_dot(const GraphView& view, std::ostream& out);
void write_graph_mermaid(const GraphView& view, std::ostream& out);

}  // namespace netreach_cli
