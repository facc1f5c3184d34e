#include "daemon/hooks/webhook_auth.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cstdint>

#include "common/encoding.h"
#include "common/hmac.h"
#include "common/text.h"

namespace feedd::daemon {
namespace {

using common::text::iequals;

constexpr std::string_view kWhsecPrefix = "whsec_";
constexpr std::string_view kSha256Prefix = "sha256=";
constexpr std::size_t kMacSize = common::Sha256Mac{}.size();

bool is_space(char c) { return c == ' ' || c == '\t'; }

WebhookCheck refuse(WebhookVerdict verdict, WebhookStyle style, std::string_view reason,
                    std::string_view id = {}) {
  return WebhookCheck{verdict, style, std::string(id), reason};
}

WebhookCheck verify_github(const WebhookHeaders& headers, std::string_view body,
                           std::string_view secret) {
  constexpr auto kStyle = WebhookStyle::github;
  std::string_view id = headers.github_delivery.value_or("");
  if (id.size() > kMaxDeliveryIdLength) {
    return refuse(WebhookVerdict::bad_signature, kStyle, "X-GitHub-Delivery is too long");
  }
  std::string_view value = *headers.hub_signature_256;
  if (!value.starts_with(kSha256Prefix)) {
    return refuse(WebhookVerdict::bad_signature, kStyle,
                  "X-Hub-Signature-256 does not start with sha256=", id);
  }
  std::optional<std::string> sent = common::hex_decode(value.substr(kSha256Prefix.size()));
  if (!sent || sent->size() != kMacSize) {
    return refuse(WebhookVerdict::bad_signature, kStyle,
                  "X-Hub-Signature-256 is not sha256=<64 hex digits>", id);
  }
  common::Sha256Mac expected = common::hmac_sha256(secret, body);
  if (!common::constant_time_equal(*sent, common::as_bytes(expected))) {
    return refuse(WebhookVerdict::bad_signature, kStyle, "X-Hub-Signature-256 does not match", id);
  }
  if (headers.github_event && iequals(*headers.github_event, "ping")) {
    return WebhookCheck{WebhookVerdict::ping, kStyle, std::string(id), "GitHub ping"};
  }
  return WebhookCheck{WebhookVerdict::rebuild, kStyle, std::string(id), "signed (GitHub)"};
}

// The Standard Webhooks key: base64 after "whsec_", else the secret's own bytes.
std::string standard_webhooks_key(std::string_view secret) {
  if (secret.starts_with(kWhsecPrefix)) {
    if (auto key = common::base64_decode(secret.substr(kWhsecPrefix.size()));
        key && !key->empty()) {
      return std::move(*key);
    }
  }
  return std::string(secret);
}

// True when any "v1,<base64>" entry of the space-separated list equals `expected`; sets
// `saw_v1` when the list has at least one well-formed v1 entry.
bool any_v1_signature_matches(std::string_view list, const common::Sha256Mac& expected,
                              bool& saw_v1) {
  saw_v1 = false;
  bool matched = false;
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && is_space(list[i])) {
      ++i;
    }
    std::size_t end = i;
    while (end < list.size() && !is_space(list[end])) {
      ++end;
    }
    std::string_view entry = list.substr(i, end - i);
    i = end;
    if (!entry.starts_with("v1,")) {
      continue;  // another scheme (v1a: asymmetric) or noise
    }
    std::optional<std::string> sent = common::base64_decode(entry.substr(3));
    if (!sent || sent->size() != expected.size()) {
      continue;
    }
    saw_v1 = true;
    // No early exit: every entry costs the same whether or not an earlier one matched.
    matched = common::constant_time_equal(*sent, common::as_bytes(expected)) || matched;
  }
  return matched;
}

WebhookCheck verify_standard(const WebhookHeaders& headers, std::string_view body,
                             std::string_view secret, std::chrono::system_clock::time_point now) {
  constexpr auto kStyle = WebhookStyle::standard_webhooks;
  if (!headers.webhook_id || headers.webhook_id->empty()) {
    return refuse(WebhookVerdict::bad_signature, kStyle, "webhook-id is missing");
  }
  std::string_view id = *headers.webhook_id;
  if (id.size() > kMaxDeliveryIdLength) {
    return refuse(WebhookVerdict::bad_signature, kStyle, "webhook-id is too long");
  }
  if (!headers.webhook_timestamp) {
    return refuse(WebhookVerdict::bad_signature, kStyle, "webhook-timestamp is missing", id);
  }
  std::string_view stamp = *headers.webhook_timestamp;
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(stamp.data(), stamp.data() + stamp.size(), seconds);
  if (stamp.empty() || stamp.size() > 18 || ec != std::errc{} ||
      end != stamp.data() + stamp.size() || stamp.front() == '-' || stamp.front() == '+') {
    return refuse(WebhookVerdict::bad_signature, kStyle,
                  "webhook-timestamp is not a number of seconds", id);
  }
  std::string key = standard_webhooks_key(secret);
  common::Sha256Mac expected = common::HmacSha256(key)
                                   .update(id)
                                   .update(".")
                                   .update(stamp)
                                   .update(".")
                                   .update(body)
                                   .finish();
  bool saw_v1 = false;
  if (!any_v1_signature_matches(*headers.webhook_signature, expected, saw_v1)) {
    return refuse(WebhookVerdict::bad_signature, kStyle,
                  saw_v1 ? "webhook-signature does not match"
                         : "webhook-signature has no v1,<base64 HMAC-SHA256> entry",
                  id);
  }
  // Checked after the signature, so a refusal for time tells the operator the secret is right
  // and a clock is wrong. In whole seconds, so that a far-off timestamp cannot overflow.
  std::int64_t now_s = std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
  std::int64_t skew = now_s > seconds ? now_s - seconds : seconds - now_s;
  if (skew > kWebhookTimestampTolerance.count()) {
    return refuse(WebhookVerdict::stale_timestamp, kStyle,
                  "webhook-timestamp is more than 5 minutes from now", id);
  }
  return WebhookCheck{WebhookVerdict::rebuild, kStyle, std::string(id),
                      "signed (Standard Webhooks)"};
}

}  // namespace

WebhookHeaders find_webhook_headers(std::span<const HeaderField> fields) {
  WebhookHeaders headers;
  for (const HeaderField& field : fields) {
    for (const WebhookField& known : kWebhookFields) {
      if (!(headers.*known.member) && iequals(field.name, known.name)) {
        headers.*known.member = field.value;
      }
    }
  }
  return headers;
}

WebhookCheck verify_webhook(const WebhookHeaders& headers, std::string_view body,
                            std::string_view secret, std::chrono::system_clock::time_point now) {
  if (secret.empty()) {
    return refuse(WebhookVerdict::unsigned_request, WebhookStyle::none,
                  "no webhook secret is configured");
  }
  if (headers.webhook_signature) {
    return verify_standard(headers, body, secret, now);
  }
  if (headers.hub_signature_256) {
    return verify_github(headers, body, secret);
  }
  return refuse(WebhookVerdict::unsigned_request, WebhookStyle::none,
                "neither X-Hub-Signature-256 nor webhook-signature is present");
}

WebhookCheck check_webhook(const WebhookHeaders& headers, std::string_view body,
                           std::string_view secret, std::chrono::system_clock::time_point now,
                           ReplayGuard& guard) {
  WebhookCheck check = verify_webhook(headers, body, secret, now);
  if (check.verdict != WebhookVerdict::rebuild || check.delivery_id.empty()) {
    return check;
  }
  bool github = check.style == WebhookStyle::github;
  std::string key = (github ? "github:" : "standard:") + check.delivery_id;
  if (!guard.remember(key, github ? kGithubReplayTtl : kStandardWebhooksReplayTtl, now)) {
    check.verdict = WebhookVerdict::replayed;
    check.reason =
        github ? "X-GitHub-Delivery id was already accepted" : "webhook-id was already accepted";
  }
  return check;
}

int webhook_http_status(WebhookVerdict verdict) {
  switch (verdict) {
    case WebhookVerdict::rebuild:
      return 202;
    case WebhookVerdict::ping:
      return 200;
    case WebhookVerdict::replayed:
      return 409;
    case WebhookVerdict::unsigned_request:
    case WebhookVerdict::bad_signature:
    case WebhookVerdict::stale_timestamp:
      break;
  }
  return 401;
}

std::string webhook_response_body(const WebhookCheck& check) {
  boost::json::object body;
  switch (check.verdict) {
    case WebhookVerdict::rebuild:
      body["status"] = "accepted";
      break;
    case WebhookVerdict::ping:
      body["status"] = "pong";
      break;
    case WebhookVerdict::replayed:
      body["status"] = "replayed";
      break;
    default:
      body["status"] = "refused";
      body["reason"] = to_string(check.verdict);
      body["detail"] = check.reason;
      break;
  }
  if (check.accepted() || check.verdict == WebhookVerdict::replayed) {
    body["delivery"] = check.delivery_id;
  }
  return boost::json::serialize(body) + "\n";
}

std::string_view to_string(WebhookVerdict verdict) {
  switch (verdict) {
    case WebhookVerdict::rebuild:
      return "rebuild";
    case WebhookVerdict::ping:
      return "ping";
    case WebhookVerdict::unsigned_request:
      return "unsigned";
    case WebhookVerdict::bad_signature:
      return "bad_signature";
    case WebhookVerdict::stale_timestamp:
      return "stale_timestamp";
    case WebhookVerdict::replayed:
      return "replayed";
  }
  return "unknown";
}

}  // namespace feedd::daemon
