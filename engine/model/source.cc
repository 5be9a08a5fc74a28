#include "model/source.h"

#include <fmt/format.h>

namespace netreach {

std::string SourcePos::to_string() const {
  if (!file) return "<unknown>";
  if (line == 0) return file->display_name;
  if (column == 0) return fmt::format("{}:{}", file->display_name, line);
  return fmt::format("{}:{}:{}", file->display_name, line, column);
}

}  // namespace netreach
