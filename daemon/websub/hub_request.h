// A subscription request to the built-in hub (W3C WebSub §5.1) read from its form fields:
// hub.mode (subscribe | unsubscribe), hub.topic, hub.callback (an absolute http/https URL),
// optional hub.lease_seconds (a positive integer) and hub.secret (< 200 bytes). Malformed
// requests are refused with a reason (the hub answers 400). Whether the topic exists is
// not decided here. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "daemon/websub/form.h"

namespace feedd::daemon {

struct HubRequest {
  bool subscribe = true;  // false: unsubscribe
  std::string topic;
  std::string callback;
  std::optional<std::int64_t> lease_seconds;  // as asked
  std::string secret;                         // "" for none
};

inline constexpr std::size_t kMaxSecretBytes = 199;  // §5.1: "less than 200 bytes"
inline constexpr std::size_t kMaxUrlBytes = 2048;

std::variant<HubRequest, FormError> parse_hub_request(const FormFields& form);

}  // namespace feedd::daemon
