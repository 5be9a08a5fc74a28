#include "test_support.h"

#include <catch2/catch.hpp>

#include "load/cluster_builder.h"
#include "load/yaml_stream.h"

namespace netreach::testing {

Built build_from_yaml(std::string_view yaml, const Options& options) {
  Built built;
  ClusterBuilder builder(BuildOptions::from(options));
  built.sources = builder.shared_sources();
  auto text = std::make_shared<const std::string>(yaml);
  const SourceFile* source = builder.sources().add(SourceFile{"test.yaml", "", text, false});
  YamlStream stream = YamlStream::from_text(text, source);
  while (true) {
    auto doc = stream.next();
    if (!doc) {
      built.diagnostics = doc.errors();
      return built;
    }
    if (!doc->has_value()) break;
    builder.add((**doc).root);
  }
  if (has_errors(builder.diagnostics())) {
    built.diagnostics = builder.diagnostics();
    return built;
  }
  Cluster cluster = builder.finish();
  built.diagnostics = cluster.warnings;
  built.model = resolve_model(std::move(cluster), options);
  return built;
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
