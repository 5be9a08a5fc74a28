// CLI tests of the front door: bare command, help, typos with their nearest
// names, -o formats a command lacks, --version.
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "cli_support.h"

using netreach::testing::run_netreach;
using netreach::testing::run_shell;

namespace {

const std::string kSeed = "fixtures/seed/clusters/prod";
const std::string kSeedExpectations = "fixtures/seed/expectations.yaml";
}  // namespace

TEST_CASE("CLI front door: bare netreach and netreach help print the usage, naming the program netreach", "[cli][front-door]") {
  for (const auto& args : std::vector<std::vector<std::string>>{{}, {"help"}, {"--help"}, {"-h"}}) {
    auto r = run_netreach(args);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("Usage: netreach COMMAND [options]"));
    for (const char* command : {"query", "check", "graph", "diff", "summary", "lint", "explain", "replay", "report"}) CHECK_THAT(r.out, Catch::Contains(std::string("\n  ") + command));
    CHECK_THAT(r.out, Catch::Contains("Exit codes"));
    CHECK_THAT(r.out, !Catch::Contains(NETREACH_BINARY));  // not the full path
  }
}

TEST_CASE("CLI front door: netreach help CMD and CMD --help print the command's options, examples and exit codes", "[cli][front-door]") {
  auto help = run_netreach({"help", "check"});
  INFO(help.out << help.err);
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::StartsWith("Usage: netreach check --file PATH --expectations FILE [options]\n"));
  CHECK_THAT(help.out, Catch::Contains("--output-file FILE"));
  CHECK_THAT(help.out, Catch::Contains("Examples:\n"));
  CHECK_THAT(help.out, Catch::Contains("  netreach check -f clusters/prod -e expectations.yaml -o junit=report.xml -o text\n"));
  CHECK_THAT(help.out, Catch::Contains("Exit codes:\n  0   every expectation holds\n"));
  CHECK(run_netreach({"check", "--help"}).out == help.out);
  CHECK(run_netreach({"check", "-f", "x", "-h"}).out == help.out);  // help wins over anything else

  // Wrapped to the terminal's width ($COLUMNS when not a terminal).
  auto narrow = run_shell("COLUMNS=60 \"$NETREACH\" help query");
  CHECK(narrow.exit_code == 0);
  std::istringstream lines(narrow.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  netreach ", 0) == 0) continue;  // an example command stays whole, to be copied
    INFO(line);
    CHECK(line.size() <= 60);
  }
  auto unknown = run_netreach({"help", "qeury"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("unknown command qeury; did you mean query?"));
}

TEST_CASE("CLI front door: an unknown command or option gets the nearest names", "[cli][front-door]") {
  auto command = run_netreach({"querry", "-f", kSeed});
  CHECK(command.exit_code == 2);
  CHECK_THAT(command.err, Catch::Contains("netreach: unknown command querry; did you mean query?"));

  auto option = run_netreach({"query", "-f", kSeed, "partner-cp/partner-api", "global-auth/auth", "--prot", "5555"});
  INFO(option.err);
  CHECK(option.exit_code == 2);
  CHECK_THAT(option.err, Catch::Contains("netreach query: unknown option --prot; did you mean --port?"));
  // An option's value is not taken for an option: "-" is stdin here.
  auto stdin_value = run_netreach({"summary", "-f", "-", "--quite"}, "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
  CHECK(stdin_value.exit_code == 2);
  CHECK_THAT(stdin_value.err, Catch::Contains("unknown option --quite; did you mean --quiet?"));

  auto before = run_netreach({"--port", "5555"});
  CHECK(before.exit_code == 2);
  CHECK_THAT(before.err, Catch::Contains("the command comes first"));
}

TEST_CASE("CLI front door: -o with a format the command lacks names the formats it has", "[cli][front-door]") {
  auto r = run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations, "-o", "mermaid"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("check has no format \"mermaid\"; its formats are text, json or junit"));
  auto typo = run_netreach({"summary", "-f", kSeed, "-o", "jsno"});
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err, Catch::Contains("summary has no format \"jsno\" (did you mean json?); its formats are text or json"));
}

TEST_CASE("CLI front door: --version names the version and the Cilium release followed", "[cli][front-door]") {
  auto r = run_netreach({"--version"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Matches("netreach [0-9]+\\.[0-9]+\\.[0-9]+\nfollows the semantics of Cilium v1\\.[0-9]+.*\n"));
}

TEST_CASE("CLI front door: a wrong endpoint, namespace or port name gets the nearest names", "[cli][front-door]") {
  struct Lookup {
    std::string from, to, port, message;
  };
  const Lookup lookups[] = {
      {"partner-cp/partner-apii", "global-auth/auth", "5555", "no Pod or workload named partner-apii in namespace partner-cp; did you mean partner-api?"},
      {"partner-cp/partner-api", "global-aut/auth", "5555", "no namespace global-aut in the input (endpoint \"global-aut/auth\"); did you mean global-auth?"},
      {"partner-cp/partner-api", "global-auth/auth", "grcp", "container port named \"grcp\"; did you mean grpc?"},
      {"partner-cp/partner-api", "global-auth/svc/auht", "5555", "no Service auht in namespace global-auth; did you mean auth?"},
      // Nothing near: a few of the names that are there.
      {"partner-cp/partner-api", "global-auth/zzzzzzzz", "5555", "in namespace global-auth (there is auth)"},
  };
  for (const auto& l : lookups) {
    auto r = run_netreach({"query", "-f", kSeed, l.from, l.to, "--port", l.port});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(l.message));
  }
  // graph --from takes the same endpoint syntax, with the same errors.
  auto graph = run_netreach({"graph", "-f", kSeed, "--from", "partner-cp/partner-apii"});
  CHECK(graph.exit_code == 2);
  CHECK_THAT(graph.err, Catch::Contains("did you mean partner-api?"));
}
