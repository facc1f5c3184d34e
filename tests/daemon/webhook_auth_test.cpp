// The webhook verification matrix: GitHub and Standard Webhooks signatures (the published
// examples of both), wrong secrets, missing and malformed headers, replays, stale and future
// timestamps, pings, header names in any case, and an empty secret.
#include "daemon/hooks/webhook_auth.h"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "common/encoding.h"
#include "common/hmac.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(webhook_auth)

namespace {

using namespace std::chrono_literals;
using Verdict = WebhookVerdict;
using TimePoint = std::chrono::system_clock::time_point;

constexpr std::string_view kSecret = "It's a Secret to Everybody";
const TimePoint kNow = TimePoint(1'700'000'000s);

std::string github_signature(std::string_view secret, std::string_view body) {
  return "sha256=" + common::hex_encode(common::as_bytes(common::hmac_sha256(secret, body)));
}

std::string standard_signature(std::string_view key, std::string_view id, std::string_view stamp,
                               std::string_view body) {
  std::string content = std::string(id) + "." + std::string(stamp) + "." + std::string(body);
  return "v1," + common::base64_encode(common::as_bytes(common::hmac_sha256(key, content)));
}

std::string stamp_of(TimePoint t) {
  return std::to_string(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
}

struct GithubRequest {
  std::string body = R"({"ref":"refs/heads/main"})";
  std::string signature = github_signature(kSecret, body);
  std::string event = "push";
  std::string delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

  WebhookHeaders headers() const {
    WebhookHeaders h;
    h.hub_signature_256 = signature;
    h.github_event = event;
    h.github_delivery = delivery;
    return h;
  }
};

struct StandardRequest {
  std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  std::string body = R"({"type":"push"})";
  std::string id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
  std::string stamp = stamp_of(kNow);
  std::string signature = standard_signature(
      common::base64_decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").value(), id, stamp, body);

  WebhookHeaders headers() const {
    WebhookHeaders h;
    h.webhook_id = id;
    h.webhook_timestamp = stamp;
    h.webhook_signature = signature;
    return h;
  }
};

BOOST_AUTO_TEST_CASE(githubs_published_example_verifies) {
  // docs.github.com, "Validating webhook deliveries".
  WebhookHeaders h;
  std::string signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  h.hub_signature_256 = signature;
  WebhookCheck check = verify_webhook(h, "Hello, World!", kSecret, kNow);
  BOOST_TEST(to_string(check.verdict) == "rebuild");
  BOOST_TEST((check.style == WebhookStyle::github));
  BOOST_TEST(check.delivery_id.empty());
}

BOOST_AUTO_TEST_CASE(standard_webhooks_published_example_verifies) {
  // The Standard Webhooks reference libraries' test vector.
  WebhookHeaders h;
  h.webhook_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  h.webhook_timestamp = "1614265330";
  h.webhook_signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  WebhookCheck check =
      verify_webhook(h, R"({"test": 2432232314})", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                     TimePoint(1614265330s + 10s));
  BOOST_TEST(to_string(check.verdict) == "rebuild");
  BOOST_TEST((check.style == WebhookStyle::standard_webhooks));
  BOOST_TEST(check.delivery_id == "msg_p5jXN8AQM9LWM0D4loKWxJek");
}

BOOST_AUTO_TEST_CASE(valid_github_push_and_its_answer) {
  GithubRequest r;
  ReplayGuard guard;
  WebhookCheck check = check_webhook(r.headers(), r.body, kSecret, kNow, guard);
  BOOST_TEST(to_string(check.verdict) == "rebuild");
  BOOST_TEST(check.accepted());
  BOOST_TEST(check.delivery_id == r.delivery);
  BOOST_TEST(webhook_http_status(check.verdict) == 202);
  auto json = boost::json::parse(webhook_response_body(check)).as_object();
  BOOST_TEST(json.at("status").as_string() == "accepted");
  BOOST_TEST(json.at("delivery").as_string() == r.delivery);
}

BOOST_AUTO_TEST_CASE(github_hex_digits_in_upper_case_are_accepted) {
  GithubRequest r;
  for (std::size_t i = 7; i < r.signature.size(); ++i) {
    r.signature[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(r.signature[i])));
  }
  BOOST_TEST(to_string(verify_webhook(r.headers(), r.body, kSecret, kNow).verdict) == "rebuild");
}

BOOST_AUTO_TEST_CASE(github_ping_is_answered_without_work) {
  GithubRequest r;
  r.event = "ping";
  ReplayGuard guard;
  WebhookCheck check = check_webhook(r.headers(), r.body, kSecret, kNow, guard);
  BOOST_TEST(to_string(check.verdict) == "ping");
  BOOST_TEST(check.accepted());
  BOOST_TEST(webhook_http_status(check.verdict) == 200);
  BOOST_TEST(guard.size() == 0u);
  // An unsigned ping is still unsigned.
  WebhookHeaders h = r.headers();
  h.hub_signature_256.reset();
  BOOST_TEST(to_string(verify_webhook(h, r.body, kSecret, kNow).verdict) == "unsigned");
}

BOOST_AUTO_TEST_CASE(github_wrong_secret_or_changed_body_is_a_bad_signature) {
  GithubRequest r;
  WebhookCheck check = verify_webhook(r.headers(), r.body, "another secret", kNow);
  BOOST_TEST(to_string(check.verdict) == "bad_signature");
  BOOST_TEST(webhook_http_status(check.verdict) == 401);
  BOOST_TEST(!check.accepted());
  BOOST_TEST(to_string(verify_webhook(r.headers(), r.body + " ", kSecret, kNow).verdict) ==
             "bad_signature");
}

BOOST_AUTO_TEST_CASE(github_malformed_signature_headers) {
  GithubRequest r;
  std::string good = r.signature;
  for (std::string bad :
       {std::string("sha1=") + good.substr(7), good.substr(7), good.substr(0, good.size() - 2),
        good + "00", good + " ", std::string("sha256="), std::string(""),
        "sha256=" + std::string(64, 'g')}) {
    r.signature = bad;
    WebhookCheck check = verify_webhook(r.headers(), r.body, kSecret, kNow);
    BOOST_TEST(to_string(check.verdict) == "bad_signature", "for \"" << bad << "\"");
    BOOST_TEST(!check.reason.empty());
  }
}

BOOST_AUTO_TEST_CASE(missing_signature_is_unsigned) {
  WebhookHeaders none;
  WebhookCheck check = verify_webhook(none, "{}", kSecret, kNow);
  BOOST_TEST(to_string(check.verdict) == "unsigned");
  BOOST_TEST(webhook_http_status(check.verdict) == 401);
  auto json = boost::json::parse(webhook_response_body(check)).as_object();
  BOOST_TEST(json.at("status").as_string() == "refused");
  BOOST_TEST(json.at("reason").as_string() == "unsigned");
  BOOST_TEST(!json.contains("delivery"));
  // Delivery and event alone, or webhook-id and timestamp alone, sign nothing.
  GithubRequest g;
  WebhookHeaders h = g.headers();
  h.hub_signature_256.reset();
  BOOST_TEST(to_string(verify_webhook(h, g.body, kSecret, kNow).verdict) == "unsigned");
  StandardRequest s;
  h = s.headers();
  h.webhook_signature.reset();
  BOOST_TEST(to_string(verify_webhook(h, s.body, s.secret, kNow).verdict) == "unsigned");
}

BOOST_AUTO_TEST_CASE(github_replayed_delivery_is_refused) {
  GithubRequest r;
  ReplayGuard guard;
  BOOST_TEST(to_string(check_webhook(r.headers(), r.body, kSecret, kNow, guard).verdict) ==
             "rebuild");
  WebhookCheck again = check_webhook(r.headers(), r.body, kSecret, kNow + 1h, guard);
  BOOST_TEST(to_string(again.verdict) == "replayed");
  BOOST_TEST(webhook_http_status(again.verdict) == 409);
  BOOST_TEST(again.delivery_id == r.delivery);
  // A forged request reusing the id is refused for its signature and changes nothing.
  GithubRequest forged;
  forged.delivery = "new-id";
  forged.signature = github_signature("wrong", forged.body);
  BOOST_TEST(
      to_string(check_webhook(forged.headers(), forged.body, kSecret, kNow, guard).verdict) ==
      "bad_signature");
  BOOST_TEST(!guard.contains("github:new-id", kNow));
  // A day later the id is forgotten.
  BOOST_TEST(to_string(check_webhook(r.headers(), r.body, kSecret, kNow + 25h, guard).verdict) ==
             "rebuild");
}

BOOST_AUTO_TEST_CASE(valid_standard_webhook_with_whsec_key) {
  StandardRequest r;
  ReplayGuard guard;
  WebhookCheck check = check_webhook(r.headers(), r.body, r.secret, kNow, guard);
  BOOST_TEST(to_string(check.verdict) == "rebuild");
  BOOST_TEST(check.delivery_id == r.id);
  BOOST_TEST(webhook_http_status(check.verdict) == 202);
  // The same secret's text used as raw bytes is not the key.
  StandardRequest raw;
  raw.signature = standard_signature(raw.secret, raw.id, raw.stamp, raw.body);
  BOOST_TEST(to_string(verify_webhook(raw.headers(), raw.body, raw.secret, kNow).verdict) ==
             "bad_signature");
}

BOOST_AUTO_TEST_CASE(standard_webhook_with_a_raw_secret) {
  StandardRequest r;
  r.secret = "plain shared secret";
  r.signature = standard_signature(r.secret, r.id, r.stamp, r.body);
  BOOST_TEST(to_string(verify_webhook(r.headers(), r.body, r.secret, kNow).verdict) == "rebuild");
}

BOOST_AUTO_TEST_CASE(standard_webhook_with_several_signatures) {
  StandardRequest r;
  std::string good = r.signature;
  std::string other = standard_signature("old key", r.id, r.stamp, r.body);
  for (std::string list : {other + " " + good, good + " " + other, "v1a,AAAA " + good,
                           "  " + good + "  ", "v2,xyz " + other + " " + good}) {
    r.signature = list;
    BOOST_TEST(to_string(verify_webhook(r.headers(), r.body, r.secret, kNow).verdict) == "rebuild",
               "for \"" << list << "\"");
  }
  r.signature = other + " " + other;
  BOOST_TEST(to_string(verify_webhook(r.headers(), r.body, r.secret, kNow).verdict) ==
             "bad_signature");
}

BOOST_AUTO_TEST_CASE(standard_webhook_wrong_secret_or_tampering) {
  StandardRequest r;
  BOOST_TEST(
      to_string(verify_webhook(r.headers(), r.body, "whsec_" + common::base64_encode("other"), kNow)
                    .verdict) == "bad_signature");
  BOOST_TEST(to_string(verify_webhook(r.headers(), r.body + "x", r.secret, kNow).verdict) ==
             "bad_signature");
  StandardRequest other_id = r;
  other_id.id = "msg_other";  // the id is signed
  BOOST_TEST(to_string(verify_webhook(other_id.headers(), r.body, r.secret, kNow).verdict) ==
             "bad_signature");
  StandardRequest other_stamp = r;
  other_stamp.stamp = stamp_of(kNow + 1s);  // so is the timestamp
  BOOST_TEST(to_string(verify_webhook(other_stamp.headers(), r.body, r.secret, kNow).verdict) ==
             "bad_signature");
}

BOOST_AUTO_TEST_CASE(standard_webhook_missing_or_malformed_headers) {
  StandardRequest r;
  WebhookHeaders h = r.headers();
  h.webhook_id.reset();
  BOOST_TEST(to_string(verify_webhook(h, r.body, r.secret, kNow).verdict) == "bad_signature");
  h = r.headers();
  h.webhook_id = "";
  BOOST_TEST(to_string(verify_webhook(h, r.body, r.secret, kNow).verdict) == "bad_signature");
  h = r.headers();
  h.webhook_timestamp.reset();
  BOOST_TEST(to_string(verify_webhook(h, r.body, r.secret, kNow).verdict) == "bad_signature");
  for (std::string stamp : {"", "abc", "-1700000000", "+1700000000", "1700000000.5", "1700000000 ",
                            "99999999999999999999999"}) {
    StandardRequest bad;
    bad.stamp = stamp;
    bad.signature =
        standard_signature(common::base64_decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").value(),
                           bad.id, bad.stamp, bad.body);
    BOOST_TEST(to_string(verify_webhook(bad.headers(), bad.body, bad.secret, kNow).verdict) ==
                   "bad_signature",
               "for timestamp \"" << stamp << "\"");
  }
  std::string good = r.signature;
  for (std::string signature : {std::string(""), good.substr(3), "v1," + good.substr(4),
                                "v1," + good.substr(3, good.size() - 4), "v1:" + good.substr(3),
                                std::string("v1,"), "V1," + good.substr(3)}) {
    r.signature = signature;
    BOOST_TEST(
        to_string(verify_webhook(r.headers(), r.body, r.secret, kNow).verdict) == "bad_signature",
        "for signature \"" << signature << "\"");
  }
  StandardRequest long_id;
  long_id.id = std::string(kMaxDeliveryIdLength + 1, 'x');
  BOOST_TEST(
      to_string(verify_webhook(long_id.headers(), long_id.body, long_id.secret, kNow).verdict) ==
      "bad_signature");
}

BOOST_AUTO_TEST_CASE(standard_webhook_stale_and_future_timestamps) {
  for (auto offset : {-5min, 5min, 0min}) {
    StandardRequest r;  // signed at kNow
    BOOST_TEST(to_string(verify_webhook(r.headers(), r.body, r.secret, kNow + offset).verdict) ==
               "rebuild");
  }
  for (std::chrono::seconds offset :
       std::vector<std::chrono::seconds>{-5min - 1s, 5min + 1s, -24h, 24h * 365 * 30}) {
    StandardRequest r;
    WebhookCheck check = verify_webhook(r.headers(), r.body, r.secret, kNow + offset);
    BOOST_TEST(to_string(check.verdict) == "stale_timestamp");
    BOOST_TEST(webhook_http_status(check.verdict) == 401);
  }
  // Far-off timestamps do not overflow.
  StandardRequest far;
  far.stamp = "999999999999999999";
  far.signature =
      standard_signature(common::base64_decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").value(), far.id,
                         far.stamp, far.body);
  BOOST_TEST(to_string(verify_webhook(far.headers(), far.body, far.secret, kNow).verdict) ==
             "stale_timestamp");
  StandardRequest zero;
  zero.stamp = "0";
  zero.signature =
      standard_signature(common::base64_decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").value(), zero.id,
                         zero.stamp, zero.body);
  BOOST_TEST(to_string(verify_webhook(zero.headers(), zero.body, zero.secret, kNow).verdict) ==
             "stale_timestamp");
}

BOOST_AUTO_TEST_CASE(standard_webhook_replayed_id_is_refused) {
  StandardRequest r;
  ReplayGuard guard;
  BOOST_TEST(to_string(check_webhook(r.headers(), r.body, r.secret, kNow, guard).verdict) ==
             "rebuild");
  // Within the timestamp window the replay is caught by the id...
  BOOST_TEST(to_string(check_webhook(r.headers(), r.body, r.secret, kNow + 5min, guard).verdict) ==
             "replayed");
  // ...and after it by the timestamp.
  BOOST_TEST(to_string(check_webhook(r.headers(), r.body, r.secret, kNow + 20min, guard).verdict) ==
             "stale_timestamp");
  // GitHub and Standard Webhooks ids live apart.
  GithubRequest g;
  g.delivery = r.id;
  BOOST_TEST(to_string(check_webhook(g.headers(), g.body, kSecret, kNow, guard).verdict) ==
             "rebuild");
}

BOOST_AUTO_TEST_CASE(standard_webhooks_take_precedence_over_github_headers) {
  StandardRequest r;
  WebhookHeaders h = r.headers();
  std::string github = "sha256=" + std::string(64, '0');
  h.hub_signature_256 = github;
  WebhookCheck check = verify_webhook(h, r.body, r.secret, kNow);
  BOOST_TEST(to_string(check.verdict) == "rebuild");
  BOOST_TEST((check.style == WebhookStyle::standard_webhooks));
}

BOOST_AUTO_TEST_CASE(empty_secret_refuses_everything) {
  GithubRequest g;
  g.signature = github_signature("", g.body);
  BOOST_TEST(to_string(verify_webhook(g.headers(), g.body, "", kNow).verdict) == "unsigned");
  StandardRequest s;
  s.signature = standard_signature("", s.id, s.stamp, s.body);
  BOOST_TEST(to_string(verify_webhook(s.headers(), s.body, "", kNow).verdict) == "unsigned");
  ReplayGuard guard;
  BOOST_TEST(!check_webhook(g.headers(), g.body, "", kNow, guard).accepted());
  BOOST_TEST(guard.size() == 0u);
}

BOOST_AUTO_TEST_CASE(header_names_match_in_any_case) {
  GithubRequest g;
  std::vector<HeaderField> fields = {
      {"content-type", "application/json"},
      {"x-hub-signature-256", g.signature},
      {"X-GITHUB-EVENT", "push"},
      {"x-GitHub-delivery", g.delivery},
  };
  WebhookHeaders h = find_webhook_headers(fields);
  BOOST_TEST(h.hub_signature_256.value() == g.signature);
  BOOST_TEST(h.github_event.value() == "push");
  BOOST_TEST(h.github_delivery.value() == g.delivery);
  BOOST_TEST(!h.webhook_signature);
  BOOST_TEST(to_string(verify_webhook(h, g.body, kSecret, kNow).verdict) == "rebuild");

  StandardRequest s;
  fields = {{"Webhook-Id", s.id},
            {"WEBHOOK-TIMESTAMP", s.stamp},
            {"Webhook-Signature", s.signature},
            {"webhook-signature", "v1,ignored"}};  // a repeated name: the first wins
  h = find_webhook_headers(fields);
  BOOST_TEST(h.webhook_signature.value() == s.signature);
  BOOST_TEST(to_string(verify_webhook(h, s.body, s.secret, kNow).verdict) == "rebuild");
  BOOST_TEST(!find_webhook_headers({}).webhook_id);
}

BOOST_AUTO_TEST_CASE(response_bodies_are_json_with_escaped_ids) {
  WebhookCheck check{WebhookVerdict::replayed, WebhookStyle::github, "a\"b\\c\n", "replayed"};
  auto json = boost::json::parse(webhook_response_body(check)).as_object();
  BOOST_TEST(json.at("status").as_string() == "replayed");
  BOOST_TEST(json.at("delivery").as_string() == "a\"b\\c\n");
  check.verdict = WebhookVerdict::ping;
  BOOST_TEST(boost::json::parse(webhook_response_body(check)).at("status").as_string() == "pong");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::daemon
