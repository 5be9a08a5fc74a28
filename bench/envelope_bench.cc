// Envelope benchmarks: the published Kubernetes envelope as a pod dump
// (envelope_spec() in cluster_generator.h: 150,000 Pod objects, 2,000
// namespaces, 10,000 workloads, ~18,000 policies), at three sizes: a ninth, a
// third and all of NETREACH_BENCH_ENVELOPE_PODS (default 150,000).
//
// Each benchmark reports its own ratios, measured in the same process on the
// same files (CPU time, as the other benchmarks are read):
//   BM_Ingest_Envelope        x_bare: load() / libyaml's bare event loop
//                              (target: at most 2.5); us_per_MB: CPU per MB of
//                              input, to compare across sizes (linear growth
//                              keeps it flat)
//   BM_Check_10kExpectations  check of 10,000 generated expectations on the
//                              loaded model, every result rendered as the CLI
//                              renders it and dropped (the streaming form of
//                              check()); check_s is its CPU time (target: at
//                              most 1 s over the ingest), vs_ingest its ratio
//                              to the ingest measured just before
// Peak RSS of the real binary (ingest alone, and check) comes from
// bench/envelope_rss.sh, which runs netreach under /usr/bin/time -v.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "bench_inputs.h"
#include "netreach.h"

namespace netreach::bench {
namespace {

double bare_cpu_seconds(const EnvelopeInput& input) {
  double start = process_cpu_seconds();
  size_t events = 0;
  for (const auto& path : input.paths)
    if (!bare_libyaml_events(path, events)) return -1;
  return process_cpu_seconds() - start;
}

void set_envelope_counters(benchmark::State& state, const EnvelopeInput& input) {
  state.counters["pods"] = input.pods;
  state.counters["MB"] = double(input.bytes) / 1e6;
  state.counters["pod_label_sets"] = double(input.stats.distinct_pod_label_sets);
  state.counters["policies"] = double(input.stats.cnp + input.stats.ccnp + input.stats.knp);
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}

// The baseline alone: libyaml's event loop over the same files.
void BM_LibyamlEvents_Bare_Envelope(benchmark::State& state) {
  const EnvelopeInput& input = envelope_cluster(int(state.range(0)));
  for (auto _ : state) {
    size_t events = 0;
    for (const auto& path : input.paths) {
      if (!bare_libyaml_events(path, events)) {
        state.SkipWithError("libyaml error in the generated envelope");
        return;
      }
    }
    benchmark::DoNotOptimize(events);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * input.bytes);
  set_envelope_counters(state, input);
}

void BM_Ingest_Envelope(benchmark::State& state) {
  const EnvelopeInput& input = envelope_cluster(int(state.range(0)));
  double bare = bare_cpu_seconds(input);  // outside the timed loop
  if (bare < 0) {
    state.SkipWithError("libyaml error in the generated envelope");
    return;
  }
  double cpu = 0;
  size_t identities = 0;
  for (auto _ : state) {
    double start = process_cpu_seconds();
    LoadOutcome outcome = load(input.paths, Options{});
    if (!outcome.model) {
      state.SkipWithError(outcome.diagnostics.empty() ? "load failed" : outcome.diagnostics.front().message.c_str());
      return;
    }
    identities = summarize(*outcome.model).identities;
    outcome.model.reset();
    cpu += process_cpu_seconds() - start;
  }
  double per_iteration = cpu / double(state.iterations());
  state.SetBytesProcessed(int64_t(state.iterations()) * input.bytes);
  set_envelope_counters(state, input);
  state.counters["identities"] = double(identities);
  state.counters["bare_s"] = bare;
  state.counters["x_bare"] = per_iteration / bare;
  state.counters["us_per_MB"] = per_iteration * 1e6 / (double(input.bytes) / 1e6);
}

// The model of one size, kept for the check benchmark with the CPU time its
// ingest took.
struct LoadedEnvelope {
  int pods = 0;
  std::shared_ptr<const Model> model;
  double ingest_s = 0;
};

const LoadedEnvelope& loaded_envelope(int pods) {
  static LoadedEnvelope loaded;
  if (loaded.pods != pods) {
    loaded = LoadedEnvelope{};
    const EnvelopeInput& input = envelope_cluster(pods);
    double start = process_cpu_seconds();
    LoadOutcome outcome = load(input.paths, Options{});
    loaded.ingest_s = process_cpu_seconds() - start;
    loaded.model = outcome.model;
    loaded.pods = pods;
  }
  return loaded;
}

void BM_Check_10kExpectations(benchmark::State& state) {
  const int pods = int(state.range(0));
  const LoadedEnvelope& loaded = loaded_envelope(pods);
  const EnvelopeInput& input = envelope_cluster(pods);
  if (!loaded.model) {
    state.SkipWithError("the envelope failed to load");
    return;
  }
  double cpu = 0;
  size_t rendered = 0, failed = 0;
  for (auto _ : state) {
    double start = process_cpu_seconds();
    SourceTable sources;
    auto file = load_expectations(input.expectations, sources);
    if (!file) {
      state.SkipWithError(file.errors().front().message.c_str());
      return;
    }
    rendered = 0;
    auto counts = check(*loaded.model, *file, [&](const CheckResult& r) { rendered += render_text(r.result).size(); });
    if (!counts) {
      state.SkipWithError(counts.errors().front().message.c_str());
      return;
    }
    failed = counts->failed;
    cpu += process_cpu_seconds() - start;
  }
  double per_iteration = cpu / double(state.iterations());
  set_envelope_counters(state, input);
  state.counters["expectations"] = input.expectation_count;
  state.counters["failed"] = double(failed);
  state.counters["explanations_MB"] = double(rendered) / 1e6;
  state.counters["ingest_s"] = loaded.ingest_s;
  state.counters["check_s"] = per_iteration;
  state.counters["vs_ingest"] = per_iteration / loaded.ingest_s;
}

void envelope_sizes(benchmark::internal::Benchmark* b) {
  int large = envelope_pods();
  b->Arg(large / 9)->Arg(large / 3)->Arg(large);
}

BENCHMARK(BM_LibyamlEvents_Bare_Envelope)->Apply(envelope_sizes)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Ingest_Envelope)->Apply(envelope_sizes)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Check_10kExpectations)->Apply(envelope_sizes)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace netreach::bench
