// A hash for unordered containers keyed by std::string that also finds a std::string_view or
// a C string without making a std::string of it (with std::equal_to<>). Stateless;
// thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace feedd::common {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

}  // namespace feedd::common
