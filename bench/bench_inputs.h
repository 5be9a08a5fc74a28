// BenchInputs: generated cluster files shared by the benchmarks of one process.
//
// Each input is generated once per process into a temporary file (removed at
// exit), so every benchmark of a run reads the same bytes and results can be
// compared as ratios against a baseline of the same run. Sizes come from the
// environment so a default run stays quick:
//   NETREACH_BENCH_PODS    Pod objects in the generated dump (default 5000, about
//                          16 MB; each Pod is ~3.2 KB with workloads and policies)
//   NETREACH_BENCH_FILE    use this existing YAML file instead of generating one
#pragma once

#include <string>

namespace netreach::bench {

// Path of a `kubectl get pods -o yaml`-like dump with workloads and policies.
const std::string& pod_dump_path();
// Its size in bytes.
long long pod_dump_bytes();

}  // namespace netreach::bench
