// CLI tests of `netreach report -o html`: the real binary writes the page,
// headless Chromium opens it (tests/browser/cdp_page.py drives it over the
// DevTools protocol): no console message, the tables hold the rows summary,
// lint and graph give, a real click on a column header sorts a table, and
// names from the input are text, never markup. The pages and screenshots
// stay in the build directory (report-artifacts/, docs/ci.md).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_support.h"

using netreach::testing::run_netreach;
using netreach::testing::run_shell;

namespace {

namespace fs = std::filesystem;

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path artifacts() {
  fs::path dir = fs::path(NETREACH_BUILD_DIR) / "report-artifacts";
  fs::create_directories(dir);
  return dir;
}

// A temporary directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "netreach-html-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

// What Chromium shows of the page at `html` (cdp_page.py's JSON), with a
// screenshot beside it; `clicks` are "TABLE_ID:COLUMN" header clicks.
nlohmann::json open_in_chromium(const fs::path& html, const std::vector<std::string>& clicks = {}) {
  fs::path shot = html;
  shot.replace_extension(".png");
  std::string script = fmt::format("python3 tests/browser/cdp_page.py chromium {} {}", quote(html.string()), quote(shot.string()));
  for (const auto& c : clicks) script += " " + quote(c);
  auto run = run_shell(script);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(fs::file_size(shot) > 10000);  // a real picture of the page, kept as an artifact
  return nlohmann::json::parse(run.out);
}

using Rows = std::vector<std::vector<std::string>>;

Rows rows_of(const nlohmann::json& tables, const std::string& id) {
  REQUIRE(tables.contains(id));
  return tables.at(id).get<Rows>();
}

bool has_row(const Rows& rows, const std::vector<std::string>& starts_with) {
  return std::any_of(rows.begin(), rows.end(), [&](const auto& r) {
    if (r.size() < starts_with.size()) return false;
    for (size_t i = 0; i < starts_with.size(); ++i)
      if (r[i].find(starts_with[i]) == std::string::npos) return false;
    return true;
  });
}

// The table id of a namespace's flows ("flows-N", N its place in the page).
std::string flows_table(const std::string& html, const std::string& ns) {
  auto at = html.find(fmt::format("data-namespace=\"{}\"", ns));
  REQUIRE(at != std::string::npos);
  auto id = html.find("<table id=\"flows-", at);
  REQUIRE(id != std::string::npos);
  auto start = id + std::string("<table id=\"").size();
  return html.substr(start, html.find('"', start) - start);
}

std::vector<std::string> column(const Rows& rows, size_t c) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.at(c));
  return out;
}

const std::string kSeed = "fixtures/seed/clusters/prod";
const std::string kCorrected = "fixtures/corrected/clusters/prod";

}  // namespace

TEST_CASE("CLI report: the seed's page renders in Chromium with its summary, findings, drawings and flows", "[cli][report-html][chromium][kustomize][graphviz]") {
  const fs::path html = artifacts() / "seed.html";
  auto r = run_netreach({"report", "-f", kSeed, "-o", "html=" + html.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string page = slurp(html);
  // Self-contained: nothing to fetch, and a policy forbidding any fetch.
  CHECK_THAT(page, Catch::Contains("default-src 'none'"));
  for (const char* external : {"src=\"http", "href=\"http", "<link", "@import", "url("}) CHECK_THAT(page, !Catch::Contains(external));
  // dot is on PATH: every namespace with edges is drawn, and the page says so.
  CHECK_THAT(page, Catch::Contains("Drawn by Graphviz"));
  CHECK_THAT(page, Catch::Contains("<svg"));
  CHECK_THAT(page, !Catch::Contains("graph-table"));

  const std::string partner = flows_table(page, "partner-cp");
  auto seen = open_in_chromium(html, {partner + ":0", partner + ":0", "lint-findings:0"});
  CHECK(seen.at("console").get<std::vector<std::string>>() == std::vector<std::string>{});

  const auto& tables = seen.at("tables");
  // Summary: summarize()'s counts.
  CHECK(has_row(rows_of(tables, "summary-objects"), {"CiliumNetworkPolicy", "4"}));
  CHECK(has_row(rows_of(tables, "summary-objects"), {"Deployment", "6"}));
  CHECK(has_row(rows_of(tables, "summary-counts"), {"policy enforcement", "default"}));
  // Lint: the seed's two mistakes, with file:line (as `netreach lint` finds them).
  Rows lint = rows_of(tables, "lint-findings");
  CHECK(lint.size() == 6);
  CHECK(has_row(lint, {"NR001 namespace-lookalike-selector", "warning", "partner-cp/cnp.partner-api.yaml:12:11",
                       "CNP partner-cp/partner-api spec.egress[0].toEndpoints[0]"}));
  CHECK(has_row(lint, {"NR002 one-sided-flow", "warning", "partner-cp/cnp.partner-api.yaml:22:7"}));
  // Flows: what the graph allows, with the rules deciding each side; the
  // document's flow to auth is denied, so it is no row.
  Rows flows = rows_of(tables, partner);
  CHECK(has_row(flows, {"partner-cp/deploy/partner-api", "partner-cp/deploy/partner-worker", "any port", "allow",
                        "egress: CNP partner-cp/namespace-defaults spec.egress[0].toEndpoints[0] (fixtures/seed/clusters/prod/defaults/cnp.namespace-defaults.yaml:14:11)"}));
  CHECK(has_row(flows, {"partner-cp/deploy/partner-api", "kube-system/deploy/coredns", "TCP 53; UDP 53", "allow"}));
  CHECK_FALSE(has_row(flows, {"partner-cp/deploy/partner-api", "global-auth/deploy/auth"}));
  CHECK(seen.at("headers").at(partner) == std::vector<std::string>{"source", "destination", "ports", "verdict", "decided by"});

  // A click on "source" sorts by it, a second click reverses; the rows stay whole.
  const auto& clicks = seen.at("clicks");
  REQUIRE(clicks.size() == 3);
  Rows ascending = rows_of(clicks[0].at("tables"), partner), descending = rows_of(clicks[1].at("tables"), partner);
  auto sources = column(ascending, 0);
  CHECK(std::is_sorted(sources.begin(), sources.end()));
  CHECK(sources.front() == "host");
  Rows reversed(descending.rbegin(), descending.rend());
  CHECK(column(reversed, 0) == sources);
  Rows sorted_before = flows, sorted_after = ascending;
  std::sort(sorted_before.begin(), sorted_before.end());
  std::sort(sorted_after.begin(), sorted_after.end());
  CHECK(sorted_before == sorted_after);
  // The findings come by file:line; a click on "rule" puts NR001 first.
  Rows by_rule = rows_of(clicks[2].at("tables"), "lint-findings");
  std::vector<std::string> rules = column(by_rule, 0);
  CHECK(std::is_sorted(rules.begin(), rules.end()));
  CHECK(rules.front() == "NR001 namespace-lookalike-selector");
  CHECK(column(lint, 0).front() == "NR002 one-sided-flow");
}

TEST_CASE("CLI report: the corrected fixture's page shows the flow to auth and no finding", "[cli][report-html][chromium][kustomize]") {
  const fs::path html = artifacts() / "corrected.html";
  auto r = run_netreach({"report", "-f", kCorrected, "--output-file", html.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string page = slurp(html);
  auto seen = open_in_chromium(html);
  CHECK(seen.at("console").get<std::vector<std::string>>() == std::vector<std::string>{});
  const auto& tables = seen.at("tables");
  CHECK_FALSE(tables.contains("lint-findings"));  // no finding: no table, the count says 0
  CHECK_THAT(page, Catch::Contains("0 findings: 0 errors, 0 warnings, 0 notes"));
  for (const char* ns : {"partner-cp", "global-auth"}) {
    INFO(ns);
    CHECK(has_row(rows_of(tables, flows_table(page, ns)),
                  {"partner-cp/deploy/partner-api", "global-auth/deploy/auth", "TCP 5555", "allow",
                   "egress: CNP partner-cp/partner-api spec.egress[0].toEndpoints[0] (fixtures/corrected/clusters/prod/namespaces/"
                   "application/partner-cp/cnp.partner-api.yaml:16:"}));
  }
}

namespace {

// An input whose file name, object kind and label values are markup: the
// page must show them as text.
const std::string kHostileFile = "x<img src=x onerror=console.error('file')>&'\"<b>.yaml";
const std::string kHostileManifests = R"(apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: evil.example/v1
kind: "<img src=x onerror=console.error('kind')>"
metadata: {name: e, namespace: shop}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints:
    - matchLabels: {app: webb}
)";

}  // namespace

TEST_CASE("CLI report: names from the input are text in the page, never markup", "[cli][report-html][chromium]") {
  TempDir dir;
  const fs::path input = dir.path() / kHostileFile;
  std::ofstream(input, std::ios::binary) << kHostileManifests;
  const fs::path html = artifacts() / "hostile.html";
  auto r = run_netreach({"report", "-f", input.string(), "-o", "html=" + html.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string page = slurp(html);
  CHECK_THAT(page, !Catch::Contains("<img src=x"));
  CHECK_THAT(page, !Catch::Contains("<b>"));
  CHECK_THAT(page, Catch::Contains("x&lt;img src=x onerror=console.error(&#39;file&#39;)&gt;&amp;&#39;&quot;&lt;b&gt;.yaml"));
  auto seen = open_in_chromium(html);
  // Had any of it been markup, its console.error would be here.
  CHECK(seen.at("console").get<std::vector<std::string>>() == std::vector<std::string>{});
  // The file and the kind as written, as text.
  CHECK(has_row(rows_of(seen.at("tables"), "summary-objects"), {"<img src=x onerror=console.error('kind')>", "1"}));
  Rows lint = rows_of(seen.at("tables"), "lint-findings");
  CHECK(std::any_of(lint.begin(), lint.end(), [](const auto& row) { return row.at(2).find(kHostileFile) != std::string::npos; }));
}

TEST_CASE("CLI report: without dot the graph is a table, and a failing dot is said on stderr and in the page", "[cli][report-html]") {
  TempDir dir;
  const fs::path input = dir.path() / "shop.yaml";
  std::ofstream(input, std::ios::binary) << kHostileManifests;
  const fs::path empty = dir.path() / "empty-path";
  fs::create_directories(empty);

  auto none = run_shell(fmt::format("PATH={} \"$NETREACH\" report -f {}", quote(empty.string()), quote(input.string())));
  INFO(none.err);
  REQUIRE(none.exit_code == 0);
  CHECK_THAT(none.out, Catch::Contains("Graphviz (dot) is not on PATH: the graph is shown as a table."));
  CHECK_THAT(none.out, Catch::Contains("<table id=\"graph-0\" class=\"sortable graph-table\">"));
  CHECK_THAT(none.out, !Catch::Contains("<svg"));
  CHECK(none.err.empty());

  // A dot that fails: the page is written all the same, with the table.
  const fs::path fake = dir.path() / "fake-dot";
  fs::create_directories(fake);
  std::ofstream(fake / "dot") << "#!/bin/sh\necho 'syntax error in line 1' >&2\nexit 3\n";
  fs::permissions(fake / "dot", fs::perms::owner_all);
  auto failing = run_shell(fmt::format("PATH={} \"$NETREACH\" report -f {}", quote(fake.string()), quote(input.string())));
  REQUIRE(failing.exit_code == 0);
  CHECK_THAT(failing.err, Catch::Contains("netreach report: warning: namespace shop: dot failed (exit status 3): syntax error in line 1"));
  CHECK_THAT(failing.out, Catch::Contains("Graphviz could not draw this graph (dot failed (exit status 3): syntax error in line 1)"));
  CHECK_THAT(failing.out, Catch::Contains("graph-table"));

  // A dot whose SVG holds a script is not inlined.
  std::ofstream(fake / "dot") << "#!/bin/sh\necho '<svg><script>console.error(1)</script></svg>'\n";
  auto scripted = run_shell(fmt::format("PATH={} \"$NETREACH\" report -f {}", quote(fake.string()), quote(input.string())));
  REQUIRE(scripted.exit_code == 0);
  CHECK_THAT(scripted.out, !Catch::Contains("console.error(1)"));
  CHECK_THAT(scripted.err, Catch::Contains("dot's SVG holds \"<script\""));
}

TEST_CASE("CLI report: html is the only format", "[cli][report-html]") {
  auto r = run_netreach({"report", "-f", "tests/data/whatif/corrected-policies.yaml", "-o", "json"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("netreach report: -o json: report has no format \"json\"; its formats are html"));
  CHECK(r.out.empty());
}
