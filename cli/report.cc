#include "report.h"

#include <fmt/format.h>

namespace netreach_cli {
namespace {

std::string port_text(const netreach::Expectation& e) {
  if (e.protocol) return fmt::format("{}/{}", e.port, netreach::to_string(*e.protocol));
  return e.port;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') out += '?';
        else out += c;
    }
  }
  return out;
}

}  // namespace

std::string check_text(const netreach::CheckReport& report) {
  std::string out;
  for (const auto& r : report.results) {
    out += fmt::format("{} {}: expected {}, got {}\n", r.passed ? "PASS" : "FAIL", r.expectation.name,
                       netreach::to_string(r.expectation.expect), netreach::to_string(r.result.verdict));
    if (!r.passed) {
      std::string text = netreach::render_text(r.result);
      size_t start = 0;
      while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out += fmt::format("    {}\n", std::string_view(text).substr(start, end - start));
        start = end + 1;
      }
    }
  }
  out += fmt::format("{} passed, {} failed\n", report.passed, report.failed);
  return out;
}

nlohmann::json check_json(const netreach::CheckReport& report) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : report.results) {
    const auto& e = r.expectation;
    results.push_back({{"name", e.name},
                       {"from", e.from},
                       {"to", e.to},
                       {"port", e.port},
                       {"protocol", e.protocol ? std::string(netreach::to_string(*e.protocol)) : std::string("TCP")},
                       {"expect", netreach::to_string(e.expect)},
                       {"verdict", netreach::to_string(r.result.verdict)},
                       {"passed", r.passed},
                       {"explanation", netreach::render_text(r.result)}});
  }
  return {{"passed", report.passed}, {"failed", report.failed}, {"results", results}};
}

std::string check_junit(const netreach::CheckReport& report, const std::string& suite_name) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites tests=\"{}\" failures=\"{}\">\n", report.results.size(), report.failed);
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n", xml_escape(suite_name),
                     report.results.size(), report.failed);
  for (const auto& r : report.results) {
    const auto& e = r.expectation;
    out += fmt::format("    <testcase classname=\"netreach\" name=\"{}\">\n", xml_escape(e.name));
    if (!r.passed) {
      out += fmt::format("      <failure message=\"{}\">{}</failure>\n",
                         xml_escape(fmt::format("expected {} for {} -> {} {}, got {}", netreach::to_string(e.expect), e.from,
                                                e.to, port_text(e), netreach::to_string(r.result.verdict))),
                         xml_escape(netreach::render_text(r.result)));
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string summary_text(const netreach::Summary& s) {
  std::string out = fmt::format("documents read: {}\n", s.documents);
  out += "objects by kind:\n";
  for (const auto& [kind, count] : s.objects_by_kind) out += fmt::format("  {:<34} {}\n", kind, count);
  out += fmt::format("namespaces: {} ({} used but not declared)\n", s.namespaces, s.undeclared_namespaces);
  out += fmt::format("workloads: {}\npods (one per workload template or Pod object): {} ({} hostNetwork)\n", s.workloads, s.pods,
                     s.host_network_pods);
  out += fmt::format("services: {}\nnodes: {}\nidentities: {}\n", s.services, s.nodes, s.identities);
  out += fmt::format("policies: {} CiliumNetworkPolicy, {} CiliumClusterwideNetworkPolicy, {} NetworkPolicy ({} rules)\n",
                     s.policies_cnp, s.policies_ccnp, s.policies_knp, s.rules);
  if (s.ignored.empty()) {
    out += "ignored: nothing\n";
  } else {
    out += "ignored (not relevant to reachability):\n";
    for (const auto& i : s.ignored) out += fmt::format("  {} x{}: {}\n", i.kind, i.count, i.reason);
  }
  return out;
}

nlohmann::json summary_json(const netreach::Summary& s) {
  nlohmann::json kinds = nlohmann::json::object();
  for (const auto& [kind, count] : s.objects_by_kind) kinds[kind] = count;
  nlohmann::json ignored = nlohmann::json::array();
  for (const auto& i : s.ignored) ignored.push_back({{"kind", i.kind}, {"count", i.count}, {"reason", i.reason}});
  return {{"documents", s.documents},
          {"objects_by_kind", kinds},
          {"namespaces", s.namespaces},
          {"undeclared_namespaces", s.undeclared_namespaces},
          {"workloads", s.workloads},
          {"pods", s.pods},
          {"host_network_pods", s.host_network_pods},
          {"services", s.services},
          {"nodes", s.nodes},
          {"identities", s.identities},
          {"policies", {{"CiliumNetworkPolicy", s.policies_cnp}, {"CiliumClusterwideNetworkPolicy", s.policies_ccnp}, {"NetworkPolicy", s.policies_knp}}},
          {"rules", s.rules},
          {"ignored", ignored}};
}

}  // namespace netreach_cli
