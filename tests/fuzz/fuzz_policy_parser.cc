// Fuzz target: bytes -> YAML documents -> parse_policy (strict and lenient,
// as CNP, CCNP and KNP), the policy parser and validator.
//
// Every mapping document is parsed as each of the three policy kinds, so the
// fuzzer need not guess `kind:` to reach the validators. The first byte picks
// lenient/strict and enable-node-selector-labels.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "load/yaml_stream.h"
#include "model/source.h"
#include "policy/policy_parser.h"

using namespace netreach;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  PolicyParseOptions options;
  if (size > 0) {
    options.lenient = data[0] & 1;
    options.enable_node_selector_labels = data[0] & 2;
  }
  SourceTable sources;
  auto text = std::make_shared<const std::string>(reinterpret_cast<const char*>(data), size);
  const SourceFile* source = sources.add(SourceFile{"fuzz.yaml", "", text, false});
  YamlStream stream = YamlStream::from_text(text, source);
  for (int documents = 0; documents < 64; ++documents) {
    auto doc = stream.next();
    if (!doc) {
      for (const auto& d : doc.errors()) (void)format_diagnostic(d);
      break;
    }
    if (!doc->has_value()) break;
    const YamlNode& root = (**doc).root;
    if (!root.is_mapping()) continue;
    for (PolicyKind kind : {PolicyKind::CiliumNetworkPolicy, PolicyKind::CiliumClusterwideNetworkPolicy,
                            PolicyKind::NetworkPolicy}) {
      PolicyParseResult result = parse_policy(root, kind, options);
      for (const auto& d : result.diagnostics) (void)format_diagnostic(d);
    }
  }
  return 0;
}
