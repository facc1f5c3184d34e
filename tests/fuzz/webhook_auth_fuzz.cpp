// libFuzzer target: the webhook signature parsers (daemon/hooks/webhook_auth): GitHub's
// X-Hub-Signature-256 and the Standard Webhooks webhook-id/-timestamp/-signature headers.
// Input: "Name: value" lines, an empty line, then the body (a request as the server hands it
// over). Each input is checked against a plain secret and a "whsec_" secret at a fixed time
// (the published test vectors' secrets and timestamp, so seeds can carry valid signatures).
// Invariants: an accepted delivery with an id is refused as replayed the second time.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "daemon/hooks/replay_guard.h"
#include "daemon/hooks/webhook_auth.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using feedd::daemon::HeaderField;

// Splits "Name: value\n" lines (a trailing CR and spaces around the value removed, as the
// server's parser does) up to the first empty line; returns the rest as the body.
std::string_view split_fields(std::string_view input, std::vector<HeaderField>& fields) {
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      break;
    }
    const std::size_t colon = line.find(':');
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
      value.remove_suffix(1);
    }
    fields.push_back(HeaderField{line.substr(0, colon), value});
  }
  return input;
}

void check_with(const feedd::daemon::WebhookHeaders& headers, std::string_view body,
                std::string_view secret) {
  using namespace feedd::daemon;
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1614265330));
  ReplayGuard guard(4);
  const WebhookCheck first = check_webhook(headers, body, secret, now, guard);
  (void)webhook_http_status(first.verdict);
  feedd::fuzz::require_utf8("verdict", to_string(first.verdict));
  (void)webhook_response_body(first);
  const WebhookCheck second = check_webhook(headers, body, secret, now, guard);
  if (first.verdict == WebhookVerdict::rebuild && !first.delivery_id.empty() &&
      second.verdict != WebhookVerdict::replayed) {
    feedd::fuzz::invariant_failed("a repeated delivery was not refused", first.delivery_id);
  }
  if (first.verdict != WebhookVerdict::rebuild && first.verdict != second.verdict) {
    feedd::fuzz::invariant_failed("verdict changed on a refused request", first.reason);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const feedd::fuzz::CpuBudget budget;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<HeaderField> fields;
  const std::string_view body = split_fields(input, fields);
  const auto headers = feedd::daemon::find_webhook_headers(fields);
  check_with(headers, body, "It's a Secret to Everybody");
  check_with(headers, body, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  return 0;
}
