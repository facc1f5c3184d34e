// WebSubService's sending of one claimed outbox item: a publish ping to an external hub, or a
// delivery of the full feed to a subscriber (W3C WebSub §7), signed when it gave a secret; and
// what the answer means for the outbox (settle()) and for the subscription (410 Gone ends it).
#include <boost/asio/co_spawn.hpp>

#include "common/encoding.h"
#include "common/hmac.h"
#include "daemon/http/topic_feeds.h"
#include "daemon/http/topic_path.h"
#include "daemon/log.h"
#include "daemon/websub/websub_service.h"

namespace feedd::daemon {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using storage::OutboxItem;
using storage::OutboxKind;

namespace {

constexpr std::string_view kNotificationChannel = "websub";

std::string form_encoded(std::string_view value) {
  std::string out;
  common::append_percent_encoded(out, value, common::is_unreserved);
  return out;
}

std::string describe(const OutboundResult& result) {
  return result ? "HTTP " + std::to_string(result->status) : result.error().message();
}

// One attempt of a publish ping or a delivery: a 2xx succeeded; anything else is logged with
// its attempt number (the outbox retries it).
bool attempt_succeeded(const OutboundResult& result, std::string_view what,
                       const OutboxItem& item) {
  const bool ok = result && result->status / 100 == 2;
  if (!ok) {
    log::warning(kNotificationChannel, std::string(what) + " " + item.topic + " to " + item.target +
                                           ": " + describe(result) + " (attempt " +
                                           std::to_string(item.attempts + 1) + ")");
  }
  return ok;
}

}  // namespace

void WebSubService::dispatch(const OutboxItem& item) {
  if (item.kind == OutboxKind::publish) {
    publish(item);
  } else {
    deliver(item);
  }
}

// §4 leaves publishing to hubs open; feedd sends the common form (hub.mode=publish, hub.url).
void WebSubService::publish(const OutboxItem& item) {
  OutboundRequest request;
  request.method = http::verb::post;
  request.url = item.target;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = "hub.mode=publish&hub.url=" + form_encoded(item.topic);
  request.allow_private = true;  // hubs are the operator's choice
  request.paced = true;
  request.suspect = item.suspect;  // a hub that failed holds no slot a fresh ping needs
  outbound_.client().send(std::move(request), [this, item](const OutboundResult& result) {
    const bool ok = attempt_succeeded(result, "publish", item);
    (ok ? counters_.publish_ok : counters_.publish_failed)++;
    guarded("recording a publish", [&] { settle(item, ok); });
  });
}

void WebSubService::deliver(const OutboxItem& item) {
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(now_ms());
  const auto& subscription = item.subscription;  // read with the claim
  const std::string path = path_of(item.topic);
  auto snapshot = snapshots_.load();
  if (!subscription || subscription->expires_at <= now || path.empty()) {
    store_->finish(item);  // unsubscribed or expired meanwhile
    release(item);
    return;
  }
  if (const feeds::Resource* resource = snapshot->find(path)) {
    send_delivery(item, *subscription, *resource);
    return;
  }
  if (topics_ == nullptr || !parse_topic_path(path)) {
    store_->finish(item);
    release(item);
    return;
  }
  asio::co_spawn(outbound_.context(), topics_->find(path, snapshot),
                 [this, item, subscription = *subscription](
                     std::exception_ptr error, std::shared_ptr<const feeds::Resource> resource) {
                   guarded("delivering", [&] {
                     if (error || !resource) {
                       settle(item, false);
                     } else {
                       send_delivery(item, subscription, *resource);
                     }
                   });
                 });
}

// §7: the full feed, its content type, Link rel=hub and rel=self, and the signature.
void WebSubService::send_delivery(const OutboxItem& item, const storage::Subscription& subscription,
                                  const feeds::Resource& resource) {
  OutboundRequest request;
  request.method = http::verb::post;
  request.url = subscription.callback;
  request.allow_private = options_.allow_private_callbacks;
  request.paced = true;
  // The callback may have failed since the claim (while an earlier attempt ran): its lane is
  // decided now; the window's share counts the claim's mark.
  request.suspect = item.suspect || is_suspect(item);
  request.shared_body = shared_body(item.topic, resource);
  const std::string& body = *request.shared_body;
  request.headers = {
      {"Content-Type", resource.content_type},
      {"Link", "<" + options_.hub_url + ">; rel=\"hub\", <" + item.topic + ">; rel=\"self\""}};
  if (!subscription.secret.empty()) {
    const auto mac = common::hmac_sha256(subscription.secret, body);
    request.headers.emplace_back("X-Hub-Signature",
                                 "sha256=" + common::hex_encode(common::as_bytes(mac)));
  }
  outbound_.client().send(std::move(request), [this, item](const OutboundResult& result) {
    guarded("recording a delivery", [&] {
      if (result && result->status == 410) {  // §7: the subscriber wants no more
        drop_waiting_claim(item);             // a change's delivery queued behind this one
        failing_callbacks_.erase(item.target);
        settle(item, true);  // first: a failing removal must not keep the row running
        run_intent("recording a 410 Gone", [this, item] {
          if (!store_->remove(item.topic, item.target)) {
            return;  // ended meanwhile: its lease, or a 410 whose removal waited
          }
          log::info(kNotificationChannel,
                    item.target + " answered 410 Gone: unsubscribed from " + item.topic);
          guarded("counting subscriptions", [&] { update_gauges(); });
          counters_.gone++;  // after the gauges: whoever sees it counted sees it unsubscribed
        });
        return;
      }
      const bool ok = attempt_succeeded(result, "delivery of", item);
      (ok ? counters_.delivered : counters_.delivery_failed)++;
      if (ok) {
        failing_callbacks_.erase(item.target);
      } else if (failing_callbacks_.size() < options_.max_subscriptions) {
        failing_callbacks_.insert(item.target);
      }
      settle(item, ok);
    });
  });
}

std::shared_ptr<const std::string> WebSubService::shared_body(const std::string& topic,
                                                              const feeds::Resource& resource) {
  const auto& identity = *resource.get(feeds::Coding::identity);
  SharedBody& shared = bodies_[topic];
  if (shared.bytes == nullptr || shared.etag != identity.etag) {
    shared = {identity.etag, std::make_shared<const std::string>(identity.body)};
  }
  return shared.bytes;
}

}  // namespace feedd::daemon
