// The Hubble export reader: both line shapes, both field spellings protojson
// reads, and errors that name the line and the field.
#include "replay/flow_reader.h"

#include <catch2/catch.hpp>

using namespace netreach;

namespace {

// A Flow as `hubble observe -o json` writes it (protojson, proto names).
const char* kFlowLine =
    R"({"time":"2026-11-30T09:14:01Z","verdict":"DROPPED","drop_reason":133,"drop_reason_desc":"POLICY_DENIED",)"
    R"("IP":{"source":"10.0.1.21","destination":"10.0.2.40","ipVersion":"IPv4"},)"
    R"("l4":{"TCP":{"source_port":40131,"destination_port":5555,"flags":{"SYN":true}}},)"
    R"("source":{"ID":1201,"identity":21845,"namespace":"partner-cp","labels":["k8s:app=api"],"pod_name":"api-6d8f7b9c5d-x7k2p",)"
    R"("workloads":[{"name":"api","kind":"Deployment"}]},)"
    R"("destination":{"identity":2,"labels":["reserved:world"]},)"
    R"("Type":"L3_L4","node_name":"worker-1","event_type":{"type":1},"traffic_direction":"EGRESS","is_reply":false})";

Result<std::vector<FlowRecord>> read(const std::string& text) {
  static SourceTable sources;  // the positions of the results point into it
  return read_flow_text("flows.json", text, sources);
}

std::string first_error(const Result<std::vector<FlowRecord>>& r) {
  REQUIRE_FALSE(r);
  return format_diagnostic(r.errors().front(), false);
}

}  // namespace

TEST_CASE("Flow reader: a Flow per line (-o json) and a GetFlowsResponse per line (-o jsonpb) read alike", "[replay][flow-reader]") {
  auto json = read(std::string(kFlowLine) + "\n");
  auto jsonpb = read(std::string(R"({"flow":)") + kFlowLine + R"(,"node_name":"worker-1","time":"2026-11-30T09:14:01Z"})" + "\n");
  for (const auto* r : {&json, &jsonpb}) {
    REQUIRE(*r);
    REQUIRE((*r)->size() == 1);
    const FlowRecord& rec = (*r)->front();
    CHECK(rec.pos.line == 1);
    REQUIRE(rec.flow);
    const ObservedFlow& f = *rec.flow;
    CHECK(f.verdict == "DROPPED");
    CHECK(f.drop_reason == "POLICY_DENIED");
    CHECK(f.type == "L3_L4");
    CHECK(f.traffic_direction == "EGRESS");
    CHECK(f.is_reply == false);
    CHECK(f.l4 == "TCP");
    CHECK(f.protocol == Protocol::TCP);
    CHECK(f.source_port == 40131);
    CHECK(f.destination_port == 5555);
    CHECK(f.source_ip == "10.0.1.21");
    CHECK(f.destination_ip == "10.0.2.40");
    CHECK(f.source.namespace_ == "partner-cp");
    CHECK(f.source.pod_name == "api-6d8f7b9c5d-x7k2p");
    CHECK(f.source.identity == 21845u);
    CHECK(f.source.labels == std::vector<std::string>{"k8s:app=api"});
    REQUIRE(f.source.workloads.size() == 1);
    CHECK(f.source.workloads[0] == std::pair<std::string, std::string>{"api", "Deployment"});
    CHECK(f.destination.identity == 2u);
  }
}

TEST_CASE("Flow reader: lowerCamelCase names, enum numbers and numeric strings, as protojson reads them", "[replay][flow-reader]") {
  auto r = read(R"({"verdict":1,"Type":1,"trafficDirection":2,"isReply":true,)"
                R"("l4":{"UDP":{"sourcePort":"53","destinationPort":41000}},)"
                R"("source":{"podName":"coredns-1","namespace":"kube-system"}})"
                "\n");
  REQUIRE(r);
  const ObservedFlow& f = *r->front().flow;
  CHECK(f.verdict == "FORWARDED");
  CHECK(f.type == "L3_L4");
  CHECK(f.traffic_direction == "EGRESS");
  CHECK(f.is_reply == true);
  CHECK(f.protocol == Protocol::UDP);
  CHECK(f.source_port == 53);
  CHECK(f.destination_port == 41000);
  CHECK(f.source.pod_name == "coredns-1");
}

TEST_CASE("Flow reader: absent fields are protojson's zero values; unknown fields are ignored", "[replay][flow-reader]") {
  auto r = read(R"({"verdict":"FORWARDED","source":{},"a_field_of_a_newer_hubble":{"x":1}})" "\n");
  REQUIRE(r);
  const ObservedFlow& f = *r->front().flow;
  CHECK(f.type == "UNKNOWN_TYPE");
  CHECK(f.traffic_direction == "TRAFFIC_DIRECTION_UNKNOWN");
  CHECK_FALSE(f.is_reply);
  CHECK(f.l4.empty());
  CHECK_FALSE(f.protocol);
}

TEST_CASE("Flow reader: events that are not flows are records without a flow; blank lines are no records", "[replay][flow-reader]") {
  auto r = read("\n" R"({"node_status":{"state_change":"NODE_CONNECTED"},"node_name":"relay"})" "\n\n"
                R"({"lost_events":{"num_events_lost":"3"}})" "\n" R"({"verdict":"AUDIT","l4":{"ICMPv4":{"type":8}}})" "\n");
  REQUIRE(r);
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].pos.line == 2);
  CHECK_FALSE((*r)[0].flow);
  CHECK((*r)[0].event == "node_status");
  CHECK((*r)[1].event == "lost_events");
  CHECK((*r)[1].pos.line == 4);
  REQUIRE((*r)[2].flow);
  CHECK((*r)[2].flow->l4 == "ICMPv4");
  CHECK_FALSE((*r)[2].flow->protocol);
}

TEST_CASE("Flow reader: a bad line is an error naming the file, the line and the field", "[replay][flow-reader]") {
  const std::string good = std::string(kFlowLine) + "\n";
  SECTION("not JSON") {
    std::string e = first_error(read(good + "{\"verdict\": \"FORWARDED\",\n"));
    CHECK_THAT(e, Catch::StartsWith("flows.json:2:"));
    CHECK_THAT(e, Catch::Contains("not JSON"));
  }
  SECTION("not an object") { CHECK_THAT(first_error(read(good + good + "[1, 2]\n")), Catch::StartsWith("flows.json:3:1: error: expected a JSON object")); }
  SECTION("neither a flow nor a response") { CHECK_THAT(first_error(read(R"({"kind":"Pod"})" "\n")), Catch::Contains("neither a flow")); }
  SECTION("a port of the wrong type") {
    std::string e = first_error(read(good + R"({"flow":{"verdict":"FORWARDED","l4":{"TCP":{"destination_port":"http"}}}})" "\n"));
    CHECK_THAT(e, Catch::StartsWith("flows.json:2:1: error: flow.l4.TCP.destination_port: expected an unsigned integer"));
  }
  SECTION("a port out of range") {
    CHECK_THAT(first_error(read(R"({"l4":{"UDP":{"destination_port":70000}}})" "\n")),
               Catch::Contains("l4.UDP.destination_port: port 70000 is outside 0-65535"));
  }
  SECTION("an unknown verdict") {
    CHECK_THAT(first_error(read(R"({"verdict":"ALLOWED"})" "\n")), Catch::Contains("verdict: unknown flow.Verdict \"ALLOWED\""));
  }
  SECTION("labels that are not strings") {
    CHECK_THAT(first_error(read(R"({"source":{"labels":["k8s:a=b",3]}})" "\n")), Catch::Contains("source.labels[1]: expected a string"));
  }
  SECTION("an address that is not one") {
    CHECK_THAT(first_error(read(R"({"IP":{"source":"10.0.0.300"}})" "\n")), Catch::Contains("IP.source: \"10.0.0.300\" is not an IP address"));
  }
  SECTION("two members of the Layer4 oneof") {
    CHECK_THAT(first_error(read(R"({"l4":{"TCP":{},"UDP":{}}})" "\n")), Catch::Contains("flow.Layer4 is a oneof"));
  }
  SECTION("a field given by both its names") {
    CHECK_THAT(first_error(read(R"({"source":{"pod_name":"a","podName":"b"}})" "\n")), Catch::Contains("both pod_name and podName"));
  }
  SECTION("is_reply that is not a boolean") {
    CHECK_THAT(first_error(read(R"({"flow":{"is_reply":"yes"}})" "\n")), Catch::Contains("flow.is_reply: expected true or false"));
  }
}

TEST_CASE("Flow reader: a file that is not there is an error naming it", "[replay][flow-reader]") {
  SourceTable sources;
  auto r = read_flow_file("no/such/flows.json", sources);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.errors().front().message, Catch::Contains("no/such/flows.json"));
}
