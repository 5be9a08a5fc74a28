#include <catch2/catch.hpp>

#include <array>

#include "model/suggest.h"

using namespace netreach;

TEST_CASE("edit_distance: insertions, deletions, substitutions and adjacent swaps cost one", "[suggest]") {
  CHECK(edit_distance("toPorts", "toPorts") == 0);
  CHECK(edit_distance("toPrts", "toPorts") == 1);          // insertion
  CHECK(edit_distance("toPortss", "toPorts") == 1);        // deletion
  CHECK(edit_distance("toPerts", "toPorts") == 1);         // substitution
  CHECK(edit_distance("matchLables", "matchLabels") == 1); // swap
  CHECK(edit_distance("toEndpionts", "toEndpoints") == 1); // swap
  CHECK(edit_distance("CiliumClusterWideNetworkPolicy", "CiliumClusterwideNetworkPolicy") == 0);  // case
  CHECK(edit_distance("CiliumNetworkPolicies", "CiliumNetworkPolicy") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("ca", "abc") == 3);  // optimal string alignment: no edit of a swapped pair
}

TEST_CASE("nearest_names: the nearest real names within a distance that grows with the name", "[suggest]") {
  constexpr std::array<std::string_view, 5> fields = {"toPorts", "toEndpoints", "toEntities", "toCIDR", "toCIDRSet"};
  CHECK(nearest_names("toPrts", fields) == std::vector<std::string>{"toPorts"});
  CHECK(nearest_names("toEndpionts", fields) == std::vector<std::string>{"toEndpoints"});
  CHECK(nearest_names("toCIDRset", fields) == std::vector<std::string>{"toCIDRSet"});  // case only
  CHECK(nearest_names("toPorts", fields).empty());    // the name itself is not a suggestion
  CHECK(nearest_names("fromPorts", fields).empty());  // 3 edits from toPorts: too far for 9 characters
  CHECK(nearest_names("toCIDRs", fields) == std::vector<std::string>{"toCIDR"});  // toCIDRSet is 2 edits away
  // Ties are all listed, in candidate order.
  constexpr std::array<std::string_view, 3> ties = {"abcd", "abce", "xyzw"};
  CHECK(nearest_names("abcf", ties) == std::vector<std::string>{"abcd", "abce"});
  CHECK(max_suggestion_distance("port") == 1);
  CHECK(max_suggestion_distance("matchLables") == 2);
  CHECK(max_suggestion_distance("CilumNetworkPolicy") == 3);
}

TEST_CASE("did_you_mean: one sentence for one or several names", "[suggest]") {
  CHECK(did_you_mean({}).empty());
  CHECK(did_you_mean({"toPorts"}) == "did you mean toPorts?");
  CHECK(did_you_mean({"a", "b", "c"}) == "did you mean a, b or c?");
}
