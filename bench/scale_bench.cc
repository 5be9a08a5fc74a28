// Scale benchmarks: the largest cluster Kubernetes supports (150,000 pods,
// 10,000 namespaces, 12,000 policies; see scale_cluster() in bench_inputs.h),
// loaded, resolved and queried.
//
// Read them as ratios against BM_LibyamlEvents_Bare_150kPods, libyaml's bare
// event loop over the same files in the same process. Peak RSS comes from
// getrusage and is the process's peak so far: run one benchmark alone
// (--benchmark_filter=BM_Load_150kPods$) for a figure of its own.
#include <benchmark/benchmark.h>


#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "bench_inputs.h"
#include "build/cluster_builder.h"
#include "load/manifest_reader.h"
#include "netreach.h"
#include "resolve/model.h"

namespace netreach::bench {
namespace {


void set_scale_counters(benchmark::State& state, const ScaleInput& input) {
  state.SetBytesProcessed(int64_t(state.iterations()) * input.bytes);
  state.counters["pods"] = input.pods;
  state.counters["namespaces"] = input.namespaces;
  state.counters["policies"] = input.policies;
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}

void bare_events(benchmark::State& state, const ScaleInput& input) {
  for (auto _ : state) {
    size_t events = 0;
    for (const auto& path : input.paths) {
      if (!bare_libyaml_events(path, events)) {
        state.SkipWithError("libyaml error in the generated input");
        return;
      }
    }
    benchmark::DoNotOptimize(events);
  }
  set_scale_counters(state, input);
}

// The public load(): YAML, objects, policies, identities and the resolved
// model. model_MiB: growth of the resident set while one model is alive.
void load_model(benchmark::State& state, const ScaleInput& input) {
  Options options;
  double model_mib = -1;
  size_t identities = 0;
  for (auto _ : state) {
    double before = model_mib < 0 ? current_rss_mib() : 0;
    LoadOutcome outcome = load(input.paths, options);
    if (!outcome.model) {
      state.SkipWithError(outcome.diagnostics.empty() ? "load failed" : outcome.diagnostics.front().message.c_str());
      return;
    }
    if (model_mib < 0) model_mib = current_rss_mib() - before;
    identities = summarize(*outcome.model).identities;
  }
  set_scale_counters(state, input);
  state.counters["model_MiB"] = model_mib;
  state.counters["identities"] = static_cast<double>(identities);
}

void BM_LibyamlEvents_Bare_150kPods(benchmark::State& state) { bare_events(state, scale_cluster()); }
BENCHMARK(BM_LibyamlEvents_Bare_150kPods)->Unit(benchmark::kMillisecond);

void BM_Load_150kPods(benchmark::State& state) { load_model(state, scale_cluster()); }
BENCHMARK(BM_Load_150kPods)->Unit(benchmark::kMillisecond);

// The variant with every Pod object (~490 MB): only with
// NETREACH_BENCH_SCALE_POD_OBJECTS=1, registered at start-up.
[[maybe_unused]] const bool pod_object_benchmarks = [] {
  const char* v = std::getenv("NETREACH_BENCH_SCALE_POD_OBJECTS");
  if (!v || std::atoi(v) == 0) return false;
  benchmark::RegisterBenchmark("BM_LibyamlEvents_Bare_150kPods_PodObjects",
                               [](benchmark::State& state) { bare_events(state, scale_cluster_with_pods()); })
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Load_150kPods_PodObjects",
                               [](benchmark::State& state) { load_model(state, scale_cluster_with_pods()); })
      ->Unit(benchmark::kMillisecond);
  return true;
}();

// The objects of the scale cluster read into a Cluster once (as load() does
// before resolving), for the resolve benchmark.
const Cluster& scale_cluster_objects() {
  static const Cluster cluster = [] {
    ClusterBuilder builder{BuildOptions{}};
    auto read = read_manifests(scale_cluster().paths, builder.sources(), ReadOptions{},
                               [&](const ManifestObject& object) { builder.add(*object.node); });
    if (!read || has_errors(builder.diagnostics())) {
      std::fprintf(stderr, "scale cluster failed to load\n");
      std::abort();
    }
    return builder.finish();
  }();
  return cluster;
}

// resolve_model() alone: identities per pod, each rule's subject selector
// against its candidate identities, toServices, named ports. The copy of the
// Cluster it consumes and the Model's destruction are not timed.
void BM_Resolve_150kPods(benchmark::State& state) {
  const Cluster& cluster = scale_cluster_objects();
  Options options;
  for (auto _ : state) {
    state.PauseTiming();
    Cluster copy = cluster;
    state.ResumeTiming();
    std::shared_ptr<Model> model = resolve_model(std::move(copy), options);
    benchmark::DoNotOptimize(model.get());
    state.PauseTiming();
    model.reset();
    state.ResumeTiming();
  }
  set_scale_counters(state, scale_cluster());
}
BENCHMARK(BM_Resolve_150kPods)->Unit(benchmark::kMillisecond);

// query() on the loaded scale cluster: random pairs of workloads, each to a
// port of the destination's pod template. Reports the cost of one query.
struct QueryInputs {
  std::shared_ptr<const Model> model;
  std::vector<FlowQuery> queries;
};

const QueryInputs& scale_queries() {
  static const QueryInputs inputs = [] {
    QueryInputs q;
    LoadOutcome outcome = load(scale_cluster().paths, Options{});
    if (!outcome.model) {
      std::fprintf(stderr, "scale cluster failed to load\n");
      std::abort();
    }
    q.model = outcome.model;
    const Cluster& c = q.model->cluster;
    // Template pods (one per workload), whose workload names are endpoints.
    std::vector<const Pod*> pods;
    for (const auto& pod : c.pods)
      if (pod.workload && pod.from_template) pods.push_back(&pod);
    uint64_t state = 12345;
    auto next = [&] {  // splitmix64: the same pairs on every platform
      uint64_t z = (state += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return z ^ (z >> 31);
    };
    for (int i = 0; i < 1000 && !pods.empty(); ++i) {
      const Pod& from = *pods[next() % pods.size()];
      const Pod& to = *pods[next() % pods.size()];
      FlowQuery fq;
      fq.from = fmt::format("{}/{}", from.namespace_, c.workloads[*from.workload].name);
      fq.to = fmt::format("{}/{}", to.namespace_, c.workloads[*to.workload].name);
      fq.port = to.ports.empty() ? "80" : fmt::format("{}/{}", to.ports[0].port, to_string(to.ports[0].protocol));
      q.queries.push_back(std::move(fq));
    }
    return q;
  }();
  return inputs;
}

void BM_Query_150kPods(benchmark::State& state) {
  const QueryInputs& inputs = scale_queries();
  if (inputs.queries.empty()) {
    state.SkipWithError("no workloads in the scale cluster");
    return;
  }
  size_t i = 0, allowed = 0;
  for (auto _ : state) {
    auto result = query(*inputs.model, inputs.queries[i++ % inputs.queries.size()]);
    if (!result) {
      state.SkipWithError(result.errors().front().message.c_str());
      return;
    }
    allowed += result->verdict == Verdict::Allow;
  }
  state.counters["allowed_share"] = state.iterations() ? double(allowed) / double(state.iterations()) : 0;
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}
BENCHMARK(BM_Query_150kPods)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace netreach::bench
