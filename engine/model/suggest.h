// nearest_names: the "did you mean" of every misspelt name (a kind, an
// apiVersion, a field), computed over the names that are really allowed there
// instead of a fixed list of known mistakes.
//
// The distance is Damerau-Levenshtein in its optimal-string-alignment form:
// inserting, deleting or substituting one character, or swapping two adjacent
// ones, costs 1 (`toPrts` -> `toPorts`, `matchLables` -> `matchLabels`).
// Letters are compared case-insensitively, so a name that differs only in case
// (`CiliumClusterWideNetworkPolicy`) is at distance 0 and always suggested.
// A candidate is near when its distance is at most max_suggestion_distance()
// of the written name: one edit for names of up to 7 characters, two up to
// 11, three beyond; short names get no far-fetched suggestions.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace netreach {

size_t edit_distance(std::string_view a, std::string_view b);

size_t max_suggestion_distance(std::string_view written);

// The candidates nearest to `written` (all at the smallest distance, at most
// `limit`, in candidate order), or none when no candidate is near. A candidate
// equal to `written` is never suggested.
std::vector<std::string> nearest_names(std::string_view written, std::span<const std::string_view> candidates,
                                       size_t limit = 3);

// "did you mean toPorts?" / "did you mean a or b?"; empty for no names.
std::string did_you_mean(const std::vector<std::string>& names);

// For a lookup that found nothing: "; did you mean NAME?" when some of
// `names` (what exists) is near `written`, else " (there are a, b, c, ...)"
// naming a few, so that the reader sees what is there; empty when nothing exists.
std::string candidates_hint(const std::string& written, const std::vector<std::string>& names);

}  // namespace netreach
