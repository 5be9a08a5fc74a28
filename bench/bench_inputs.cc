#include "bench_inputs.h"

#include <yaml.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <utility>
#include <sys/resource.h>
#include <time.h>
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

// Removes the generated files (and their directory) when the process exits normally.
struct TempScaleInput {
  ScaleInput input;
  std::string directory;
  TempScaleInput() = default;
  TempScaleInput(TempScaleInput&& other) noexcept
      : input(std::move(other.input)), directory(std::exchange(other.directory, {})) {}
  ~TempScaleInput() {
    if (!directory.empty()) std::filesystem::remove_all(directory);
  }
};

// The loader refuses files over 256 MiB (YamlLimits::max_stream_bytes); keep
// every part well under it.
constexpr long long kMaxPartBytes = 200ll << 20;

std::string temp_directory(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / fmt::format("{}_{}", name, ::getpid());
  std::filesystem::create_directories(dir);
  return dir.string();
}

TempScaleInput make_scale_cluster(bool pod_objects) {
  TempScaleInput temp;
  ScaleInput& input = temp.input;
  if (pod_objects && env_int("NETREACH_BENCH_SCALE_POD_OBJECTS", 0) == 0) return temp;
  ClusterSpec spec;
  spec.seed = 7;
  spec.pods = env_int("NETREACH_BENCH_SCALE_PODS", 150000);
  spec.namespaces = std::max(4, spec.pods / 15);
  spec.policies = std::max(50, spec.pods * 2 / 25);
  spec.include_pod_objects = pod_objects;
  input.pods = spec.pods;
  input.namespaces = spec.namespaces;
  input.policies = spec.policies;
  input.pod_objects = pod_objects;
  temp.directory = temp_directory(fmt::format("netreach_bench_scale_{}{}", spec.pods, pod_objects ? "_pods" : ""));
  FileOutput output;
  output.directory = temp.directory;
  output.part_bytes = kMaxPartBytes;
  input.stats = generate_cluster_files(spec, output, input.paths);
  input.bytes = input.stats.bytes;
  return temp;
}

struct TempEnvelope {
  EnvelopeInput input;
  TempEnvelope() = default;
  TempEnvelope(const TempEnvelope&) = delete;
  TempEnvelope& operator=(const TempEnvelope&) = delete;
  ~TempEnvelope() {
    if (!input.directory.empty()) std::filesystem::remove_all(input.directory);
  }
};

// Fills `temp` in place: a TempEnvelope removes its files when destroyed, so
// it is never copied.
void make_envelope(int pods, int expectations, TempEnvelope& temp) {
  EnvelopeInput& input = temp.input;
  ClusterSpec spec = envelope_spec(pods);
  input.pods = pods;
  input.directory = temp_directory(fmt::format("netreach_bench_envelope_{}", pods));
  FileOutput output;
  output.directory = input.directory + "/cluster";
  output.part_bytes = kMaxPartBytes;
  input.stats = generate_cluster_files(spec, output, input.paths);
  input.bytes = input.stats.bytes;
  input.expectations = input.directory + "/expectations.yaml";
  std::ofstream out(input.expectations, std::ios::binary);
  generate_expectations(spec, expectations, out);
  out.close();
  input.expectation_count = expectations;
}

}  // namespace

const ScaleInput& scale_cluster() {
  static TempScaleInput input = make_scale_cluster(false);
  return input.input;
}

const ScaleInput& scale_cluster_with_pods() {
  static TempScaleInput input = make_scale_cluster(true);
  return input.input;
}

int envelope_pods() { return std::max(300, env_int("NETREACH_BENCH_ENVELOPE_PODS", 150000)); }

const EnvelopeInput& envelope_cluster(int pods) {
  // One size at a time: each is generated on first use, and the previous one
  // removed then (the large one is ~580 MB of files).
  static std::unique_ptr<TempEnvelope> current;
  if (!current || current->input.pods != pods) {
    current.reset();
    current = std::make_unique<TempEnvelope>();
    make_envelope(pods, 10000, *current);
  }
  return current->input;
}

double peak_rss_mib() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

double current_rss_mib() {
  long pages_total = 0, pages_resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double process_cpu_seconds() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

const std::string& pod_dump_path() {
  static TempInput input = make_pod_dump();
  return input.path;
}

long long pod_dump_bytes() {
  static long long size = static_cast<long long>(std::filesystem::file_size(pod_dump_path()));
  return size;
}

bool bare_libyaml_events(const std::string& path, size_t& events) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_file(&parser, f);
  bool ok = true;
  for (bool done = false; !done;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      ok = false;
      break;
    }
    done = event.type == YAML_STREAM_END_EVENT;
    ++events;
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  std::fclose(f);
  return ok;
}

}  // namespace netreach::bench
