// gen_cluster: writes a synthetic cluster (see cluster_generator.h) to stdout
// or to files in a directory, and expectations over it.
//
//   gen_cluster --seed 1 --namespaces 20 --pods 10000 --policies 500 [--pod-objects] > out.yaml
//   gen_cluster --envelope --pods 150000 --output-dir DIR --expectations 10000 --expectations-file exp.yaml
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cluster_generator.h"

namespace {

constexpr const char* kUsage =
    "usage: gen_cluster [--seed N] [--namespaces N] [--pods N] [--pods-per-deployment N]\n"
    "                   [--policies N] [--services N] [--pod-objects] [--no-workloads]\n"
    "                   [--envelope [--workloads N]]\n"
    "                   [--output-dir DIR [--part-mib N]] [--expectations N --expectations-file PATH]\n"
    "                   [--stats]\n"
    "Writes a synthetic Kubernetes cluster as multi-document YAML to stdout, or to\n"
    "DIR/cluster-000.yaml, ... (each at most --part-mib MiB, default 200, split between\n"
    "documents). --envelope: the Kubernetes-envelope pod dump (150,000 pods by default;\n"
    "namespaces pods/75, workloads pods/15, policies pods*3/25 unless given).\n"
    "--expectations N writes N expectations over an --envelope cluster to PATH.\n"
    "--stats prints what was written to stderr.\n";

bool parse_number(const char* text, long long& out) {
  char* end = nullptr;
  out = std::strtoll(text, &end, 10);
  return end != text && *end == '\0' && out >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  netreach::bench::ClusterSpec spec;
  bool envelope = false, stats = false;
  long long seed = -1, namespaces = -1, pods = -1, policies = -1, workloads = -1;
  long long part_mib = 200, expectations = 0;
  std::string output_dir, expectations_file;
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
    if (arg == "--envelope") {
      envelope = true;
      continue;
    }
    if (arg == "--stats") {
      stats = true;
      continue;
    }
    if (arg == "--output-dir" || arg == "--expectations-file") {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "gen_cluster: %s needs a path\n%s", arg.c_str(), kUsage);
        return 2;
      }
      (arg == "--output-dir" ? output_dir : expectations_file) = argv[++i];
      continue;
    }
    long long value = 0;
    if (i + 1 >= argc || !parse_number(argv[i + 1], value)) {
      std::fprintf(stderr, "gen_cluster: %s needs a non-negative number\n%s", arg.c_str(), kUsage);
      return 2;
    }
    ++i;
    if (arg == "--seed") seed = value;
    else if (arg == "--namespaces") namespaces = value;
    else if (arg == "--pods") pods = value;
    else if (arg == "--pods-per-deployment") spec.pods_per_deployment = int(value);
    else if (arg == "--policies") policies = value;
    else if (arg == "--services") spec.services = int(value);
    else if (arg == "--workloads") workloads = value;
    else if (arg == "--part-mib") part_mib = value;
    else if (arg == "--expectations") expectations = value;
    else {
      std::fprintf(stderr, "gen_cluster: unknown option %s\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  if (envelope) {
    netreach::bench::ClusterSpec scaled = netreach::bench::envelope_spec(pods < 0 ? 150000 : int(pods));
    scaled.services = spec.services;
    spec = scaled;
  } else if (workloads >= 0 || expectations > 0) {
    std::fprintf(stderr, "gen_cluster: --workloads and --expectations need --envelope\n%s", kUsage);
    return 2;
  } else if (pods >= 0) {
    spec.pods = int(pods);
  }
  if (seed >= 0) spec.seed = uint64_t(seed);
  if (namespaces >= 0) spec.namespaces = int(namespaces);
  if (policies >= 0) spec.policies = int(policies);
  if (workloads >= 0) spec.workloads = int(workloads);
  if (expectations > 0 && expectations_file.empty()) {
    std::fprintf(stderr, "gen_cluster: --expectations needs --expectations-file PATH\n%s", kUsage);
    return 2;
  }
  if (part_mib < 1) {
    std::fprintf(stderr, "gen_cluster: --part-mib must be at least 1\n%s", kUsage);
    return 2;
  }

  std::ios::sync_with_stdio(false);
  netreach::bench::ClusterStats s;
  std::vector<std::string> paths;
  if (output_dir.empty()) {
    s = netreach::bench::generate_cluster(spec, std::cout);
    std::cout.flush();
    if (!std::cout) return 1;
  } else {
    netreach::bench::FileOutput output;
    output.directory = output_dir;
    output.part_bytes = part_mib << 20;
    s = netreach::bench::generate_cluster_files(spec, output, paths);
  }
  if (expectations > 0) {
    std::ofstream out(expectations_file, std::ios::binary | std::ios::trunc);
    netreach::bench::generate_expectations(spec, int(expectations), out);
    out.close();
    if (!out) {
      std::fprintf(stderr, "gen_cluster: cannot write %s\n", expectations_file.c_str());
      return 1;
    }
  }
  if (stats)
    std::cerr << fmt::format(
        "bytes {} in {} file(s), documents {}\nnamespaces {}, workloads {}, pods {}, services {}\n"
        "policies: {} CiliumNetworkPolicy, {} CiliumClusterwideNetworkPolicy, {} NetworkPolicy\n"
        "distinct Pod label sets {}\n",
        s.bytes, paths.empty() ? 1 : paths.size(), s.documents, s.namespaces, s.workloads, s.pods, s.services, s.cnp, s.ccnp,
        s.knp, s.distinct_pod_label_sets);
  return 0;
}
