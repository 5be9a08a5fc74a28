#include "style.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

namespace netreach_cli {
namespace {

const char* colour_of(std::string_view word) {
  if (word == "ALLOW" || word == "PASS") return "\x1b[1;32m";  // bold green
  if (word == "DENY" || word == "FAIL") return "\x1b[1;31m";    // bold red
  if (word == "UNKNOWN") return "\x1b[1;33m";                   // bold yellow
  return nullptr;
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

}  // namespace

bool use_colour(bool terminal, bool no_color_flag) {
  if (!terminal || no_color_flag) return false;
  const char* no_color = std::getenv("NO_COLOR");
  return !(no_color && *no_color);
}

std::string paint_verdicts(const std::string& text, bool colour) {
  if (!colour) return text;
  std::string out;
  out.reserve(text.size() + 64);
  size_t i = 0;
  while (i < text.size()) {
    if (!word_char(text[i])) {
      out += text[i++];
      continue;
    }
    size_t end = i;
    while (end < text.size() && word_char(text[end])) ++end;
    std::string_view word(text.data() + i, end - i);
    if (const char* c = colour_of(word)) {
      out += c;
      out += word;
      out += "\x1b[0m";
    } else {
      out += word;
    }
    i = end;
  }
  return out;
}

std::string present_explanation(const std::string& text, const std::string& headline, bool brief) {
  if (brief) return headline + "\n";
  // Longer than a screenful's top: the verdict has scrolled away.
  constexpr size_t kLongExplanation = 20;
  if (static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) <= kLongExplanation) return text;
  std::string out = text;
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out + "\n" + headline + "\n";
}

}  // namespace netreach_cli
