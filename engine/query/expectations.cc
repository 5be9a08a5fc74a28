// load_expectations() and check(): the CI gate.
//
// The expectations file is a public format (README): apiVersion netreach/v1,
// kind Expectations, a list of {name?, from, to, port, protocol?, http?, expect}.
// Unknown fields are errors, as in policies: a misspelt `expect` must not turn
// into a silently passing check.
#include "query/expectations.h"

#include <functional>

#include <fmt/format.h>

#include "load/string_field.h"
#include "load/yaml_stream.h"
#include "model/suggest.h"
#include "query/query.h"

namespace netreach {
namespace {

Diagnostic field_error(const YamlNode& node, std::string path, std::string message) {
  return Diagnostic::error(node.pos(), std::move(path), std::move(message));
}

FlowQuery flow_of(const Expectation& ex) { return FlowQuery{ex.from, ex.to, ex.port, ex.protocol, ex.http}; }

// `http: {method: GET, path: /api, host: example.com, headers: {X-Token: abc}}`:
// the request whose verdict is expected. Strings only, method and path required.
std::optional<HttpRequest> parse_http(const YamlNode& node, const std::string& path, Diagnostics& errors) {
  if (!node.is_mapping()) {
    errors.push_back(field_error(node, path, "must be a mapping: {method: GET, path: /api, host: ..., headers: {Name: value}}"));
    return std::nullopt;
  }
  HttpRequest request;
  bool ok = true;
  auto string_of = [&](const YamlNode& v, const std::string& p) -> std::optional<std::string> {
    if (classify_string_field(v) == StringField::NotString) {
      errors.push_back(Diagnostic::error(v.pos(), p, string_field_problem(v)));
      ok = false;
      return std::nullopt;
    }
    return v.text();
  };
  for (const auto& e : node.entries()) {
    std::string p = path + "." + e.key;
    if (e.key == "headers") {
      if (!e.value.is_mapping()) {
        errors.push_back(field_error(e.value, p, "must be a mapping of header names to values: {X-Token: abc}"));
        ok = false;
        continue;
      }
      for (const auto& h : e.value.entries())
        if (auto v = string_of(h.value, p + "." + h.key)) request.headers.emplace_back(h.key, *v);
      continue;
    }
    auto v = string_of(e.value, p);
    if (!v) continue;
    if (e.key == "method") request.method = *v;
    else if (e.key == "path") request.path = *v;
    else if (e.key == "host") request.host = *v;
    else {
      constexpr std::string_view kFields[] = {"method", "path", "host", "headers"};
      std::string meant = did_you_mean(nearest_names(e.key, kFields));
      errors.push_back(Diagnostic::error(e.key_pos, p, fmt::format("unknown field \"{}\"{}{}", e.key, meant.empty() ? "" : ": ", meant)));
      ok = false;
    }
  }
  for (auto [value, field] : {std::pair{&request.method, "method"}, {&request.path, "path"}})
    if (value->empty()) {
      errors.push_back(field_error(node, path + "." + field, "is required"));
      ok = false;
    }
  if (!ok) return std::nullopt;
  return request;
}

// A query's errors, pointed at the expectation that asked it.
Diagnostics at_expectation(const Expectation& ex, Diagnostics errors) {
  for (auto& d : errors) {
    d.pos = ex.pos;
    // The query's own field (`port`) stays named: `expectation "NAME".port`.
    d.field_path = fmt::format("expectation \"{}\"{}", ex.name.empty() ? fmt::format("{} -> {} {}", ex.from, ex.to, ex.port) : ex.name,
                               d.field_path.empty() ? "" : "." + d.field_path);
  }
  return errors;
}

}  // namespace

Result<ExpectationsFile> load_expectations(const std::string& path, SourceTable& sources) {
  ExpectationsFile file;
  const SourceFile* source = sources.add(SourceFile{path, "", nullptr, true});
  auto stream = YamlStream::open_file(path, source);
  if (!stream) return stream.errors();
  auto doc = stream->next();
  if (!doc) return doc.errors();
  if (!doc->has_value()) return Diagnostic::error(SourcePos{source, 0, 0}, "", "the expectations file is empty");
  const YamlNode& root = (**doc).root;
  if (!root.is_mapping()) return field_error(root, "", "expected a mapping with apiVersion netreach/v1, kind Expectations");
  Diagnostics errors;
  for (const auto& e : root.entries()) {
    if (e.key != "apiVersion" && e.key != "kind" && e.key != "expectations")
      errors.push_back(Diagnostic::error(e.key_pos, e.key, fmt::format("unknown field \"{}\"", e.key)));
  }
  const YamlNode* api = root.find("apiVersion");
  if (!api || api->text() != "netreach/v1")
    errors.push_back(field_error(api ? *api : root, "apiVersion", "must be netreach/v1"));
  const YamlNode* kind = root.find("kind");
  if (!kind || kind->text() != "Expectations") errors.push_back(field_error(kind ? *kind : root, "kind", "must be Expectations"));
  const YamlNode* list = root.find("expectations");
  if (!list || !list->is_sequence()) {
    errors.push_back(field_error(list ? *list : root, "expectations", "must be a list of expectations"));
    return errors;
  }
  // A gate that asserts nothing must not pass: an empty list is a mistake
  // (a wrong file, a bad merge), never a green result.
  if (list->items().empty())
    errors.push_back(field_error(*list, "expectations", "is empty: a gate with no expectations asserts nothing"));
  for (size_t i = 0; i < list->items().size(); ++i) {
    const YamlNode& item = list->items()[i];
    std::string base = fmt::format("expectations[{}]", i);
    if (!item.is_mapping()) {
      errors.push_back(field_error(item, base, "must be a mapping"));
      continue;
    }
    Expectation ex;
    ex.pos = item.pos();
    bool have_expect = false;
    for (const auto& e : item.entries()) {
      std::string p = base + "." + e.key;
      const YamlNode& v = e.value;
      if (e.key == "http") {
        ex.http = parse_http(v, p, errors);
        continue;
      }
      // Every field is a string (load/string_field.h: a plain y/yes/on/... is
      // the string as written), the port a number or a name. This file is
      // never given to kubectl, so a YAML 1.1 boolean word needs no warning.
      const bool number = e.key == "port" && v.is_scalar() && v.scalar_type() == YamlNode::ScalarType::Int;
      if (!number && classify_string_field(v) == StringField::NotString) {
        errors.push_back(Diagnostic::error(v.pos(), p, string_field_problem(v)));
        continue;
      }
      if (e.key == "name") ex.name = v.text();
      else if (e.key == "from") ex.from = v.text();
      else if (e.key == "to") ex.to = v.text();
      else if (e.key == "port") ex.port = v.text();
      else if (e.key == "protocol") {
        auto proto = parse_flow_protocol(v.text());
        if (!proto) errors.push_back(Diagnostic::error(v.pos(), p, fmt::format("must be TCP, UDP or SCTP, found \"{}\"", v.text())));
        else ex.protocol = proto;
      } else if (e.key == "expect") {
        have_expect = true;
        // `unknown` pins a flow netreach cannot decide from the input (an
        // address behind toFQDNs, a CiliumCIDRGroup kept elsewhere).
        if (v.text() == "allow") ex.expect = Verdict::Allow;
        else if (v.text() == "deny") ex.expect = Verdict::Deny;
        else if (v.text() == "unknown") ex.expect = Verdict::Unknown;
        else errors.push_back(Diagnostic::error(v.pos(), p, fmt::format("must be allow, deny or unknown, found \"{}\"", v.text())));
      } else {
        constexpr std::string_view kFields[] = {"name", "from", "to", "port", "protocol", "http", "expect"};
        std::string meant = did_you_mean(nearest_names(e.key, kFields));
        errors.push_back(Diagnostic::error(e.key_pos, p, fmt::format("unknown field \"{}\"{}{}", e.key,
                                                                     meant.empty() ? "" : ": ", meant)));
      }
    }
    for (auto [value, field] : {std::pair{&ex.from, "from"}, {&ex.to, "to"}, {&ex.port, "port"}})
      if (value->empty()) errors.push_back(field_error(item, base + "." + field, "is required"));
    if (!have_expect) errors.push_back(field_error(item, base + ".expect", "is required (allow, deny or unknown)"));
    file.expectations.push_back(std::move(ex));
  }
  if (auto more = stream->next(); !more) {
    errors.insert(errors.end(), more.errors().begin(), more.errors().end());
  } else if (more->has_value()) {
    errors.push_back(Diagnostic::error((**more).root.pos(), "", "an expectations file holds one document"));
  }
  if (!errors.empty()) return errors;
  return file;
}

Result<CheckCounts> check(const Model& model, const ExpectationsFile& expectations,
                          const std::function<void(const CheckResult&)>& on_result) {
  // Input errors first, all of them, before anything is judged: a report must
  // not stream half its results and then fail.
  Diagnostics errors;
  for (const auto& ex : expectations.expectations)
    for (auto& d : at_expectation(ex, validate_query(model, flow_of(ex)))) errors.push_back(std::move(d));
  if (!errors.empty()) return errors;
  CheckCounts counts;
  for (const auto& ex : expectations.expectations) {
    auto result = query(model, flow_of(ex));
    if (!result) return at_expectation(ex, result.errors());  // validate_query() accepted it: not expected
    CheckResult r{ex, std::move(*result), false};
    // Unnamed expectations are named after what was judged, so that 53/TCP and
    // 53/UDP (or a named port and its protocol) never share a name.
    if (r.expectation.name.empty())
      r.expectation.name = fmt::format("{} -> {} {}{}", ex.from, ex.to, flow_port_text(r.result.port, r.result.protocol),
                                       ex.http ? " " + ex.http->to_string() : "");
    r.passed = r.result.verdict == ex.expect;  // unknown passes only when expected
    (r.passed ? counts.passed : counts.failed)++;
    on_result(r);
  }
  return counts;
}

Result<CheckReport> check(const Model& model, const ExpectationsFile& expectations) {
  CheckReport report;
  auto counts = check(model, expectations, [&](const CheckResult& r) { report.results.push_back(r); });
  if (!counts) return counts.errors();
  report.passed = counts->passed;
  report.failed = counts->failed;
  return report;
}

}  // namespace netreach
