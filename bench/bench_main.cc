// The entry point of netreach_bench: every other bench/*.cc only registers
// benchmarks (BENCHMARK(...)), so that files can be added without a second main.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
