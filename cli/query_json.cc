#include "query_json.h"

#include <string>
#include <utility>

namespace netreach_cli {

using nlohmann::json;

json rule_ref_json(const netreach::RuleRef& rule) {
  json j = {{"kind", std::string(netreach::to_string(rule.kind))}, {"name", rule.policy_name}, {"path", rule.path}};
  if (!rule.policy_namespace.empty()) j["namespace"] = rule.policy_namespace;
  if (rule.pos.known()) {
    j["file"] = rule.pos.file->display_name;
    j["line"] = rule.pos.line;
    j["column"] = rule.pos.column;
  }
  return j;
}

namespace {

// What part of a near miss fails: the peer, the port, or both.
std::string near_miss_code(const netreach::NearMiss& miss) {
  if (!miss.peer_matched && !miss.port_matched) return "peer-and-port-do-not-match";
  if (!miss.peer_matched) return "peer-does-not-match";
  if (!miss.port_matched) return "port-does-not-match";
  if (miss.request_checked) return "http-request-does-not-match";
  return "depends-on-missing-fact";
}

// Sub-documents are moved in after the braced lists: a json inside an
// initializer list is copied whole, and in check -o json those copies cost
// about as much as building the sides.
json side_json(const netreach::SideVerdict& side) {
  json selecting = json::array();
  for (const auto& rule : side.selecting) selecting.push_back(rule_ref_json(rule));
  json near_misses = json::array();
  for (const auto& miss : side.near_misses) {
    json m = {{"code", near_miss_code(miss)},
              {"peer_matched", miss.peer_matched},
              {"port_matched", miss.port_matched},
              {"reasons", miss.reasons}};
    m["rule"] = rule_ref_json(miss.rule);
    if (!miss.element.empty()) m["element"] = miss.element;
    near_misses.push_back(std::move(m));
  }
  json j = {{"direction", std::string(netreach::to_string(side.direction))},
            {"endpoint", side.endpoint},
            {"peer", side.peer},
            {"enforcement", std::string(netreach::to_string(side.enforcement))},
            {"verdict", std::string(netreach::to_string(side.verdict))},
            {"reason", side.reason},
            {"caveats", side.caveats}};
  j["selecting"] = std::move(selecting);
  j["near_misses"] = std::move(near_misses);
  if (side.decisive) j["decisive"] = rule_ref_json(*side.decisive);
  if (!side.suggestion.empty()) j["suggestion"] = side.suggestion;
  return j;
}

}  // namespace

json query_result_json(const netreach::QueryResult& result) {
  json flows = json::array();
  for (const auto& flow : result.flows) {
    json f = {{"from", flow.from},
              {"to", flow.to},
              {"port", flow.port},
              {"protocol", std::string(netreach::to_string(flow.protocol))},
              {"verdict", std::string(netreach::to_string(flow.verdict))},
              {"notes", flow.notes}};
    f["egress"] = side_json(flow.egress);
    f["ingress"] = side_json(flow.ingress);
    if (!flow.assumption.empty()) f["assumption"] = flow.assumption;
    flows.push_back(std::move(f));
  }
  json doc = {{"from", result.query.from},
              {"to", result.query.to},
              {"port", result.port},
              {"protocol", std::string(netreach::to_string(result.protocol))},
              {"verdict", std::string(netreach::to_string(result.verdict))},
              {"headline", result.headline},
              {"notes", result.notes}};
  doc["flows"] = std::move(flows);
  if (const auto& http = result.query.http) {
    json headers = json::object();
    for (const auto& [k, v] : http->headers) headers[k] = v;
    doc["http"] = {{"method", http->method}, {"path", http->path}, {"headers", headers}};
    if (http->host) doc["http"]["host"] = *http->host;
  }
  return doc;
}

}  // namespace netreach_cli
