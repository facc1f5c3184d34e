// A problem found in a post file or in the configuration, reported as `path:line: reason`.
// Value type; thread-compatible.
#pragma once

#include <string>

#include "common/text.h"

namespace feedd::storage {

struct Problem {
  std::string path;  // as the user knows it (relative to the store, or the config path)
  int line = 0;      // 1-based; 0 when the problem concerns the whole file
  std::string reason;

  // "path:line: reason" (or "path: reason" when line is 0), the form editors jump to, on one
  // line: a file name's control characters are escaped (common::text::printable).
  std::string to_string() const {
    return common::text::printable(line > 0 ? path + ":" + std::to_string(line) + ": " + reason
                                            : path + ": " + reason);
  }
};

}  // namespace feedd::storage
