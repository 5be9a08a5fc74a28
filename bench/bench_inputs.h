// BenchInputs: generated cluster files shared by the benchmarks of one process.
//
// Each input is generated once per process into a temporary file (removed at
// exit), so every benchmark of a run reads the same bytes and results can be
// compared as ratios against a baseline of the same run. Sizes come from the
// environment so a default run stays quick:
//   NETREACH_BENCH_PODS    Pod objects in the generated dump (default 5000, about
//                          16 MB; each Pod is ~3.2 KB with workloads and policies)
//   NETREACH_BENCH_FILE    use this existing YAML file instead of generating one
//
// The scale cluster (scale_cluster()) is the brief's target: the largest
// cluster Kubernetes supports, 150,000 pods in 10,000 namespaces with 12,000
// policies, written as workloads (Deployments, StatefulSets) and Services
// without Pod objects: about 31 MB.
//   NETREACH_BENCH_SCALE_PODS         pods (default 150000); namespaces are
//                                     pods/15 and policies pods*2/25
//   NETREACH_BENCH_SCALE_POD_OBJECTS  1: also build the variant with every Pod
//                                     object (scale_cluster_with_pods(), ~490 MB
//                                     at 150,000 pods, slow: off by default)
#pragma once

#include <string>
#include <vector>

#include "cluster_generator.h"

namespace netreach::bench {

// Path of a `kubectl get pods -o yaml`-like dump with workloads and policies.
const std::string& pod_dump_path();

// libyaml's event loop over one file, events dropped: the baseline every
// ingest benchmark is a ratio of. False when the file cannot be read or parsed.
bool bare_libyaml_events(const std::string& path, size_t& events);
// Its size in bytes.
long long pod_dump_bytes();

struct ScaleInput {
  // The files to pass to load(): one, or several when a single file would
  // exceed the loader's per-file size limit (the Pod-object variant).
  std::vector<std::string> paths;
  long long bytes = 0;  // all files together
  int pods = 0, namespaces = 0, policies = 0;
  bool pod_objects = false;
  ClusterStats stats;
};

// Workloads and Services only (one pod template per workload).
const ScaleInput& scale_cluster();
// The same cluster with its Pod objects; empty paths unless
// NETREACH_BENCH_SCALE_POD_OBJECTS=1.
const ScaleInput& scale_cluster_with_pods();

// The envelope shape (envelope_spec() in cluster_generator.h) at `pods`
// pods, as files of at most 200 MB, and 10,000 expectations over it.
// Generated on first use; asking for another size removes this one.
//   NETREACH_BENCH_ENVELOPE_PODS   the large size (default 150000); the small
//                                  and medium sizes are a ninth and a third of it
struct EnvelopeInput {
  std::string directory;
  std::vector<std::string> paths;
  long long bytes = 0;
  int pods = 0;
  ClusterStats stats;
  std::string expectations;  // the expectations file
  int expectation_count = 0;
};
int envelope_pods();
const EnvelopeInput& envelope_cluster(int pods);

// Peak resident set size of the process so far (getrusage), in MiB.
double peak_rss_mib();
// Current resident set size (/proc/self/statm), in MiB.
double current_rss_mib();
// CPU time of the process so far (user + system), in seconds.
double process_cpu_seconds();

}  // namespace netreach::bench
