// gen_cluster: writes a synthetic cluster (see cluster_generator.h) to stdout.
//
//   gen_cluster --seed 1 --namespaces 20 --pods 10000 --policies 500 [--pod-objects] > out.yaml
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "cluster_generator.h"

namespace {

constexpr const char* kUsage =
    "usage: gen_cluster [--seed N] [--namespaces N] [--pods N] [--pods-per-deployment N]\n"
    "                   [--policies N] [--services N] [--pod-objects] [--no-workloads]\n"
    "Writes a synthetic Kubernetes cluster as multi-document YAML to stdout.\n";

bool parse_number(const char* text, long long& out) {
  char* end = nullptr;
  out = std::strtoll(text, &end, 10);
  return end != text && *end == '\0' && out >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  netreach::bench::ClusterSpec spec;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--pod-objects") {
      spec.include_pod_objects = true;
      continue;
    }
    if (arg == "--no-workloads") {
      spec.include_workloads = false;
      continue;
    }
    long long value = 0;
    if (i + 1 >= argc || !parse_number(argv[i + 1], value)) {
      std::fprintf(stderr, "gen_cluster: %s needs a non-negative number\n%s", arg.c_str(), kUsage);
      return 2;
    }
    ++i;
    if (arg == "--seed") spec.seed = uint64_t(value);
    else if (arg == "--namespaces") spec.namespaces = int(value);
    else if (arg == "--pods") spec.pods = int(value);
    else if (arg == "--pods-per-deployment") spec.pods_per_deployment = int(value);
    else if (arg == "--policies") spec.policies = int(value);
    else if (arg == "--services") spec.services = int(value);
    else {
      std::fprintf(stderr, "gen_cluster: unknown option %s\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  std::ios::sync_with_stdio(false);
  netreach::bench::generate_cluster(spec, std::cout);
  std::cout.flush();
  return std::cout ? 0 : 1;
}
