// Fuzz target: endpoint references and port strings, as users write them on
// the command line, queried against a small fixed model.
//
// Input: "FROM\nTO\nPORT[\nPROTOCOL]". Each reference goes through
// resolve_endpoint, then the whole query() (port parsing included) and
// render_text run on it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "netreach.h"
#include "query/endpoint_ref.h"

using namespace netreach;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Model& model = fuzz::fixed_model();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  while (parts.size() < 4) {
    auto nl = input.find('\n');
    parts.emplace_back(input.substr(0, nl));
    if (nl == std::string_view::npos) break;
    input.remove_prefix(nl + 1);
  }
  parts.resize(4);
  for (size_t i = 0; i < 2; ++i) {
    auto ref = resolve_endpoint(model, parts[i]);
    if (!ref) for (const auto& d : ref.errors()) (void)format_diagnostic(d);
  }
  FlowQuery flow{parts[0], parts[1], parts[2], std::nullopt};
  if (!parts[3].empty()) flow.protocol = parse_port_protocol(parts[3]);
  auto result = query(model, flow);
  if (result) (void)render_text(*result);
  else for (const auto& d : result.errors()) (void)format_diagnostic(d);
  return 0;
}
