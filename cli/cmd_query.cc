// netreach query FROM TO --port P: one flow's verdict and why.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.h"
#include "output.h"
#include "query_json.h"
#include "style.h"
#include "what_if_args.h"

namespace netreach_cli {
namespace {

struct QueryArgs {
  std::string from, to, port, protocol;
  std::vector<std::string> http;     // METHOD PATH
  std::string host;
  std::vector<std::string> headers;  // NAME=VALUE
  OutputArgs output;
  bool brief = false;
};

const std::vector<std::string> kQueryFormats = {"text", "json"};

int run_query(CommonArgs& common, const QueryArgs& args) {
  auto outputs = Outputs::open("query", args.output, kQueryFormats);
  if (!outputs) return kExitBadInput;
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  netreach::FlowQuery flow{args.from, args.to, args.port, std::nullopt};
  if (!parse_protocol_option(args.protocol, flow.protocol)) return kExitBadInput;
  if (!args.http.empty()) {
    netreach::HttpRequest request{args.http[0], args.http[1], std::nullopt, {}};
    if (!args.host.empty()) request.host = args.host;
    for (const auto& h : args.headers) {
      auto eq = h.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << fmt::format("error: --header {} must be NAME=VALUE (e.g. --header X-Token=abc)\n", h);
        return kExitBadInput;
      }
      request.headers.emplace_back(h.substr(0, eq), h.substr(eq + 1));
    }
    flow.http = std::move(request);
  } else if (!args.host.empty() || !args.headers.empty()) {
    std::cerr << "error: --host and --header describe the HTTP request of --http METHOD PATH; give --http too\n";
    return kExitBadInput;
  }
  auto result = netreach::query(*model, flow);
  if (!result) {
    print_diagnostics(result.errors(), false);
    return kExitBadInput;
  }
  const std::string text = netreach::render_text(*result);
  for (auto& t : outputs->targets()) {
    if (t.format == "json") {
      nlohmann::json doc = query_result_json(*result);
      doc["schemaVersion"] = kQuerySchemaVersion;
      if (!common.hypothetical.empty()) doc["hypothetical"] = common.hypothetical;
      doc["explanation"] = text;
      *t.stream << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      const bool colour = use_colour(t.terminal, common.no_color);
      *t.stream << hypothetical_line(common.hypothetical)
                << paint_verdicts(present_explanation(text, result->headline, args.brief), colour);
    }
  }
  if (!outputs->close()) return kExitBadInput;
  switch (result->verdict) {
    case netreach::Verdict::Allow: return 0;
    case netreach::Verdict::Deny: return 1;
    case netreach::Verdict::Unknown: return 3;
  }
  return 3;
}

}  // namespace

Command query_command(CommonArgs& common) {
  auto args = std::make_shared<QueryArgs>();
  return {"query", "can FROM reach TO on --port? Prints ALLOW/DENY/UNKNOWN and why (exit 0/1/3, 2 on bad input)",
          [&common, args](CLI::App* cmd) {
            cmd->add_option("FROM", args->from, "source: NS/NAME, NS/KIND/NAME, an entity, an IP address")->required();
            cmd->add_option("TO", args->to, "destination: NS/NAME, NS/KIND/NAME, NS/svc/NAME, an entity, an IP, fqdn:NAME")->required();
            cmd->add_option("-p,--port", args->port, "5555, 5555/TCP, 53/UDP, a named port such as http, or ICMP: icmp:8, icmp:EchoRequest, icmpv6:128")->required();
            cmd->add_option("--protocol", args->protocol, "TCP (default), UDP or SCTP");
            cmd->add_option("--http", args->http, "judge this HTTP request against the port's rules.http: METHOD PATH (e.g. --http GET /public)")
                ->expected(2)
                ->type_name("METHOD PATH");
            cmd->add_option("--host", args->host, "the request's Host header (with --http)");
            cmd->add_option("--header", args->headers, "a request header NAME=VALUE (with --http; repeatable)");
            add_output_options(cmd, args->output, kQueryFormats, "text, or json: the verdict as data (docs/query-json.md)");
            cmd->add_flag("--brief", args->brief, "one line: the verdict, without the explanation");
            add_what_if_options(cmd, common.what_if);
          },
          [&common, args] { return run_query(common, *args); }};
}

}  // namespace netreach_cli
