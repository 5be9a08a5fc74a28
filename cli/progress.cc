#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

namespace netreach_cli {
namespace {

struct InputSize {
  size_t files = 0;
  uintmax_t bytes = 0;
};

// The manifests below `paths` as the loader will read them (YAML and JSON
// files; a kustomization's output is not known before it is built).
InputSize measure(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  InputSize size;
  auto add = [&](const fs::path& p) {
    std::error_code ec;
    auto ext = p.extension().string();
    if (ext != ".yaml" && ext != ".yml" && ext != ".json") return;
    auto bytes = fs::file_size(p, ec);
    if (ec) return;
    ++size.files;
    size.bytes += bytes;
  };
  for (const auto& path : paths) {
    std::error_code ec;
    if (path == "-" || !fs::exists(path, ec)) continue;
    if (!fs::is_directory(path, ec)) {
      add(path);
      continue;
    }
    for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->path().filename().string().starts_with(".")) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec)) add(it->path());
    }
  }
  return size;
}

}  // namespace

LoadProgress::LoadProgress(std::vector<std::string> paths, bool enabled) : paths_(std::move(paths)) {
  if (enabled) thread_ = std::thread([this] { run(); });
}

LoadProgress::~LoadProgress() { stop(); }

void LoadProgress::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LoadProgress::run() {
  const auto started = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  if (wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopped_; })) return;
  lock.unlock();
  const InputSize size = measure(paths_);
  lock.lock();
  bool printed = false;
  while (!stopped_) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // \r and erase-line: the line is rewritten in place.
    std::fprintf(stderr, "\r\x1b[Knetreach: reading and building %zu manifest files (%.1f MB), %.0f s",
                 size.files, static_cast<double>(size.bytes) / 1e6, seconds);
    std::fflush(stderr);
    printed = true;
    wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopped_; });
  }
  if (printed) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
  }
}

}  // namespace netreach_cli
