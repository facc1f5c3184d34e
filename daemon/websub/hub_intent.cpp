// WebSubService, the built-in hub's side of subscribing (W3C WebSub §5.1-5.3): the request,
// the topic check and denial, the verification of intent, and the end of leases.
#include <openssl/rand.h>

#include <boost/asio/post.hpp>
#include <variant>

#include "common/encoding.h"
#include "daemon/http/topic_path.h"
#include "daemon/log.h"
#include "daemon/outbound/outbound_error.h"
#include "daemon/websub/websub_service.h"
#include "feeds/feed_info.h"
#include "feeds/topic.h"
#include "feeds/topic_catalog.h"
#include "storage/index/index_error.h"

namespace feedd::daemon {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr std::string_view kHubIntentChannel = "websub";

std::string random_challenge() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    log::error(kHubIntentChannel, "RAND_bytes failed: no challenge can be made");
    std::abort();
  }
  return common::hex_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// `url` (its fragment dropped) with `params` appended to its query, form-encoded.
std::string with_query(
    std::string url, std::initializer_list<std::pair<std::string_view, std::string_view>> params) {
  url = url.substr(0, url.find('#'));
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [name, value] : params) {
    url += separator;
    url += name;
    url += '=';
    common::append_percent_encoded(url, value, common::is_unreserved);
    separator = '&';
  }
  return url;
}

std::chrono::sys_seconds now_s() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

HubAnswer WebSubService::handle(std::string_view body) {
  const auto form = parse_form(body);
  if (const auto* error = std::get_if<FormError>(&form)) {
    return {400, "bad request: " + error->reason + "\n"};
  }
  auto request = parse_hub_request(std::get<FormFields>(form));
  if (const auto* error = std::get_if<FormError>(&request)) {
    return {400, "bad request: " + error->reason + "\n"};
  }
  asio::post(outbound_.context(), [this, request = std::move(std::get<HubRequest>(request))] {
    run_intent("verifying a subscription", [this, request] { verify(request); });
  });
  return {202, "accepted: the callback will be asked to confirm\n"};
}

std::string WebSubService::path_of(const std::string& topic) const {
  const std::string_view base =
      std::string_view(options_.feeds_url).substr(0, options_.feeds_url.size() - 1);
  if (!topic.starts_with(base) || topic.size() == base.size() || topic[base.size()] != '/' ||
      topic.find_first_of("?#") != std::string::npos) {
    return {};
  }
  return topic.substr(base.size());
}

bool WebSubService::topic_exists(const std::string& topic, const feeds::Snapshot& snapshot) const {
  const std::string path = path_of(topic);
  if (path.empty() || !feeds::is_feed_path(path)) {
    return false;
  }
  if (snapshot.find(path) != nullptr) {
    return true;
  }
  const auto parsed = parse_topic_path(path);
  if (topics_ == nullptr || !parsed) {
    return false;
  }
  const feeds::CatalogTopic* found =
      snapshot.topics().find(parsed->lang, parsed->kind, parsed->segment);
  // Only the URL feedd writes (the feed's rel="self"): deliveries go to subscriptions by it, so
  // another spelling of the same feed (lower-case hex, raw UTF-8, an escaped letter) would be
  // confirmed and then never get one.
  return found != nullptr && path == "/" + feeds::topic_dir(parsed->lang, found->topic) +
                                         feeds::feed_path("", parsed->format);
}

// §5.2: an unknown topic (or a full hub) is denied at the callback.
void WebSubService::deny(const HubRequest& request, std::string_view reason) {
  counters_.denied++;
  log::info(kHubIntentChannel,
            "denied " + request.callback + " for " + request.topic + ": " + std::string(reason));
  OutboundRequest denial;
  denial.url =
      with_query(request.callback,
                 {{"hub.mode", "denied"}, {"hub.topic", request.topic}, {"hub.reason", reason}});
  denial.allow_private = options_.allow_private_callbacks;
  outbound_.client().send(std::move(denial), [](const OutboundResult&) {});
}

// §5.3: GET callback with a challenge; active only when it is echoed by a 2xx.
void WebSubService::verify(HubRequest request) {
  const auto snapshot = snapshots_.load();
  if (!topic_exists(request.topic, *snapshot)) {
    deny(request, "unknown topic");
    return;
  }
  if (request.subscribe && !store_->find(request.topic, request.callback) &&
      store_->count() >= options_.max_subscriptions) {
    deny(request, "too many subscriptions");
    return;
  }
  const auto lease = request.lease_seconds && *request.lease_seconds < options_.lease.count()
                         ? std::chrono::seconds(*request.lease_seconds)
                         : options_.lease;
  const std::string challenge = random_challenge();
  const std::string lease_text = std::to_string(lease.count());
  OutboundRequest check;
  check.url = request.subscribe ? with_query(request.callback, {{"hub.mode", "subscribe"},
                                                                {"hub.topic", request.topic},
                                                                {"hub.challenge", challenge},
                                                                {"hub.lease_seconds", lease_text}})
                                : with_query(request.callback, {{"hub.mode", "unsubscribe"},
                                                                {"hub.topic", request.topic},
                                                                {"hub.challenge", challenge}});
  check.allow_private = options_.allow_private_callbacks;
  outbound_.client().send(
      std::move(check), [this, request, challenge, lease](const OutboundResult& result) {
        run_intent("recording a subscription", [this, request, challenge, lease, result] {
          on_verified(request, challenge, lease, result);
        });
      });
}

// Dropped after a storage error, as they once were, a verification or the write of a confirmed
// intent left a subscriber told 202, or one that confirmed, with no subscription (or with the
// one it ended): nothing asks again.
void WebSubService::run_intent(std::string doing, std::function<void()> step) {
  kept_intents_.push_back({std::move(doing), std::move(step)});
  if (kept_intents_.size() == 1) {  // else with those before it, when intents_timer_ fires
    run_kept_intents();
  }
}

void WebSubService::run_kept_intents() {
  while (!kept_intents_.empty()) {
    const IntentStep& step = kept_intents_.front();
    try {
      step.run();
    } catch (const storage::IndexError& error) {
      retry_later(intents_timer_, step.doing, error,
                  std::to_string(kept_intents_.size()) + " subscription step(s) kept",
                  [this] { run_kept_intents(); });
      return;
    } catch (const std::exception& error) {  // not the storage: dropped, the others still run
      log::error(kHubIntentChannel, step.doing + ": " + error.what());
    }
    kept_intents_.pop_front();
  }
}

void WebSubService::on_verified(const HubRequest& request, const std::string& challenge,
                                std::chrono::seconds lease, const OutboundResult& result) {
  const std::string what = std::string(request.subscribe ? "subscription" : "unsubscription") +
                           " of " + request.callback + " to " + request.topic;
  if (!result && result.error() == OutboundError::forbidden_address) {
    counters_.refused++;
    log::warning(kHubIntentChannel, what +
                                        " refused: the callback is a private address "
                                        "(websub.allow_private_callbacks = false)");
    return;
  }
  if (!result || result->status / 100 != 2 || result->body != challenge) {
    counters_.verify_failed++;
    log::info(kHubIntentChannel,
              what + " not confirmed: " +
                  (result ? "HTTP " + std::to_string(result->status) +
                                (result->status / 100 == 2 ? ", wrong challenge" : "")
                          : result.error().message()));
    return;
  }
  if (request.subscribe) {
    store_->upsert({request.topic, request.callback, request.secret, now_s() + lease});
  } else {
    store_->remove(request.topic, request.callback);
    failing_callbacks_.erase(request.callback);  // it may fail or not for its other topics
    store_->mark_callback(request.callback, false);
  }
  // The gauge first: a reader that sees the confirmation counted sees its subscription.
  update_gauges();
  counters_.verified++;
  log::info(
      kHubIntentChannel,
      what + " confirmed" +
          (request.subscribe ? ", lease " + std::to_string(lease.count()) + " s" : std::string()));
  arm_expiry();
}

// A failed read or expiry once left the timer unarmed: ended leases stayed active (and
// delivered to) until a subscription's confirmation or a restart armed it again.
void WebSubService::arm_expiry() {
  std::optional<std::chrono::sys_seconds> next;
  try {
    next = store_->next_expiry();
  } catch (const storage::IndexError& error) {
    retry_later(expiry_timer_, "reading the next end of a lease", error, {},
                [this] { arm_expiry(); });
    return;
  }
  if (!next) {
    expiry_timer_.cancel();
    return;
  }
  const auto wait = std::max(std::chrono::seconds(0), *next - now_s());
  expiry_timer_.expires_after(wait);
  expiry_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      expire_leases();
    }
  });
}

void WebSubService::expire_leases() {
  std::size_t ended = 0;
  try {
    ended = store_->expire(now_s());
  } catch (const storage::IndexError& error) {
    // arm_expiry(), not this: the lease may have been renewed meanwhile.
    retry_later(expiry_timer_, "expiring leases", error, {}, [this] { arm_expiry(); });
    return;
  }
  if (ended > 0) {
    // The gauge first: a reader that sees the expiry counted sees the subscription gone.
    guarded("counting subscriptions", [&] { update_gauges(); });
    counters_.expired += ended;
    log::info(kHubIntentChannel, std::to_string(ended) + " subscription lease(s) ended");
  }
  arm_expiry();
}

}  // namespace feedd::daemon
