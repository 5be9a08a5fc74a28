#include "graph/reachability_graph.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <map>
#include <sstream>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>

#include "query/endpoint_ref.h"
#include "query/query.h"
#include "resolve/model.h"

namespace netreach {

Result<Reachability> reachability(const Model& model, const GraphQuery& graph) {
  const Cluster& cluster = model.cluster;
  for (const auto& ns : graph.namespaces)
    if (!cluster.find_namespace(ns))
      return Diagnostic::error(SourcePos{}, "namespace", fmt::format("no namespace {} in the input", ns));
  auto wanted = [&](const std::string& ns) {
    return graph.namespaces.empty() || std::find(graph.namespaces.begin(), graph.namespaces.end(), ns) != graph.namespaces.end();
  };
  // Unambiguous references: NS/KIND/NAME for workloads, NS/po/NAME for pods.
  std::vector<std::string> vertices;
  for (const auto& w : cluster.workloads)
    if (wanted(w.namespace_)) vertices.push_back(fmt::format("{}/{}/{}", w.namespace_, short_kind_name(w.kind), w.name));
  for (const auto& p : cluster.pods)
    if (!p.workload && wanted(p.namespace_)) vertices.push_back(fmt::format("{}/po/{}", p.namespace_, p.name));
  std::sort(vertices.begin(), vertices.end());
  vertices.erase(std::unique(vertices.begin(), vertices.end()), vertices.end());
  if (graph.include_world) {
    vertices.push_back("world");
    vertices.push_back("host");
  }

  Reachability out;
  out.vertices = vertices;
  const bool named_port = !graph.port.empty() && !std::isdigit(static_cast<unsigned char>(graph.port[0]));
  for (const auto& from : vertices) {
    for (const auto& to : vertices) {
      if (from == to) continue;
      auto result = query(model, FlowQuery{from, to, graph.port, graph.protocol});
      if (!result) {
        // A named port that `to` does not define is no edge, not an error.
        if (!named_port) return result.errors();
        continue;
      }
      if (result->verdict != Verdict::Deny) out.edges.push_back({from, to, result->verdict});
    }
  }
  return out;
}

ReachabilityGraph make_graph(const Reachability& reachability) {
  ReachabilityGraph graph;
  std::map<std::string, ReachabilityGraph::vertex_descriptor> index;
  for (const auto& name : reachability.vertices) index[name] = boost::add_vertex(GraphVertex{name}, graph);
  for (const auto& e : reachability.edges) boost::add_edge(index.at(e.from), index.at(e.to), GraphEdge{e.verdict}, graph);
  return graph;
}

std::vector<std::string> reachable_from(const Reachability& reachability, const std::string& start, bool through_unknown) {
  const ReachabilityGraph graph = make_graph(reachability);
  using Vertex = ReachabilityGraph::vertex_descriptor;
  std::optional<Vertex> source;
  for (auto v : boost::make_iterator_range(boost::vertices(graph)))
    if (graph[v].name == start) source = v;
  if (!source) return {};
  auto usable = [&](ReachabilityGraph::edge_descriptor e) {
    return through_unknown || graph[e].verdict == Verdict::Allow;
  };
  boost::filtered_graph<ReachabilityGraph, std::function<bool(ReachabilityGraph::edge_descriptor)>> view(
      graph, std::function<bool(ReachabilityGraph::edge_descriptor)>(usable));
  std::vector<boost::default_color_type> colors(boost::num_vertices(graph), boost::white_color);
  boost::breadth_first_search(
      view, *source,
      boost::visitor(boost::default_bfs_visitor())
          .color_map(boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph))));
  std::vector<std::string> reached;
  for (auto v : boost::make_iterator_range(boost::vertices(graph)))
    if (v != *source && colors[v] != boost::white_color) reached.push_back(graph[v].name);
  std::sort(reached.begin(), reached.end());
  return reached;
}

std::string to_dot(const Reachability& reachability) {
  const ReachabilityGraph graph = make_graph(reachability);
  std::ostringstream out;
  boost::write_graphviz(
      out, graph,
      [&](std::ostream& os, ReachabilityGraph::vertex_descriptor v) {
        os << "[label=" << boost::escape_dot_string(graph[v].name) << "]";
      },
      [&](std::ostream& os, ReachabilityGraph::edge_descriptor e) {
        if (graph[e].verdict == Verdict::Unknown) os << "[style=dashed,label=\"unknown\"]";
      });
  return out.str();
}

}  // namespace netreach
