// style: what a terminal gets that a file or a pipe does not: colour on the
// verdict words (ALLOW, DENY, UNKNOWN, PASS, FAIL), unless NO_COLOR is set
// (https://no-color.org: any non-empty value) or --no-color is given.
#pragma once

#include <string>

namespace netreach_cli {

// Colour for a report going to standard output: a terminal, no NO_COLOR, no --no-color.
bool use_colour(bool terminal, bool no_color_flag);

// `text` with every verdict word (a whole upper-case word: ALLOW, DENY,
// UNKNOWN, PASS, FAIL) coloured; unchanged when `colour` is false.
std::string paint_verdicts(const std::string& text, bool colour);

// A query's explanation for a reader: with `brief`, only the headline (one
// line per flow); otherwise the text, and when it is long the headline again
// at its end, where the reader's eyes are.
std::string present_explanation(const std::string& text, const std::string& headline, bool brief);

}  // namespace netreach_cli
