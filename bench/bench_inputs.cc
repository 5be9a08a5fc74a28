#include "bench_inputs.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

#include "cluster_generator.h"

namespace netreach::bench {
namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// Removes the generated file when the process exits normally.
struct TempInput {
  std::string path;
  bool owned = false;
  ~TempInput() {
    if (owned) std::filesystem::remove(path);
  }
};

TempInput make_pod_dump() {
  TempInput input;
  if (const char* file = std::getenv("NETREACH_BENCH_FILE"); file && *file) {
    input.path = file;
    return input;
  }
  ClusterSpec spec;
  spec.seed = 42;
  spec.pods = env_int("NETREACH_BENCH_PODS", 5000);
  spec.namespaces = std::max(4, spec.pods / 2000);
  spec.policies = std::max(50, spec.pods / 50);
  spec.include_pod_objects = true;
  input.path = (std::filesystem::temp_directory_path() /
                fmt::format("netreach_bench_pods_{}_{}.yaml", spec.pods, ::getpid()))
                   .string();
  std::ofstream out(input.path, std::ios::binary);
  generate_cluster(spec, out);
  input.owned = true;
  return input;
}

}  // namespace

const std::string& pod_dump_path() {
  static TempInput input = make_pod_dump();
  return input.path;
}

long long pod_dump_bytes() {
  static long long size = static_cast<long long>(std::filesystem::file_size(pod_dump_path()));
  return size;
}

}  // namespace netreach::bench
