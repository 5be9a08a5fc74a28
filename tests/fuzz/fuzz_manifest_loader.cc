// Fuzz target: bytes -> manifest file -> cluster model (load(), summarize()).
//
// Exercises the whole read path a PR's manifests take: YamlStream reading a
// file in chunks (open_file), kind: List unwrapping, the Kubernetes-object
// checks of the manifest reader, ClusterBuilder (every kind it reads, policies
// strict or lenient) and resolve_model. The first byte picks the options.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "netreach.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  netreach::Options options;
  if (size > 0) {
    options.lenient = data[0] & 1;
    options.enable_node_selector_labels = data[0] & 2;
  }
  const std::string& path = netreach::fuzz::bytes_as_file(data, size);
  auto outcome = netreach::load({path}, options);
  for (const auto& d : outcome.diagnostics) (void)netreach::format_diagnostic(d);
  if (outcome.model) (void)netreach::summarize(*outcome.model);
  return 0;
}
