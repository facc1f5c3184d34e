// The wall clock at the precision feeds and the index keep (whole seconds). One place to read
// it, so that every caller truncates the same way. Thread-safe.
#pragma once

#include <chrono>

namespace feedd::common {

inline std::chrono::sys_seconds now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace feedd::common
