#include "report.h"
#include "json_string.h"
#include "query_json.h"

#include <fmt/format.h>

#include <string_view>

#include "style.h"
#include "what_if_args.h"

namespace netreach_cli {
namespace {

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


// The flow judged, as "53/UDP" or "dns/UDP".
std::string judged_port(const netreach::QueryResult& result) {
  return netreach::flow_port_text(result.port, result.protocol);
}

void indent_lines(std::string& out, std::string_view text, std::string_view pad) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += pad;
    out += text.substr(start, end - start);
    out += '\n';
    start = end + 1;
  }
}

}  // namespace

CheckWriter::CheckWriter(CheckFormat format, std::ostream& out, std::string suite_name, CheckWriterOptions options)
    : format_(format), out_(out), suite_name_(std::move(suite_name)), options_(options) {}

CheckWriter::~CheckWriter() {
  if (spool_) std::fclose(spool_);
}

void CheckWriter::spool(const std::string& text) {
  if (!spool_ && spool_fallback_.empty()) spool_ = std::tmpfile();
  if (spool_ && std::fwrite(text.data(), 1, text.size(), spool_) == text.size()) return;
  spool_fallback_ += text;  // no temporary file: keep it in memory rather than lose it
}

std::string CheckWriter::json_opening() const {
  std::string out = fmt::format("{{\n  \"schemaVersion\": {},\n", kCheckSchemaVersion);
  if (!hypothetical_.empty()) {
    // As dump(2) lays out a member of the document: indented by one level.
    std::string member;
    indent_lines(member, nlohmann::json(hypothetical_).dump(2, ' ', false, nlohmann::json::error_handler_t::replace), "  ");
    member.pop_back();
    out += "  \"hypothetical\": " + member.substr(2) + ",\n";
  }
  return out + "  \"results\": [";
}

// CI systems key test cases by name: two with one name show as one. The
// protocol judged is appended (a name often stays the same across TCP and
// UDP), and a name still taken gets " #2", " #3" with a warning.
std::string CheckWriter::unique_name(const netreach::CheckResult& r) {
  const auto& e = r.expectation;
  std::string protocol(netreach::to_string(r.result.protocol));
  std::string name = e.name;
  if (!name.ends_with(protocol)) name += " (" + protocol + ")";
  std::string where = e.pos.known() ? e.pos.to_string() : suite_name_;
  auto [it, inserted] = names_.try_emplace(name, 1, where);
  if (inserted) return name;
  size_t n = ++it->second.first;
  if (options_.warnings)
    *options_.warnings << fmt::format("warning: {}: expectation name \"{}\" is also used at {}; the JUnit report calls this one \"{} #{}\"\n",
                                      where, e.name, it->second.second, name, n);
  return fmt::format("{} #{}", name, n);
}

void CheckWriter::add(const netreach::CheckResult& r) {
  const auto& e = r.expectation;
  const auto now = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  std::string out;
  switch (format_) {
    case CheckFormat::Text: {
      out = fmt::format("{} {}: expected {}, got {}\n", r.passed ? "PASS" : "FAIL", e.name, netreach::to_string(e.expect),
                        netreach::to_string(r.result.verdict));
      if (!r.passed && !options_.brief) indent_lines(out, netreach::render_text(r.result), "    ");
      if (written_ == 0) out_ << hypothetical_line(hypothetical_);
      out_ << paint_verdicts(out, options_.colour);
      break;
    }
    case CheckFormat::Json: {
      // The keys in the order the README documents them, laid out as dump(2)
      // lays out the whole document (each result two levels deep). Written
      // directly: through nlohmann::json, escaping the explanations took a
      // third as long as judging the flows.
      out = written_ == 0 ? json_opening() + "\n" : ",\n";
      out += "    {";
      const std::pair<const char*, std::string_view> fields[] = {
          {"name", e.name},
          {"from", e.from},
          {"to", e.to},
          {"port", e.port},
          {"protocol", netreach::to_string(r.result.protocol)},
          {"expect", netreach::to_string(e.expect)},
          {"verdict", netreach::to_string(r.result.verdict)}};
      for (const auto& [key, value] : fields) {
        out += fmt::format("\n      \"{}\": ", key);
        append_json_string(out, value);
        out += ',';
      }
      const nlohmann::json result_json = query_result_json(r.result);
      // The request judged, when the expectation names one (docs/semantics.md#http-rules).
      if (result_json.contains("http"))
        out += "\n      \"http\": " + result_json["http"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + ",";
      out += fmt::format("\n      \"passed\": {},", r.passed);
      if (e.pos.known()) {
        out += "\n      \"file\": ";
        append_json_string(out, e.pos.file->display_name);
        out += fmt::format(",\n      \"line\": {},", e.pos.line);
      }
      out += "\n      \"explanation\": ";
      append_json_string(out, netreach::render_text(r.result));
      std::string flows;
      indent_lines(flows, result_json["flows"].dump(2, ' ', false, nlohmann::json::error_handler_t::replace), "      ");
      flows.pop_back();
      out += ",\n      \"flows\": " + flows.substr(6);
      out += "\n    }";
      out_ << out;
      break;
    }
    case CheckFormat::Junit: {
      std::string location;
      if (e.pos.known()) location = fmt::format(" file=\"{}\" line=\"{}\"", xml_escape(e.pos.file->display_name), e.pos.line);
      out = fmt::format("    <testcase classname=\"netreach\" name=\"{}\"{} time=\"{:.6f}\">\n", xml_escape(unique_name(r)), location,
                        seconds);
      if (!r.passed) {
        std::string verdicts =
            fmt::format("expected {} for {} -> {} {}, got {}", netreach::to_string(e.expect), e.from, e.to, judged_port(r.result),
                        netreach::to_string(r.result.verdict));
        out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}\n\n{}</failure>\n", xml_escape(verdicts),
                           netreach::to_string(r.result.verdict), xml_escape(verdicts), xml_escape(netreach::render_text(r.result)));
      }
      out += "    </testcase>\n";
      spool(out);
      break;
    }
  }
  ++written_;
}

void CheckWriter::finish(const netreach::CheckCounts& counts) {
  size_t total = counts.passed + counts.failed;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  switch (format_) {
    case CheckFormat::Text:
      if (written_ == 0) out_ << hypothetical_line(hypothetical_);
      out_ << fmt::format("{} passed, {} failed\n", counts.passed, counts.failed);
      break;
    case CheckFormat::Json:
      out_ << (written_ == 0 ? json_opening() + "]" : "\n  ]")
           << fmt::format(",\n  \"passed\": {},\n  \"failed\": {}\n}}\n", counts.passed, counts.failed);
      break;
    case CheckFormat::Junit: {
      out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           << fmt::format("<testsuites tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.6f}\">\n", total, counts.failed, seconds)
           << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{:.6f}\">\n",
                          xml_escape(suite_name_), total, counts.failed, seconds);
      if (!hypothetical_.empty())
        out_ << fmt::format("    <properties>\n      <property name=\"hypothetical\" value=\"{}\"/>\n    </properties>\n",
                            xml_escape(join_changes(hypothetical_)));
      if (spool_) {
        std::rewind(spool_);
        char buffer[1 << 16];
        for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, spool_)) > 0;) out_.write(buffer, static_cast<std::streamsize>(n));
        std::fclose(spool_);
        spool_ = nullptr;
      }
      out_ << spool_fallback_ << "  </testsuite>\n</testsuites>\n";
      spool_fallback_.clear();
      break;
    }
  }
  out_.flush();
}

void CheckWriter::fail(const std::vector<std::string>& errors) {
  std::string joined;
  for (const auto& e : errors) joined += e + "\n";
  switch (format_) {
    case CheckFormat::Text:
    case CheckFormat::Json: return;  // nothing partial: the errors are on stderr
    case CheckFormat::Junit: {
      const std::string first = errors.empty() ? "bad input" : errors.front();
      out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           << "<testsuites tests=\"1\" failures=\"0\" errors=\"1\">\n"
           << fmt::format("  <testsuite name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n", xml_escape(suite_name_))
           << "    <testcase classname=\"netreach\" name=\"netreach check: the input could not be evaluated\">\n"
           << fmt::format("      <error message=\"{}\" type=\"bad-input\">{}</error>\n", xml_escape(first), xml_escape(joined))
           << "    </testcase>\n  </testsuite>\n</testsuites>\n";
      break;
    }
  }
  out_.flush();
}

std::string summary_text(const netreach::Summary& s) {
  std::string out = fmt::format("documents read: {}\n", s.documents);
  out += "objects by kind:\n";
  for (const auto& [kind, count] : s.objects_by_kind) out += fmt::format("  {:<34} {}\n", kind, count);
  out += fmt::format("namespaces: {} ({} used but not declared)\n", s.namespaces, s.undeclared_namespaces);
  out += fmt::format("workloads: {}\npods (one per workload template or Pod object): {} ({} hostNetwork)\n", s.workloads, s.pods,
                     s.host_network_pods);
  out += fmt::format("services: {}\nnodes: {}\nCIDR groups: {}\nidentities: {}\n", s.services, s.nodes, s.cidr_groups,
                     s.identities);
  out += fmt::format("policies: {} CiliumNetworkPolicy, {} CiliumClusterwideNetworkPolicy, {} NetworkPolicy ({} rules)\n",
                     s.policies_cnp, s.policies_ccnp, s.policies_knp, s.rules);
  if (s.ignored.empty()) {
    out += "ignored: nothing\n";
  } else {
    out += "ignored (not relevant to reachability):\n";
    for (const auto& i : s.ignored) out += fmt::format("  {} x{}: {}\n", i.kind, i.count, i.reason);
  }
  if (!s.pod_creators.empty() && !s.selectors_without_pods.empty()) {
    constexpr size_t kListed = 10;
    std::string creators;
    for (const auto& [kind, count] : s.pod_creators) creators += fmt::format("{}{} x{}", creators.empty() ? "" : ", ", kind, count);
    out += fmt::format("selectors that select no pod of the input: {} (the pods they select may be created by objects "
                       "netreach does not render: {}; render them, e.g. `helm template NAME CHART | netreach ... -f -`):\n",
                       s.selectors_without_pods.size(), creators);
    for (size_t i = 0; i < s.selectors_without_pods.size() && i < kListed; ++i)
      out += fmt::format("  {}\n", s.selectors_without_pods[i]);
    if (s.selectors_without_pods.size() > kListed)
      out += fmt::format("  ... and {} more\n", s.selectors_without_pods.size() - kListed);
  }
  return out;
}

nlohmann::json summary_json(const netreach::Summary& s) {
  nlohmann::json kinds = nlohmann::json::object();
  for (const auto& [kind, count] : s.objects_by_kind) kinds[kind] = count;
  nlohmann::json ignored = nlohmann::json::array();
  for (const auto& i : s.ignored) ignored.push_back({{"kind", i.kind}, {"count", i.count}, {"reason", i.reason}});
  nlohmann::json pod_creators = nlohmann::json::array();
  for (const auto& [kind, count] : s.pod_creators) pod_creators.push_back({{"kind", kind}, {"count", count}});
  return {{"schemaVersion", kSummarySchemaVersion},
          {"documents", s.documents},
          {"objects_by_kind", kinds},
          {"namespaces", s.namespaces},
          {"undeclared_namespaces", s.undeclared_namespaces},
          {"workloads", s.workloads},
          {"pods", s.pods},
          {"host_network_pods", s.host_network_pods},
          {"services", s.services},
          {"nodes", s.nodes},
          {"cidr_groups", s.cidr_groups},
          {"identities", s.identities},
          {"policies", {{"CiliumNetworkPolicy", s.policies_cnp}, {"CiliumClusterwideNetworkPolicy", s.policies_ccnp}, {"NetworkPolicy", s.policies_knp}}},
          {"rules", s.rules},
          {"ignored", ignored},
          {"pod_creators", pod_creators},
          {"selectors_without_pods", s.selectors_without_pods}};
}

}  // namespace netreach_cli
