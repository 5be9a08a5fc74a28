// kustomize_error: a failed `kustomize build` / `kubectl kustomize` as a
// reader wants it: the kustomization's file:line that names what failed, and
// kustomize's reason without klog's prefix (`E1202 03:20:03.779714 27974
// run.go:72] "command failed" err=...`) or its repeated wrapping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netreach {

// kustomize's stderr with klog's header, the err=<...> wrapper and quoting
// removed, and runs of white space folded; the text as is when it has no
// klog header.
std::string clean_kustomize_stderr(std::string_view err);

// The entry of the kustomization that kustomize reports as failing: a path in
// "accumulating resources from 'X'", "path(X)", "lstat DIR/X: no such file"
// (relative to `dir`, the kustomization directory), or nothing.
std::optional<std::string> failing_entry(std::string_view err, std::string_view dir);

// The 1-based line of `kustomization` on which `entry` is written as a value
// (`- X`, `path: X`, `X` quoted or not), or 0.
uint32_t line_naming(std::string_view kustomization, std::string_view entry);

}  // namespace netreach
