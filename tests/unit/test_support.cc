#include "test_support.h"

#include <catch2/catch.hpp>

namespace netreach::testing {

Built build_from_yaml(std::string_view yaml, const Options& options) {
  LoadOutcome outcome = load_texts({{"test.yaml", std::string(yaml)}}, options);
  return Built{outcome.model, std::move(outcome.diagnostics), outcome.keep_alive};
}

std::shared_ptr<const Model> model_from_yaml(std::string_view yaml, const Options& options) {
  Built built = build_from_yaml(yaml, options);
  if (!built.model) {
    std::string all;
    for (const auto& d : built.diagnostics) all += format_diagnostic(d, false) + "\n";
    FAIL("input rejected:\n" << all);
  }
  return built.model;
}

QueryResult explain(const Model& model, const std::string& from, const std::string& to, const std::string& port) {
  auto result = query(model, FlowQuery{from, to, port, std::nullopt});
  if (!result) {
    std::string all;
    for (const auto& d : result.errors()) all += format_diagnostic(d, false) + "\n";
    FAIL("query rejected: " << all);
  }
  return *result;
}

Verdict verdict(const Model& model, const std::string& from, const std::string& to, const std::string& port) {
  return explain(model, from, to, port).verdict;
}

}  // namespace netreach::testing
