// flow_reader: Hubble's flow exports, one JSON object per line.
//
//   hubble observe -o json     a Flow per line (api/v1/flow/flow.proto)
//   hubble observe -o jsonpb   a GetFlowsResponse per line: {"flow": {...},
//                              "node_name": ..., "time": ...}, or a node_status
//                              or lost_events event instead of the flow
//                              (api/v1/observer/observer.proto); Hubble's flow
//                              export files (ExportEvent) have the same shape
//
// Both are protojson with the proto field names (UseProtoNames, api/v1/flow/
// flow.pb.json.go): "pod_name", "destination_port", "is_reply", enums by name.
// protojson also reads the lowerCamelCase JSON names ("podName") and enum
// numbers, and so does this reader. Fields netreach does not use are ignored,
// so exports of newer Hubble releases read too. Each record keeps its line.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/diagnostic.h"
#include "model/protocol.h"
#include "model/source.h"

namespace netreach {

// flow.Endpoint.
struct ObservedEndpoint {
  std::optional<uint32_t> identity;
  std::string namespace_;
  std::vector<std::string> labels;  // "k8s:app=web", "reserved:world"
  std::string pod_name;
  std::vector<std::pair<std::string, std::string>> workloads;  // flow.Workload: name, kind
  bool empty() const { return namespace_.empty() && pod_name.empty() && labels.empty() && !identity; }
};

struct ObservedFlow {
  // flow.Verdict, flow.FlowType and flow.TrafficDirection by name (the zero
  // value when absent, as protojson omits it): "FORWARDED", "L3_L4", "INGRESS".
  std::string verdict = "VERDICT_UNKNOWN";
  std::string type = "UNKNOWN_TYPE";
  std::string traffic_direction = "TRAFFIC_DIRECTION_UNKNOWN";
  std::string drop_reason;  // drop_reason_desc by name ("POLICY_DENIED"), else the deprecated drop_reason number; "" when none
  std::optional<uint32_t> event_type;  // event_type.type: pkg/monitor/api's MessageType (1 drop, 4 trace, 5 policy verdict, ...)
  std::optional<bool> is_reply;  // absent: Hubble could not tell (drops never say, pkg/hubble/parser/threefour)
  bool reply = false;            // the deprecated `reply` field
  ObservedEndpoint source, destination;
  std::string source_ip, destination_ip;  // IP.source / IP.destination
  std::string l4;  // the Layer4 oneof that is set: "TCP", "UDP", "SCTP", "ICMPv4", "ICMPv6"; "" when none
  std::optional<Protocol> protocol;  // TCP, UDP, SCTP
  uint32_t source_port = 0, destination_port = 0;
};

// One line of an export.
struct FlowRecord {
  SourcePos pos;
  std::optional<ObservedFlow> flow;  // absent for an event that is not a flow
  std::string event;                 // that event's field: "node_status", "lost_events", ...
};

// Reads an export; `name` is how diagnostics name it ("-" reads standard
// input). Errors: a file that cannot be read, a line that is not a JSON
// object, a field of the wrong type or an unknown enum name (file:line and the
// field's path, e.g. flow.l4.TCP.destination_port), a line that is neither a
// flow nor a GetFlowsResponse. The file is registered in `sources`.
Result<std::vector<FlowRecord>> read_flow_file(const std::string& name, SourceTable& sources);
// The same from text in memory (tests).
Result<std::vector<FlowRecord>> read_flow_text(const std::string& name, const std::string& text, SourceTable& sources);

}  // namespace netreach
