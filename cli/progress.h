// progress: a line on stderr while a load runs longer than a second, so that
// a large repository does not look hung: the phase (reading, building
// kustomizations N/M, building identities), the documents read so far and the
// size of the input. Only on a terminal (and not with -q); rewritten in place
// four times a second, and erased when the load ends, before any diagnostic.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "netreach.h"

namespace netreach_cli {

// One reading of the progress, for format_progress().
struct ProgressState {
  netreach::LoadCounters::Phase phase = netreach::LoadCounters::Phase::Reading;
  size_t documents = 0;
  size_t kustomizations_built = 0, kustomizations_total = 0;
  size_t files = 0;     // manifest files below the inputs
  uintmax_t bytes = 0;  // their size
  double seconds = 0;
};

// The line, without the control characters that rewrite it, cut to fit in
// `width` columns (a line that wraps could not be rewritten in place):
//   netreach: building kustomizations 3/12, 1,204 documents read (42 files, 3.1 MB), 2 s
std::string format_progress(const ProgressState& state, size_t width);

class LoadProgress {
 public:
  // Starts watching `counters` (which must outlive this); `enabled` false
  // makes it do nothing. The line appears after `delay`, at most `width`
  // columns wide.
  LoadProgress(std::vector<std::string> paths, const netreach::LoadCounters& counters, bool enabled, size_t width,
               std::chrono::milliseconds delay = std::chrono::seconds(1));
  ~LoadProgress();  // stop()s
  LoadProgress(const LoadProgress&) = delete;
  LoadProgress& operator=(const LoadProgress&) = delete;

  void stop();

 private:
  void run();

  std::vector<std::string> paths_;
  const netreach::LoadCounters& counters_;
  size_t width_;
  std::chrono::milliseconds delay_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace netreach_cli
