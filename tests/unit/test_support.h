// Test support: build a Model from YAML text and probe it with one-liners.
//
//   auto m = model_from_yaml(R"(...manifests...)");
//   CHECK(verdict(*m, "a/web", "b/db", "5432") == Verdict::Allow);
//
// The model is built by load_texts(), the facade's in-memory load: exactly
// as load() builds it from a file named test.yaml.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "model/diagnostic.h"
#include "netreach.h"
#include "resolve/model.h"

namespace netreach::testing {

struct Built {
  std::shared_ptr<const Model> model;  // null when the input had errors
  Diagnostics diagnostics;
  std::shared_ptr<const void> keep_alive;  // what the diagnostics point into
};

Built build_from_yaml(std::string_view yaml, const Options& options = {});

// Fails the current test (with the diagnostics) when the input has errors.
std::shared_ptr<const Model> model_from_yaml(std::string_view yaml, const Options& options = {});

// The query's verdict; fails the current test when the query is rejected.
Verdict verdict(const Model& model, const std::string& from, const std::string& to, const std::string& port);
QueryResult explain(const Model& model, const std::string& from, const std::string& to, const std::string& port);

}  // namespace netreach::testing
