// Verifies a signed webhook request: GitHub style (X-Hub-Signature-256 over the raw body) or
// Standard Webhooks style (webhook-id, webhook-timestamp, webhook-signature over
// "id.timestamp.body"). verify_webhook is pure; check_webhook adds a ReplayGuard (thread-safe).
// Results own their strings and never point into the request. An empty secret verifies nothing.
// Nothing throws except std::bad_alloc; every refusal is a verdict with a reason for the log.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "daemon/hooks/replay_guard.h"

namespace feedd::daemon {

enum class WebhookVerdict {
  rebuild,           // correctly signed: run hooks.command, then rescan (202)
  ping,              // correctly signed GitHub "ping" event: answer, do nothing (200)
  unsigned_request,  // no signature header, or no secret configured (401)
  bad_signature,     // a signature header is malformed or does not match (401)
  stale_timestamp,   // Standard Webhooks timestamp more than 5 minutes from now (401)
  replayed,          // this delivery/message id was already accepted (409, nothing runs)
};

enum class WebhookStyle { none, github, standard_webhooks };

// The request's header values (nullopt: absent). The server's parser has trimmed them.
struct WebhookHeaders {
  std::optional<std::string_view> hub_signature_256;  // X-Hub-Signature-256: sha256=<hex>
  std::optional<std::string_view> github_event;       // X-GitHub-Event
  std::optional<std::string_view> github_delivery;    // X-GitHub-Delivery
  std::optional<std::string_view> webhook_id;         // webhook-id
  std::optional<std::string_view> webhook_timestamp;  // webhook-timestamp: Unix seconds
  std::optional<std::string_view> webhook_signature;  // webhook-signature: "v1,<b64> v1,<b64>"
};

// The fields above by lower-case name, in WebhookHeaders order: the one list both the server's
// request parser and find_webhook_headers() pick fields by.
struct WebhookField {
  std::string_view name;
  std::optional<std::string_view> WebhookHeaders::*member;
};
inline constexpr std::array<WebhookField, 6> kWebhookFields = {{
    {"x-hub-signature-256", &WebhookHeaders::hub_signature_256},
    {"x-github-event", &WebhookHeaders::github_event},
    {"x-github-delivery", &WebhookHeaders::github_delivery},
    {"webhook-id", &WebhookHeaders::webhook_id},
    {"webhook-timestamp", &WebhookHeaders::webhook_timestamp},
    {"webhook-signature", &WebhookHeaders::webhook_signature},
}};

struct HeaderField {
  std::string_view name;
  std::string_view value;
};

// Picks the fields above out of a request's header fields, names compared case-insensitively;
// when a name repeats, the first field wins. The result points into `fields`' strings.
WebhookHeaders find_webhook_headers(std::span<const HeaderField> fields);

struct WebhookCheck {
  WebhookVerdict verdict = WebhookVerdict::unsigned_request;
  WebhookStyle style = WebhookStyle::none;
  std::string delivery_id;  // X-GitHub-Delivery or webhook-id, as sent; may be empty
  std::string_view reason;  // static text saying why, for the log

  bool accepted() const {
    return verdict == WebhookVerdict::rebuild || verdict == WebhookVerdict::ping;
  }
};

// Standard Webhooks' tolerance, both ways, between webhook-timestamp and now.
inline constexpr std::chrono::seconds kWebhookTimestampTolerance{5 * 60};
// How long accepted ids are remembered: GitHub redelivers within a day; a Standard Webhooks
// id is refused by its timestamp after the ±5 minute window (10 minutes plus a margin).
inline constexpr std::chrono::seconds kGithubReplayTtl{24 * 60 * 60};
inline constexpr std::chrono::seconds kStandardWebhooksReplayTtl{15 * 60};
// Longer delivery ids are refused as malformed (they would bloat the ReplayGuard).
inline constexpr std::size_t kMaxDeliveryIdLength = 200;

// The signature check alone (no replay check). `secret` is hooks.secret (or the contents of
// hooks.secret_file, trailing newline removed by the caller). GitHub style uses its bytes as
// the key; Standard Webhooks style uses the base64-decoded bytes after "whsec_" when the
// secret has that form, else its bytes too. Style: webhook-signature present → Standard
// Webhooks; else X-Hub-Signature-256 present → GitHub; else unsigned.
WebhookCheck verify_webhook(const WebhookHeaders& headers, std::string_view body,
                            std::string_view secret, std::chrono::system_clock::time_point now);

// verify_webhook, then for a `rebuild` verdict records the delivery id in `guard` (per style,
// with the TTLs above) and answers `replayed` when it was already there. An accepted request
// without an id (GitHub allows that) is not replay-checked. Pings are never recorded.
WebhookCheck check_webhook(const WebhookHeaders& headers, std::string_view body,
                           std::string_view secret, std::chrono::system_clock::time_point now,
                           ReplayGuard& guard);

// The HTTP answer: status (202, 200, 401, 409) and a small JSON body such as
// {"status":"accepted","delivery":"..."} or {"status":"refused","reason":"bad signature"}.
int webhook_http_status(WebhookVerdict verdict);
std::string webhook_response_body(const WebhookCheck& check);

std::string_view to_string(WebhookVerdict verdict);  // "rebuild", "bad_signature", ...

}  // namespace feedd::daemon
