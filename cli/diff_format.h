// diff_format: renderings of a ReachabilityDiff (text, json, markdown) and
// the --fail-on gate.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "netreach.h"

namespace netreach_cli {

struct DiffView {
  const netreach::ReachabilityDiff* diff = nullptr;
  std::string base, head;          // "HEAD~1 (1a2b3c4d5e6f)", "fixtures/seed", "the input"
  std::vector<std::string> hypothetical;  // what-if changes, when the head is hypothetical
};

void write_diff_text(const DiffView& view, std::ostream& out);
void write_diff_json(const DiffView& view, std::ostream& out);
void write_diff_markdown(const DiffView& view, std::ostream& out);

// The --fail-on categories.
inline const std::vector<std::string> kFailOnCategories = {
    "opened", "closed", "any", "opened-from-world", "opened-to-world", "opened-cross-namespace"};

// The categories (of those named) that have at least one flow.
std::vector<std::string> failing_categories(const netreach::ReachabilityDiff& diff, const std::vector<std::string>& fail_on);

}  // namespace netreach_cli
