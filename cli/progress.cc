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

// 1234567 -> "1,234,567".
std::string with_thousands(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string format_progress(const ProgressState& state, size_t width) {
  std::string phase(netreach::to_string(state.phase));
  if (state.phase == netreach::LoadCounters::Phase::BuildingKustomizations)
    phase += fmt::format(" {}/{}", state.kustomizations_built, state.kustomizations_total);
  std::string line = fmt::format("netreach: {}, {} document{} read ({} file{}, {:.1f} MB), {:.0f} s", phase,
                                 with_thousands(state.documents), state.documents == 1 ? "" : "s", with_thousands(state.files),
                                 state.files == 1 ? "" : "s", static_cast<double>(state.bytes) / 1e6, state.seconds);
  // One column short of the width: a line that fills it leaves the cursor on
  // the next line in some terminals.
  if (width > 1 && line.size() > width - 1) line.resize(width - 1);
  return line;
}

LoadProgress::LoadProgress(std::vector<std::string> paths, const netreach::LoadCounters& counters, bool enabled,
                           size_t width, std::chrono::milliseconds delay)
    : paths_(std::move(paths)), counters_(counters), width_(width), delay_(delay) {
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
  if (wake_.wait_for(lock, delay_, [this] { return stopped_; })) return;
  lock.unlock();
  const InputSize size = measure(paths_);
  lock.lock();
  bool printed = false;
  while (!stopped_) {
    ProgressState state;
    state.phase = counters_.phase.load();
    state.documents = counters_.documents.load();
    state.kustomizations_built = counters_.kustomizations_built.load();
    state.kustomizations_total = counters_.kustomizations_total.load();
    state.files = size.files;
    state.bytes = size.bytes;
    state.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // \r and erase-line: the line is rewritten in place.
    std::fprintf(stderr, "\r\x1b[K%s", format_progress(state, width_).c_str());
    std::fflush(stderr);
    printed = true;
    wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopped_; });
  }
  if (printed) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
  }
}

}  // namespace netreach_cli
