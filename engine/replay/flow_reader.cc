#include "replay/flow_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/cidr.h"

namespace netreach {
namespace {

using nlohmann::json;

// An enum of flow.proto: its value names by number.
struct EnumTable {
  std::string_view proto_name;
  std::vector<std::pair<int, std::string_view>> values;
};

const EnumTable kVerdicts{"flow.Verdict", {{0, "VERDICT_UNKNOWN"}, {1, "FORWARDED"}, {2, "DROPPED"}, {3, "ERROR"},
                                           {4, "AUDIT"}, {5, "REDIRECTED"}, {6, "TRACED"}, {7, "TRANSLATED"}}};
const EnumTable kFlowTypes{"flow.FlowType", {{0, "UNKNOWN_TYPE"}, {1, "L3_L4"}, {2, "L7"}, {3, "SOCK"}}};
const EnumTable kDirections{"flow.TrafficDirection", {{0, "TRAFFIC_DIRECTION_UNKNOWN"}, {1, "INGRESS"}, {2, "EGRESS"}}};
// Only the drop reasons replay tells apart; any other name is kept as written
// (flow.DropReason has some seventy, and grows).
const EnumTable kDropReasons{"flow.DropReason", {{0, "DROP_REASON_UNKNOWN"}, {133, "POLICY_DENIED"}, {181, "POLICY_DENY"}}};

// The lowerCamelCase JSON name protojson derives from a proto field name
// (google.golang.org/protobuf/internal/strs :: JSONCamelCase): an underscore
// is dropped and the letter after it upper-cased.
std::string json_name(std::string_view proto_name) {
  std::string out;
  bool upper = false;
  for (char c : proto_name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

std::string type_name(const json& value) {
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "null";
}

// Reads the fields of one line; the first error stops it (the caller checks
// `error` after each step that can fail).
class LineReader {
 public:
  explicit LineReader(SourcePos pos) : pos_(pos) {}
  std::optional<Diagnostic> error;

  void fail(const std::string& path, std::string message) {
    if (!error) error = Diagnostic::error(pos_, path, std::move(message));
  }

  // The member by its proto name or its JSON name; null when absent or null
  // (protojson reads null as the field's default).
  const json* member(const json& object, std::string_view proto_name, const std::string& parent, std::string* path) {
    *path = parent.empty() ? std::string(proto_name) : fmt::format("{}.{}", parent, proto_name);
    const std::string camel = json_name(proto_name);
    auto a = object.find(std::string(proto_name));
    auto b = camel == proto_name ? object.end() : object.find(camel);
    if (a != object.end() && b != object.end()) {
      fail(*path, fmt::format("both {} and {} are given: they are the same field", proto_name, camel));
      return nullptr;
    }
    auto it = a != object.end() ? a : b;
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
  }

  const json* object(const json& parent_object, std::string_view name, const std::string& parent) {
    std::string path;
    const json* v = member(parent_object, name, parent, &path);
    if (v && !v->is_object()) {
      fail(path, fmt::format("expected an object, found {}", type_name(*v)));
      return nullptr;
    }
    return v;
  }

  std::string string(const json& parent_object, std::string_view name, const std::string& parent) {
    std::string path;
    const json* v = member(parent_object, name, parent, &path);
    if (!v) return "";
    if (!v->is_string()) {
      fail(path, fmt::format("expected a string, found {}", type_name(*v)));
      return "";
    }
    return v->get<std::string>();
  }

  // A uint32: a JSON number, or a decimal string (protojson reads both).
  std::optional<uint32_t> uint32(const json& parent_object, std::string_view name, const std::string& parent) {
    std::string path;
    const json* v = member(parent_object, name, parent, &path);
    if (!v) return std::nullopt;
    uint64_t n = 0;
    const std::string text = v->is_string() ? v->get<std::string>() : "";
    if (v->is_number_unsigned()) {
      n = v->get<uint64_t>();
    } else if (!text.empty() && text.size() <= 10 && std::all_of(text.begin(), text.end(), ::isdigit)) {
      n = std::stoull(text);
    } else {
      fail(path, fmt::format("expected an unsigned integer, found {}{}", type_name(*v), v->is_primitive() ? " " + v->dump() : ""));
      return std::nullopt;
    }
    if (n > 0xffffffffULL) {
      fail(path, fmt::format("{} is out of range for a uint32", n));
      return std::nullopt;
    }
    return static_cast<uint32_t>(n);
  }

  std::optional<bool> boolean(const json& parent_object, std::string_view name, const std::string& parent) {
    std::string path;
    const json* v = member(parent_object, name, parent, &path);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
      fail(path, fmt::format("expected true or false, found {}", type_name(*v)));
      return std::nullopt;
    }
    return v->get<bool>();
  }

  std::vector<std::string> strings(const json& parent_object, std::string_view name, const std::string& parent) {
    std::string path;
    const json* v = member(parent_object, name, parent, &path);
    std::vector<std::string> out;
    if (!v) return out;
    if (!v->is_array()) {
      fail(path, fmt::format("expected an array of strings, found {}", type_name(*v)));
      return out;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string()) {
        fail(fmt::format("{}[{}]", path, i), fmt::format("expected a string, found {}", type_name((*v)[i])));
        return out;
      }
      out.push_back((*v)[i].get<std::string>());
    }
    return out;
  }

  // An enum by name or number. `open`: a name outside the table is kept.
  std::string enumeration(const json& parent_object, std::string_view name, const std::string& parent,
                          const EnumTable& table, bool open = false) {
    std::string path;
    const json* v = member(parent_object, name, parent, &path);
    if (!v) return "";
    std::vector<std::string> names;
    for (const auto& [number, value] : table.values) names.emplace_back(value);
    if (v->is_string()) {
      const std::string text = v->get<std::string>();
      if (std::find(names.begin(), names.end(), text) != names.end()) return text;
      if (open && !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'; }))
        return text;
      fail(path, fmt::format("unknown {} \"{}\": expected {}", table.proto_name, text, fmt::join(names, ", ")));
      return "";
    }
    if (v->is_number_integer()) {
      const auto number = v->get<int64_t>();
      for (const auto& [n, value] : table.values)
        if (n == number) return std::string(value);
      if (open) return fmt::format("{}", number);
      fail(path, fmt::format("unknown {} number {}: expected {}", table.proto_name, number, fmt::join(names, ", ")));
      return "";
    }
    fail(path, fmt::format("expected a {} name or number, found {}", table.proto_name, type_name(*v)));
    return "";
  }

  ObservedEndpoint endpoint(const json& flow, std::string_view name, const std::string& parent) {
    ObservedEndpoint e;
    const std::string path = fmt::format("{}{}", parent.empty() ? "" : parent + ".", name);
    const json* o = object(flow, name, parent);
    if (!o) return e;
    e.identity = uint32(*o, "identity", path);
    e.namespace_ = string(*o, "namespace", path);
    e.labels = strings(*o, "labels", path);
    e.pod_name = string(*o, "pod_name", path);
    std::string workloads_path;
    if (const json* w = member(*o, "workloads", path, &workloads_path)) {
      if (!w->is_array()) {
        fail(workloads_path, fmt::format("expected an array of flow.Workload, found {}", type_name(*w)));
        return e;
      }
      for (size_t i = 0; i < w->size(); ++i) {
        const std::string item = fmt::format("{}[{}]", workloads_path, i);
        if (!(*w)[i].is_object()) {
          fail(item, fmt::format("expected a flow.Workload object, found {}", type_name((*w)[i])));
          return e;
        }
        e.workloads.emplace_back(string((*w)[i], "name", item), string((*w)[i], "kind", item));
      }
    }
    return e;
  }

  std::string ip(const json& ip_object, std::string_view name, const std::string& parent) {
    std::string text = string(ip_object, name, parent);
    if (!text.empty() && !IpAddress::parse(text)) fail(fmt::format("{}.{}", parent, name), fmt::format("\"{}\" is not an IP address", text));
    return text;
  }

  ObservedFlow flow(const json& f, const std::string& path) {
    ObservedFlow out;
    auto set = [](std::string& field, std::string value) {
      if (!value.empty()) field = std::move(value);
    };
    set(out.verdict, enumeration(f, "verdict", path, kVerdicts));
    set(out.type, enumeration(f, "Type", path, kFlowTypes));
    set(out.traffic_direction, enumeration(f, "traffic_direction", path, kDirections));
    out.drop_reason = enumeration(f, "drop_reason_desc", path, kDropReasons, true);
    if (out.drop_reason.empty() || out.drop_reason == "DROP_REASON_UNKNOWN") {
      auto legacy = uint32(f, "drop_reason", path);
      out.drop_reason = "";
      if (legacy && *legacy != 0) {
        for (const auto& [n, value] : kDropReasons.values)
          if (static_cast<uint32_t>(n) == *legacy) out.drop_reason = value;
        if (out.drop_reason.empty()) out.drop_reason = fmt::format("{}", *legacy);
      }
    }
    if (const json* event = object(f, "event_type", path)) out.event_type = uint32(*event, "type", path.empty() ? "event_type" : path + ".event_type");
    out.is_reply = boolean(f, "is_reply", path);
    out.reply = boolean(f, "reply", path).value_or(false);
    out.source = endpoint(f, "source", path);
    out.destination = endpoint(f, "destination", path);
    const std::string ip_path = path.empty() ? "IP" : path + ".IP";
    if (const json* ip_object = object(f, "IP", path)) {
      out.source_ip = ip(*ip_object, "source", ip_path);
      out.destination_ip = ip(*ip_object, "destination", ip_path);
    }
    const std::string l4_path = path.empty() ? "l4" : path + ".l4";
    if (const json* l4 = object(f, "l4", path)) {
      struct Kind {
        std::string_view name;
        std::optional<Protocol> protocol;
      };
      for (const Kind& kind : {Kind{"TCP", Protocol::TCP}, Kind{"UDP", Protocol::UDP}, Kind{"SCTP", Protocol::SCTP},
                               Kind{"ICMPv4", std::nullopt}, Kind{"ICMPv6", std::nullopt}}) {
        const json* ports = object(*l4, kind.name, l4_path);
        if (!ports) continue;
        if (!out.l4.empty()) {
          fail(l4_path, fmt::format("both {} and {} are set: flow.Layer4 is a oneof", out.l4, kind.name));
          return out;
        }
        out.l4 = kind.name;
        out.protocol = kind.protocol;
        if (!kind.protocol) continue;
        const std::string ports_path = fmt::format("{}.{}", l4_path, kind.name);
        for (auto [field, target] : {std::pair{"source_port", &out.source_port}, std::pair{"destination_port", &out.destination_port}}) {
          auto port = uint32(*ports, field, ports_path);
          if (port && *port > 65535) fail(fmt::format("{}.{}", ports_path, field), fmt::format("port {} is outside 0-65535", *port));
          *target = port.value_or(0);
        }
      }
    }
    return out;
  }

 private:
  SourcePos pos_;
};

// The events of a GetFlowsResponse / ExportEvent other than a flow.
constexpr std::string_view kOtherEvents[] = {"node_status", "lost_events", "agent_event", "debug_event"};
// Fields only a Flow has (a line with none of them is not one).
constexpr std::string_view kFlowFields[] = {"verdict", "IP", "l4", "source", "destination", "Type", "ethernet", "event_type"};

Result<std::vector<FlowRecord>> read_lines(const SourceFile* file, std::istream& in) {
  std::vector<FlowRecord> records;
  std::string line;
  uint32_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; })) continue;
    SourcePos pos{file, number, 1};
    json doc;
    try {
      doc = json::parse(line);
    } catch (const json::parse_error& e) {
      pos.column = static_cast<uint32_t>(std::min<size_t>(e.byte, line.size() + 1));
      std::string what = e.what();
      if (auto at = what.find("syntax error"); at != std::string::npos) what = what.substr(at);
      return Diagnostic::error(pos, "", fmt::format("not JSON ({}); a Hubble export has one JSON object per line "
                                                    "(hubble observe -o json or -o jsonpb)", what));
    }
    if (!doc.is_object())
      return Diagnostic::error(pos, "", fmt::format("expected a JSON object (a flow), found {}", type_name(doc)));
    LineReader reader(pos);
    FlowRecord record;
    record.pos = pos;
    std::string path;
    if (const json* flow = reader.member(doc, "flow", "", &path)) {
      if (!flow->is_object()) return Diagnostic::error(pos, "flow", fmt::format("expected a flow.Flow object, found {}", type_name(*flow)));
      record.flow = reader.flow(*flow, "flow");
    } else if (auto other = std::find_if(std::begin(kOtherEvents), std::end(kOtherEvents),
                                         [&](std::string_view e) { return reader.member(doc, e, "", &path) != nullptr; });
               other != std::end(kOtherEvents)) {
      record.event = std::string(*other);
    } else if (std::any_of(std::begin(kFlowFields), std::end(kFlowFields),
                           [&](std::string_view f) { return reader.member(doc, f, "", &path) != nullptr; })) {
      record.flow = reader.flow(doc, "");
    } else {
      return Diagnostic::error(pos, "", "neither a flow (hubble observe -o json: verdict, IP, l4, source, destination, ...) "
                                        "nor a GetFlowsResponse (hubble observe -o jsonpb: flow, node_status, lost_events)");
    }
    if (reader.error) return *reader.error;
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace

Result<std::vector<FlowRecord>> read_flow_file(const std::string& name, SourceTable& sources) {
  if (name == "-") {
    const SourceFile* file = sources.add(SourceFile{"<stdin>", "", nullptr, false});
    return read_lines(file, std::cin);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(name, ec))
    return Diagnostic::error(SourcePos{}, "", fmt::format("cannot read flows from {}: a directory (give the export file)", name));
  std::ifstream in(name, std::ios::binary);
  if (!in) return Diagnostic::error(SourcePos{}, "", fmt::format("cannot read flows from {}: no such file, or not readable", name));
  const SourceFile* file = sources.add(SourceFile{name, "", nullptr, false});
  auto records = read_lines(file, in);
  if (in.bad()) return Diagnostic::error(SourcePos{file, 0, 0}, "", fmt::format("reading {} failed", name));
  return records;
}

Result<std::vector<FlowRecord>> read_flow_text(const std::string& name, const std::string& text, SourceTable& sources) {
  const SourceFile* file = sources.add(SourceFile{name, "", nullptr, false});
  std::istringstream in(text);
  return read_lines(file, in);
}

}  // namespace netreach
