// Conformance cases as data: every directory under tests/conformance/ holds
// manifests (*.yaml other than expectations.yaml), an expectations.yaml in
// netreach's public format, and a README.md naming the Cilium source (or
// Kubernetes e2e scenario) that decides each expectation. This test loads each
// case the way the CLI does and requires every expectation to hold.
#include <algorithm>
#include <filesystem>

#include <catch2/catch.hpp>

#include "netreach.h"

namespace fs = std::filesystem;
using namespace netreach;

TEST_CASE("Conformance: every case under tests/conformance holds", "[conformance]") {
  fs::path root = fs::path(NETREACH_SOURCE_DIR) / "tests" / "conformance";
  REQUIRE(fs::is_directory(root));
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_directory()) cases.push_back(entry.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE_FALSE(cases.empty());
  for (const auto& dir : cases) {
    DYNAMIC_SECTION(dir.filename().string()) {
      INFO("case " << dir.filename().string());
      CHECK(fs::exists(dir / "README.md"));
      std::vector<std::string> manifests;
      for (const auto& entry : fs::directory_iterator(dir)) {
        auto name = entry.path().filename().string();
        if (entry.is_regular_file() && (name.ends_with(".yaml") || name.ends_with(".yml")) && name != "expectations.yaml")
          manifests.push_back(entry.path().string());
      }
      std::sort(manifests.begin(), manifests.end());
      Options options;
      auto outcome = load(manifests, options);
      for (const auto& d : outcome.diagnostics)
        if (d.severity == Severity::Error) UNSCOPED_INFO(format_diagnostic(d, false));
      REQUIRE(outcome.model);
      SourceTable expectation_sources;
      auto expectations = load_expectations((dir / "expectations.yaml").string(), expectation_sources);
      if (!expectations)
        for (const auto& d : expectations.errors()) UNSCOPED_INFO(format_diagnostic(d, false));
      REQUIRE(expectations);
      auto report = check(*outcome.model, *expectations);
      if (!report)
        for (const auto& d : report.errors()) UNSCOPED_INFO(format_diagnostic(d, false));
      REQUIRE(report);
      for (const auto& r : report->results) {
        INFO(r.expectation.name << ": expected " << to_string(r.expectation.expect) << "\n"
                                << render_text(r.result));
        CHECK(r.passed);
      }
    }
  }
}
