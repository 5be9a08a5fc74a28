#include "model/suggest.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace netreach {
namespace {

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the dynamic-programming table are enough for the
  // transposition step, which looks two rows back.
  const size_t n = b.size();
  std::vector<size_t> before(n + 1), previous(n + 1), current(n + 1);
  for (size_t j = 0; j <= n; ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= n; ++j) {
      const bool same = fold(a[i - 1]) == fold(b[j - 1]);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
        current[j] = std::min(current[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[n];
}

size_t max_suggestion_distance(std::string_view written) {
  if (written.size() <= 7) return 1;
  if (written.size() <= 11) return 2;
  return 3;
}

std::vector<std::string> nearest_names(std::string_view written, std::span<const std::string_view> candidates,
                                       size_t limit) {
  std::vector<std::string> out;
  size_t best = max_suggestion_distance(written);
  for (std::string_view candidate : candidates) {
    if (candidate == written) continue;
    // Too different in length to be near: skip the table.
    const size_t gap = candidate.size() > written.size() ? candidate.size() - written.size()
                                                         : written.size() - candidate.size();
    if (gap > best) continue;
    const size_t d = edit_distance(written, candidate);
    if (d > best) continue;
    if (d < best) {
      out.clear();
      best = d;
    }
    if (out.size() < limit && std::find(out.begin(), out.end(), candidate) == out.end())
      out.emplace_back(candidate);
  }
  return out;
}

std::string did_you_mean(const std::vector<std::string>& names) {
  if (names.empty()) return {};
  if (names.size() == 1) return fmt::format("did you mean {}?", names[0]);
  std::string head;
  for (size_t i = 0; i + 1 < names.size(); ++i) head += (i ? ", " : "") + names[i];
  return fmt::format("did you mean {} or {}?", head, names.back());
}

std::string candidates_hint(const std::string& written, const std::vector<std::string>& names) {
  if (names.empty()) return {};
  std::vector<std::string_view> views(names.begin(), names.end());
  auto near = nearest_names(written, views);
  if (!near.empty()) return "; " + did_you_mean(near);
  // Nothing near: a few of the names that exist, so that the reader sees what is there.
  constexpr size_t kShown = 5;
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string listed = fmt::format("{}", fmt::join(sorted.begin(), sorted.begin() + std::min(kShown, sorted.size()), ", "));
  return fmt::format(" (there {} {}{})", sorted.size() == 1 ? "is" : "are", listed, sorted.size() > kShown ? ", ..." : "");
}

}  // namespace netreach
