// Ingest benchmarks: how fast a large cluster dump gets from disk into memory.
//
// Read them as ratios against BM_LibyamlEvents_Bare, which runs in the same
// process over the same file: it is the floor any libyaml-based loader pays.
// The target (bench/README.md) is a full load within 3x of it.
#include <benchmark/benchmark.h>


#include <cstdio>

#include "bench_inputs.h"
#include "load/yaml_stream.h"
#include "netreach.h"

namespace netreach::bench {
namespace {

// The baseline: libyaml's event loop over the file, doing nothing with events.
void BM_LibyamlEvents_Bare(benchmark::State& state) {
  const std::string& path = pod_dump_path();
  for (auto _ : state) {
    size_t events = 0;
    if (!bare_libyaml_events(path, events)) {
      state.SkipWithError("cannot read or parse the generated input");
      return;
    }
    benchmark::DoNotOptimize(events);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * pod_dump_bytes());
}
BENCHMARK(BM_LibyamlEvents_Bare)->Unit(benchmark::kMillisecond);

// YamlStream: every document built as a YamlNode tree with positions, then dropped.
void BM_YamlStream_Documents(benchmark::State& state) {
  const std::string& path = pod_dump_path();
  SourceFile source{"pods.yaml", "", nullptr, true};
  for (auto _ : state) {
    auto stream = YamlStream::open_file(path, &source);
    if (!stream.ok()) {
      state.SkipWithError("cannot open the generated input");
      return;
    }
    size_t documents = 0;
    for (;;) {
      auto doc = stream->next();
      if (!doc.ok()) {
        state.SkipWithError(doc.errors().front().message.c_str());
        break;
      }
      if (!doc->has_value()) break;
      benchmark::DoNotOptimize((*doc)->root.entries().data());
      ++documents;
    }
    benchmark::DoNotOptimize(documents);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * pod_dump_bytes());
}
BENCHMARK(BM_YamlStream_Documents)->Unit(benchmark::kMillisecond);

// --- full-model load -----------------------------------------------------------

// The public load() of engine/netreach.h over the same file: YAML, objects,
// policies, identities and the resolved model, freed at the end of each
// iteration. The figure is its ratio to BM_LibyamlEvents_Bare (target: 3x).
// Counters: peak_rss_MiB is the process's peak so far (run the benchmark
// alone, --benchmark_filter=BM_Load_PodDump, for a figure of its own);
// model_MiB is the growth of the resident set while one loaded model is alive.
void BM_Load_PodDump(benchmark::State& state) {
  const std::vector<std::string> paths = {pod_dump_path()};
  Options options;
  double model_mib = -1;
  for (auto _ : state) {
    double before = model_mib < 0 ? current_rss_mib() : 0;
    LoadOutcome outcome = load(paths, options);
    if (!outcome.model) {
      state.SkipWithError(outcome.diagnostics.empty() ? "load failed" : outcome.diagnostics.front().message.c_str());
      return;
    }
    if (model_mib < 0) model_mib = current_rss_mib() - before;
    benchmark::DoNotOptimize(outcome.model.get());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * pod_dump_bytes());
  state.counters["peak_rss_MiB"] = peak_rss_mib();
  state.counters["model_MiB"] = model_mib;
}
BENCHMARK(BM_Load_PodDump)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace netreach::bench
