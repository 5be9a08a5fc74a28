// Fuzz target: bytes -> expectations file -> load_expectations, then check()
// against a small fixed model (endpoint and port strings come from the file).
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "netreach.h"

using namespace netreach;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Model& model = fuzz::fixed_model();
  const std::string& path = fuzz::bytes_as_file(data, size);
  SourceTable sources;
  auto file = load_expectations(path, sources);
  if (!file) {
    for (const auto& d : file.errors()) (void)format_diagnostic(d);
    return 0;
  }
  auto report = check(model, *file);
  if (report) {
    for (const auto& r : report->results) (void)render_text(r.result);
  } else {
    for (const auto& d : report.errors()) (void)format_diagnostic(d);
  }
  return 0;
}
