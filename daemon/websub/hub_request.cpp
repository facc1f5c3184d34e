#include "daemon/websub/hub_request.h"

#include <charconv>

#include "daemon/outbound/outbound_url.h"

namespace feedd::daemon {

std::variant<HubRequest, FormError> parse_hub_request(const FormFields& form) {
  HubRequest request;
  const auto mode = form.get("hub.mode");
  if (!mode || (*mode != "subscribe" && *mode != "unsubscribe")) {
    return FormError{"hub.mode must be subscribe or unsubscribe"};
  }
  request.subscribe = *mode == "subscribe";
  const auto topic = form.get("hub.topic");
  if (!topic || topic->empty() || topic->size() > kMaxUrlBytes) {
    return FormError{"hub.topic missing or too long"};
  }
  request.topic = *topic;
  const auto callback = form.get("hub.callback");
  if (!callback || callback->size() > kMaxUrlBytes || !parse_outbound_url(*callback)) {
    return FormError{"hub.callback must be an absolute http or https URL"};
  }
  request.callback = *callback;
  if (const auto lease = form.get("hub.lease_seconds")) {
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(lease->data(), lease->data() + lease->size(), seconds);
    if (ec != std::errc() || end != lease->data() + lease->size() || seconds <= 0) {
      return FormError{"hub.lease_seconds must be a positive integer"};
    }
    request.lease_seconds = seconds;
  }
  if (const auto secret = form.get("hub.secret")) {
    if (secret->size() > kMaxSecretBytes) {
      return FormError{"hub.secret must be less than 200 bytes"};
    }
    request.secret = *secret;
  }
  return request;
}

}  // namespace feedd::daemon
