// CLI tests of what a CI job and a terminal get: the reports a CI system reads
// (JUnit on bad input, read by a real consumer; -o FORMAT=FILE and
// --output-file; unique names), an empty input refused, hints only where they
// help, colour and --brief.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "outside_programs.h"

using netreach::testing::junitparser_python;
using netreach::testing::run_netreach;
using netreach::testing::run_shell;

namespace {

namespace fs = std::filesystem;

const std::string kSeed = "fixtures/seed/clusters/prod";
const std::string kSeedExpectations = "fixtures/seed/expectations.yaml";

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "netreach-door-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return path(name);
  }

 private:
  fs::path dir_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("CLI front door: an input without objects is an error, not a silent pass", "[cli][front-door]") {
  TempDir dir;
  std::string empty = dir.write("empty.yaml", "# nothing here\n---\n");
  for (const auto& args : std::vector<std::vector<std::string>>{{"summary", "-f", empty},
                                                                {"check", "-f", empty, "-e", kSeedExpectations},
                                                                {"graph", "-f", empty}}) {
    auto r = run_netreach(args);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("the input has no Kubernetes objects (" + empty + ")"));
  }
}

TEST_CASE("CLI front door: no --lenient hint where it cannot help", "[cli][front-door]") {
  auto missing = run_netreach({"summary", "-f", "does/not/exist.yaml"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, !Catch::Contains("--lenient"));
  // A policy with an unknown field: --lenient prunes it as the API server would.
  auto unknown_field = run_netreach({"summary", "-f", "-"}, R"(apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: a}
spec:
  endpointSelector: {}
  ingres: []
)");
  CHECK(unknown_field.exit_code == 2);
  CHECK_THAT(unknown_field.err, Catch::Contains("--lenient"));
}

TEST_CASE("CLI front door: colour only on a terminal; check --brief prints one line per expectation", "[cli][front-door]") {
  // Not a terminal here: no escape sequences, whatever NO_COLOR says.
  auto plain = run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations});
  CHECK(plain.exit_code == 1);
  CHECK_THAT(plain.out, !Catch::Contains("\x1b["));
  auto check = run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations, "--brief"});
  CHECK(check.exit_code == 1);
  CHECK(std::count(check.out.begin(), check.out.end(), '\n') == 11);  // 10 expectations and the counts
  // On a terminal (script(1) gives one) colour is on, and NO_COLOR or --no-color turn it off.
  if (netreach::testing::have_program("script")) {
    const std::string brief = std::string(NETREACH_BINARY) + " check -f " + kSeed + " -e " + kSeedExpectations + " --brief";
    auto tty = run_shell("script -qec '" + brief + "' /dev/null");
    CHECK_THAT(tty.out, Catch::Contains("\x1b[1;31mFAIL\x1b[0m partner-api reaches auth"));
    CHECK_THAT(tty.out, Catch::Contains("\x1b[1;32mPASS\x1b[0m"));
    CHECK_THAT(run_shell("NO_COLOR=1 script -qec '" + brief + "' /dev/null").out, !Catch::Contains("\x1b[1;31m"));
    CHECK_THAT(run_shell("script -qec '" + brief + " --no-color' /dev/null").out, !Catch::Contains("\x1b[1;31m"));
  }
}

TEST_CASE("CLI front door: query --brief is one line; a long explanation ends with the verdict line; colour on a terminal", "[cli][front-door]") {
  auto plain = run_netreach({"query", "-f", kSeed, "partner-cp/partner-api", "global-auth/auth", "--port", "5555"});
  CHECK(plain.exit_code == 1);
  CHECK_THAT(plain.out, !Catch::Contains("\x1b["));
  CHECK_THAT(plain.out, Catch::StartsWith("DENY partner-cp/partner-api -> global-auth/auth 5555/TCP\n"));
  CHECK_THAT(plain.out, Catch::EndsWith("\n\nDENY partner-cp/partner-api -> global-auth/auth 5555/TCP\n"));
  auto brief = run_netreach({"query", "-f", kSeed, "partner-cp/partner-api", "global-auth/auth", "--port", "5555", "--brief"});
  CHECK(brief.exit_code == 1);
  CHECK(brief.out == "DENY partner-cp/partner-api -> global-auth/auth 5555/TCP\n");
  if (netreach::testing::have_program("script")) {
    const std::string query = std::string(NETREACH_BINARY) + " query -f " + kSeed + " partner-cp/partner-api global-auth/auth --port 5555 --brief";
    CHECK_THAT(run_shell("script -qec '" + query + "' /dev/null").out, Catch::Contains("\x1b[1;31mDENY\x1b[0m"));
    CHECK_THAT(run_shell("NO_COLOR=1 script -qec '" + query + "' /dev/null").out, !Catch::Contains("\x1b[1;31m"));
  }
}

TEST_CASE("CLI reports: -o junit=FILE -o text prints text and writes JUnit in one run; --output-file", "[cli][report]") {
  TempDir dir;
  const std::string report = dir.path("report.xml");
  auto both = run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations, "-o", "junit=" + report, "-o", "text"});
  INFO(both.out << both.err);
  CHECK(both.exit_code == 1);
  CHECK_THAT(both.out, Catch::Contains("FAIL partner-api reaches auth: expected allow, got deny"));
  CHECK_THAT(both.out, Catch::EndsWith("7 passed, 3 failed\n"));
  const std::string xml = slurp(report);
  CHECK_THAT(xml, Catch::StartsWith("<?xml"));
  CHECK_THAT(xml, Catch::Contains("tests=\"10\" failures=\"3\""));

  const std::string json = dir.path("report.json");
  auto file = run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations, "-o", "json", "--output-file", json});
  CHECK(file.exit_code == 1);
  CHECK(file.out.empty());
  auto doc = nlohmann::json::parse(slurp(json));
  CHECK(doc["schemaVersion"] == 1);
  CHECK(doc["failed"] == 3);
  // The structured explanation next to the text: sides, decisive rule, file:line.
  const auto& first = doc["results"][0];
  CHECK(first["file"] == kSeedExpectations);
  CHECK(first["line"].get<int>() > 0);
  REQUIRE(first["flows"].size() >= 1);
  CHECK(first["flows"][0]["egress"]["direction"] == "egress");
  CHECK(first["flows"][0]["ingress"]["direction"] == "ingress");
  CHECK(first["flows"][0].contains("verdict"));

  // Two reports on standard output, or one file named twice, is a usage error.
  auto two = run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations, "-o", "json", "-o", "text"});
  CHECK(two.exit_code == 2);
  CHECK_THAT(two.err, Catch::Contains("only one -o can go to standard output"));
  auto twice = run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations, "-o", "json=" + json, "-o", "junit=" + json});
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.err, Catch::Contains("is named by two -o options"));
  auto unwritable = run_netreach({"summary", "-f", kSeed, "-o", "json=" + dir.path("no/such/dir/x.json")});
  CHECK(unwritable.exit_code == 2);
  CHECK_THAT(unwritable.err, Catch::Contains("cannot write " + dir.path("no/such/dir/x.json")));
  // summary and graph take the same options.
  auto summary = run_netreach({"summary", "-f", kSeed, "-o", "json=" + dir.path("s.json"), "-o", "text"});
  CHECK(summary.exit_code == 0);
  CHECK_THAT(summary.out, Catch::StartsWith("documents read:"));
  CHECK(nlohmann::json::parse(slurp(dir.path("s.json")))["schemaVersion"] == 1);
}

TEST_CASE("CLI reports: duplicate expectation names are made unique in JUnit, with a warning", "[cli][report]") {
  TempDir dir;
  std::string expectations = dir.write("e.yaml", R"(apiVersion: netreach/v1
kind: Expectations
expectations:
  - {name: same, from: partner-cp/partner-api, to: global-auth/auth, port: 5555, expect: deny}
  - {name: same, from: partner-cp/partner-api, to: global-auth/auth, port: 5556, expect: deny}
)");
  auto r = run_netreach({"check", "-f", kSeed, "-e", expectations, "-o", "junit"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("name=\"same (TCP)\" file=\"" + expectations + "\" line=\"4\""));
  CHECK_THAT(r.out, Catch::Contains("name=\"same (TCP) #2\" file=\"" + expectations + "\" line=\"5\""));
  CHECK_THAT(r.err, Catch::Contains("expectation name \"same\" is also used at " + expectations + ":4"));
}

TEST_CASE("CLI reports: JUnit is written on bad input too, one <error> test case that a real consumer reads", "[cli][report][junitparser]") {
  TempDir dir;
  const std::string report = dir.path("report.xml");
  std::string broken = dir.write("broken.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: [a\n");
  auto r = run_netreach({"check", "-f", broken, "-e", kSeedExpectations, "-o", "junit=" + report, "-o", "text"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  const std::string xml = slurp(report);
  CHECK_THAT(xml, Catch::Contains("<error message=\"" + broken));
  // python3-junitparser (Debian) reads it: one suite, one test case, an error naming the file.
  const std::string python = junitparser_python();
  REQUIRE_FALSE(python.empty());
  const std::string read_error = R"py(
import sys
from junitparser import JUnitXml, Error
xml = JUnitXml.fromfile(sys.argv[1])
suites = list(xml)
assert len(suites) == 1, suites
cases = list(suites[0])
assert len(cases) == 1, cases
errors = [r for r in cases[0].result if isinstance(r, Error)]
assert len(errors) == 1, cases[0].result
assert sys.argv[2] in errors[0].message, errors[0].message
assert suites[0].errors == 1
print("ok")
)py";
  auto parsed = run_shell(python + " -c '" + read_error + "' '" + report + "' '" + broken + "'");
  INFO(parsed.out << parsed.err);
  CHECK(parsed.exit_code == 0);
  CHECK(parsed.out == "ok\n");

  // A failing check, read the same way: the failure's body says expected/got.
  const std::string failing = dir.path("failing.xml");
  CHECK(run_netreach({"check", "-f", kSeed, "-e", kSeedExpectations, "-o", "junit=" + failing}).exit_code == 1);
  const std::string read_failures = R"py(
import sys
from junitparser import JUnitXml, Failure
suite = list(JUnitXml.fromfile(sys.argv[1]))[0]
names = [c.name for c in suite]
assert len(names) == len(set(names)) == 10, names
failures = [r for c in suite for r in c.result if isinstance(r, Failure)]
assert len(failures) == 3, failures
assert all(f.text.startswith("expected ") and ", got " in f.text for f in failures), [f.text for f in failures]
print("ok")
)py";
  auto read = run_shell(python + " -c '" + read_failures + "' '" + failing + "'");
  INFO(read.out << read.err);
  CHECK(read.out == "ok\n");
}

TEST_CASE("CLI front door: a failing kustomize build is shown at the kustomization's line, without klog's prefix", "[cli][kustomize]") {
  auto r = run_netreach({"summary", "-f", "tests/data/load/broken"});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("tests/data/load/broken/kustomization.yaml:4:1: error: `"));
  CHECK_THAT(r.err, Catch::Contains("does-not-exist.yaml"));
  CHECK_THAT(r.err, !Catch::Contains("run.go"));
  CHECK_THAT(r.err, !Catch::Contains("--lenient"));  // it cannot help with a missing file
}
