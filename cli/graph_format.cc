#include "graph_format.h"
#include "json_string.h"
#include "what_if_args.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace netreach_cli {
namespace {

using netreach::ClusterGraph;
using netreach::PortSet;

constexpr int kGraphSchemaVersion = 1;

// The edge as the view shows it: with a port filter, that port alone.
struct ShownPorts {
  PortSet allowed, unknown;
};

ShownPorts shown_ports(const GraphView& view, const ClusterGraph::Edge& e) {
  if (!view.port) return {e.ports->allowed, e.ports->unknown};
  PortSet one;
  one.add(view.port->protocol, view.port->port, view.port->port);
  return {e.ports->allowed & one, e.ports->unknown & one};
}

std::string verdict_of(const ShownPorts& p) { return p.allowed.empty() ? "unknown" : "allow"; }

// A whole-cluster graph has millions of edges but few distinct port values
// (ClusterGraph interns them): what the view shows of each value is decided
// and worded once, keyed by the interned pointer.
class PortsMemo {
 public:
  explicit PortsMemo(const GraphView& view) : view_(view) {}
  bool shown(const ClusterGraph::Edge& e) { return entry(e).shown; }
  // The edge's JSON object around its ends, as nlohmann's dump() writes it
  // (keys sorted): `{"allowed":...,` before "from" and "to", and
  // `[,"unknown":{...}],"verdict":...}` after them.
  struct JsonParts {
    std::string head, tail;
  };
  const JsonParts& json_parts(const ClusterGraph::Edge& e) {
    Entry& en = entry(e);
    if (en.json.head.empty()) {
      ShownPorts p = shown_ports(view_, e);
      en.json.head = "{\"allowed\":" + nlohmann::json(p.allowed.to_string()).dump() + ",";
      if (!p.unknown.empty())
        en.json.tail = ",\"unknown\":" + nlohmann::json({{"ports", p.unknown.to_string()}, {"depends_on", e.ports->unknown_fact}}).dump();
      en.json.tail += ",\"verdict\":" + nlohmann::json(verdict_of(p)).dump() + "}";
    }
    return en.json;
  }

 private:
  struct Entry {
    bool shown = false;
    JsonParts json;
  };
  Entry& entry(const ClusterGraph::Edge& e) {
    auto [it, inserted] = memo_.try_emplace(e.ports);
    if (inserted) {
      ShownPorts p = shown_ports(view_, e);
      it->second.shown = !p.allowed.empty() || !p.unknown.empty();
    }
    return it->second;
  }
  const GraphView& view_;
  std::unordered_map<const ClusterGraph::Ports*, Entry> memo_;
};

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string dot_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Mermaid node ids must be plain words; labels carry the real names.
std::string mermaid_label(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '"' ? std::string("#quot;") : std::string(1, c);
  return out;
}

std::vector<const ClusterGraph::Vertex*> shown_vertices(const GraphView& view,
                                                        const std::vector<const ClusterGraph::Edge*>& edges) {
  std::vector<const ClusterGraph::Vertex*> out;
  std::vector<char> used(view.graph->vertices.size());
  for (const auto* e : edges) used[e->from] = used[e->to] = 1;
  for (const auto& v : view.graph->vertices)
    if (view.focus.empty() || v.id == view.focus || used[&v - view.graph->vertices.data()]) out.push_back(&v);
  return out;
}

}  // namespace

std::optional<PortFilter> parse_port_filter(const std::string& text, std::string& error) {
  PortFilter f;
  // The same ICMP text as query --port and an expectation's port.
  if (netreach::IcmpFlowParse icmp = netreach::parse_icmp_flow(text); icmp.is_icmp) {
    if (!icmp.flow) {
      error = fmt::format("--port: {}", icmp.error);
      return std::nullopt;
    }
    f.protocol = icmp.flow->family;
    f.port = icmp.flow->type;
    return f;
  }
  std::string number = text;
  if (auto slash = text.find('/'); slash != std::string::npos) {
    number = text.substr(0, slash);
    auto proto = netreach::parse_flow_protocol(text.substr(slash + 1));
    if (!proto) {
      error = fmt::format("--port: unknown protocol in \"{}\": use TCP, UDP or SCTP (ICMP is written {})", text, netreach::kIcmpFlowForms);
      return std::nullopt;
    }
    f.protocol = *proto;
  }
  if (number.empty() || number.size() > 5 || !std::all_of(number.begin(), number.end(), ::isdigit) ||
      std::stoul(number) == 0 || std::stoul(number) > 65535) {
    error = fmt::format("--port \"{}\" is not a port number 1-65535 nor ICMP ({}) (a graph shows numbers: a named port is a different "
                        "number on each destination; ask `netreach query` about one)",
                        text, netreach::kIcmpFlowForms);
    return std::nullopt;
  }
  f.port = uint16_t(std::stoul(number));
  return f;
}

std::vector<const ClusterGraph::Edge*> shown_edges(const GraphView& view) {
  std::vector<const ClusterGraph::Edge*> out;
  PortsMemo memo(view);
  for (const auto& e : view.graph->edges) {
    if (!view.focus.empty() && view.graph->id(e.from) != view.focus && view.graph->id(e.to) != view.focus) continue;
    if (memo.shown(e)) out.push_back(&e);
  }
  return out;
}

void write_graph_text(const GraphView& view, std::ostream& out) {
  if (!view.hypothetical.empty()) out << hypothetical_line(view.hypothetical) << "\n";
  auto edges = shown_edges(view);
  for (const auto* e : edges) {
    ShownPorts p = shown_ports(view, *e);
    out << fmt::format("{} -> {}", view.graph->id(e->from), view.graph->id(e->to));
    if (!p.allowed.empty()) out << "  " << p.allowed.to_string();
    if (!p.unknown.empty()) out << fmt::format("  (unknown: {}; depends on {})", p.unknown.to_string(), e->ports->unknown_fact);
    out << "\n";
  }
  auto vertices = shown_vertices(view, edges);
  out << fmt::format("{} vertices, {} edges{}\n", vertices.size(), edges.size(),
                     view.port ? fmt::format(" on {}", netreach::flow_port_text(view.port->port, view.port->protocol)) : "");
  if (!view.focus.empty())
    out << fmt::format("{} reaches {} {} in any number of hops{}{}\n", view.focus, view.reachable.size(),
                       view.reachable.size() == 1 ? "vertex" : "vertices", view.reachable.empty() ? "" : ": ", fmt::join(view.reachable, ", "));
}

void write_graph_json(const GraphView& view, std::ostream& out) {
  // Streamed a vertex and an edge at a time: a whole-cluster graph has
  // millions of edges, and a JSON tree of them costs ten times their text.
  auto edges = shown_edges(view);
  nlohmann::json head = {{"schemaVersion", kGraphSchemaVersion}};
  if (view.port) head["port"] = netreach::flow_port_text(view.port->port, view.port->protocol);
  if (!view.namespaces.empty()) head["namespaces"] = view.namespaces;
  if (!view.focus.empty()) head["focus"] = {{"vertex", view.focus}, {"reachable", view.reachable}};
  if (!view.hypothetical.empty()) head["hypothetical"] = view.hypothetical;
  out << "{\n";
  for (const auto& [key, value] : head.items()) out << "  " << nlohmann::json(key).dump() << ": " << value.dump() << ",\n";
  auto list = [&](const char* name, const auto& items, auto&& element) {
    out << "  \"" << name << "\": [";
    const char* separator = "\n    ";
    for (const auto* item : items) {
      out << separator << element(*item).dump();
      separator = ",\n    ";
    }
    out << (items.empty() ? "]" : "\n  ]");
  };
  list("vertices", shown_vertices(view, edges), [](const ClusterGraph::Vertex& v) {
    nlohmann::json j = {{"id", v.id}, {"kind", v.kind}};
    if (!v.namespace_.empty()) j["namespace"] = v.namespace_;
    return j;
  });
  out << ",\n";
  // Edges written through a buffer, byte for byte what nlohmann's dump()
  // of each object gives, with each distinct port value worded once.
  out << "  \"edges\": [";
  PortsMemo memo(view);
  std::string buffer;
  const char* separator = "\n    ";
  for (const auto* e : edges) {
    const auto& parts = memo.json_parts(*e);
    buffer += separator;
    buffer += parts.head;
    buffer += "\"from\":";
    append_json_string(buffer, view.graph->id(e->from));
    buffer += ",\"to\":";
    append_json_string(buffer, view.graph->id(e->to));
    buffer += parts.tail;
    separator = ",\n    ";
    if (buffer.size() > (1 << 20)) out << buffer, buffer.clear();
  }
  out << buffer << (edges.empty() ? "]" : "\n  ]");
  out << "\n}\n";
}

void write_graph_csv(const GraphView& view, std::ostream& out) {
  out << "from,to,verdict,allowed,unknown,depends_on\n";
  for (const auto* e : shown_edges(view)) {
    ShownPorts p = shown_ports(view, *e);
    out << fmt::format("{},{},{},{},{},{}\n", csv_field(view.graph->id(e->from)), csv_field(view.graph->id(e->to)), verdict_of(p), csv_field(p.allowed.to_string()),
                       csv_field(p.unknown.to_string()), csv_field(p.unknown.empty() ? "" : e->ports->unknown_fact));
  }
}

void write_graph_dot(const GraphView& view, std::ostream& out) {
  auto edges = shown_edges(view);
  out << "digraph netreach {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  if (!view.hypothetical.empty()) out << "  label=" << dot_quote("hypothetical: " + join_changes(view.hypothetical)) << ";\n";
  // Namespaces as clusters; entities, addresses and names outside them.
  std::map<std::string, std::vector<const ClusterGraph::Vertex*>> by_namespace;
  for (const auto* v : shown_vertices(view, edges)) by_namespace[v->namespace_].push_back(v);
  size_t n = 0;
  for (const auto& [ns, vs] : by_namespace) {
    std::string indent = ns.empty() ? "  " : "    ";
    if (!ns.empty()) out << fmt::format("  subgraph cluster_{} {{\n    label={};\n", n++, dot_quote(ns));
    for (const auto* v : vs) {
      std::string shape = v->kind == "workload" || v->kind == "pod" ? "" : ", shape=ellipse";
      out << indent << dot_quote(v->id) << " [label=" << dot_quote(v->kind == "workload" || v->kind == "pod"
                                                                    ? v->id.substr(v->namespace_.size() + 1)
                                                                    : v->id)
          << shape << "];\n";
    }
    if (!ns.empty()) out << "  }\n";
  }
  for (const auto* e : edges) {
    ShownPorts p = shown_ports(view, *e);
    std::string label = p.allowed.to_string();
    if (!p.unknown.empty()) label += (label.empty() ? "" : "; ") + std::string("unknown: ") + p.unknown.to_string();
    out << fmt::format("  {} -> {} [label={}{}];\n", dot_quote(view.graph->id(e->from)), dot_quote(view.graph->id(e->to)), dot_quote(label),
                       p.allowed.empty() ? ", style=dashed" : "");
  }
  out << "}\n";
}

void write_graph_mermaid(const GraphView& view, std::ostream& out) {
  auto edges = shown_edges(view);
  out << "flowchart LR\n";
  std::map<std::string, size_t> ids;
  for (const auto* v : shown_vertices(view, edges)) {
    size_t id = ids.size();
    ids[v->id] = id;
    out << fmt::format("  v{}[\"{}\"]\n", id, mermaid_label(v->id));
  }
  for (const auto* e : edges) {
    ShownPorts p = shown_ports(view, *e);
    std::string label = p.allowed.empty() ? "unknown: " + p.unknown.to_string() : p.allowed.to_string();
    out << fmt::format("  v{} {} v{}\n", ids.at(view.graph->id(e->from)), p.allowed.empty() ? fmt::format("-. \"{}\" .->", mermaid_label(label))
                                                                           : fmt::format("-- \"{}\" -->", mermaid_label(label)),
                       ids.at(view.graph->id(e->to)));
  }
}

}  // namespace netreach_cli
