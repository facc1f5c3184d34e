// A strict application/x-www-form-urlencoded parser for WebSub requests (POST /websub):
// `name=value` pairs joined by '&' (empty ones skipped), '+' for space, "%XX" escapes.
// Refused with a reason: a bad escape, a pair without '=', an empty name, a name given twice,
// bytes that are not UTF-8 or are control characters once decoded, more than kMaxFields pairs,
// a body over kMaxBytes. Pure; thread-safe; never throws except std::bad_alloc. Fuzzed
// (tests/fuzz).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace feedd::daemon {

struct FormFields {
  std::vector<std::pair<std::string, std::string>> fields;  // decoded, in order
  // The value of `name`, if present.
  std::optional<std::string_view> get(std::string_view name) const;
};

struct FormError {
  std::string reason;  // e.g. "bad percent-escape in field 2"
};

inline constexpr std::size_t kMaxFormFields = 16;
inline constexpr std::size_t kMaxFormBytes = 8192;

// Either the fields or why the body is refused.
std::variant<FormFields, FormError> parse_form(std::string_view body);

}  // namespace feedd::daemon
