// version: the Cilium releases whose semantics netreach follows
// (docs/semantics.md, "Version"). The one place the engine states them;
// `netreach --version` and the man page print it.
#pragma once

#include <string_view>

namespace netreach {

inline constexpr std::string_view kCiliumSemantics = "Cilium v1.17 (the 1.18 development line)";

}  // namespace netreach
