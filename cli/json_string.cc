#include "json_string.h"

#include <fmt/format.h>

namespace netreach_cli {

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0, i = 0;
  auto continuation = [&](size_t at, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return at < s.size() && static_cast<unsigned char>(s[at]) >= lo && static_cast<unsigned char>(s[at]) <= hi;
  };
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    size_t length = 0;  // of a valid UTF-8 sequence starting at i (RFC 3629)
    if (c >= 0xC2 && c <= 0xDF) length = continuation(i + 1) ? 2 : 0;
    else if (c == 0xE0) length = continuation(i + 1, 0xA0) && continuation(i + 2) ? 3 : 0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) length = continuation(i + 1) && continuation(i + 2) ? 3 : 0;
    else if (c == 0xED) length = continuation(i + 1, 0x80, 0x9F) && continuation(i + 2) ? 3 : 0;
    else if (c == 0xF0) length = continuation(i + 1, 0x90) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
    else if (c >= 0xF1 && c <= 0xF3) length = continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
    else if (c == 0xF4) length = continuation(i + 1, 0x80, 0x8F) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
    if (length > 0) {
      out.append(s.data() + i, length);
      i += length;
    } else if (c >= 0x80) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out += fmt::format("\\u{:04x}", c);
      }
      ++i;
    }
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

}  // namespace netreach_cli
