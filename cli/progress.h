// progress: a line on stderr while a load runs longer than a second, so that
// a large repository does not look hung. Only on a terminal (and not with
// -q); the line is erased when the load ends, before any diagnostic.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace netreach_cli {

class LoadProgress {
 public:
  // Starts watching; `enabled` false makes it do nothing.
  LoadProgress(std::vector<std::string> paths, bool enabled);
  ~LoadProgress();  // stop()s
  LoadProgress(const LoadProgress&) = delete;
  LoadProgress& operator=(const LoadProgress&) = delete;

  void stop();

 private:
  void run();

  std::vector<std::string> paths_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace netreach_cli
