#include "daemon/http/delta_feeds.h"

#include "common/text.h"
#include "daemon/http/http_syntax.h"
#include "daemon/log.h"
#include "feeds/feed_delta.h"

namespace feedd::daemon {
namespace {

using feeds::Coding;

std::string cache_key(const feeds::Resource& resource, Coding coding, std::string_view old_tag) {
  std::string key = resource.path;
  key += '\n';
  key += feeds::coding_name(coding);
  key += '\n';
  key += old_tag;
  return key;
}

std::string encode(std::string identity, Coding coding) {
  switch (coding) {
    case Coding::gzip:
      return feeds::gzip_compress(identity);
    case Coding::br:
      return feeds::brotli_compress(identity);
    case Coding::identity:
      break;
  }
  return identity;
}

}  // namespace

bool asks_for_feed_delta(std::string_view a_im) {
  // A-IM = #( instance-manipulation [ ";" "q" "=" qvalue ] ), RFC 3229 §10.5.3 (other
  // parameters ignored); "feed;q=0" is "not acceptable".
  using http_syntax::trim_ows;
  while (!a_im.empty()) {
    const std::size_t comma = a_im.find(',');
    std::string_view element = a_im.substr(0, comma);
    a_im = comma == std::string_view::npos ? std::string_view{} : a_im.substr(comma + 1);
    const std::size_t semi = element.find(';');
    if (!common::text::iequals(trim_ows(element.substr(0, semi)), "feed")) {
      continue;
    }
    int q = 1000;
    for (std::string_view params = semi == std::string_view::npos ? std::string_view{}
                                                                  : element.substr(semi + 1);
         !params.empty();) {
      const std::size_t next = params.find(';');
      q = http_syntax::q_parameter(trim_ows(params.substr(0, next))).value_or(q);
      params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
    }
    if (q > 0) {  // a malformed q (-1) is no acceptance either
      return true;
    }
  }
  return false;
}

DeltaFeeds::DeltaFeeds(std::size_t cache_bytes, Metrics& metrics)
    : metrics_(metrics), cache_(cache_bytes) {}

std::shared_ptr<const feeds::Resource> DeltaFeeds::find(const feeds::Resource& resource,
                                                        Coding coding,
                                                        std::string_view if_none_match) {
  if (resource.versions == nullptr) {
    return nullptr;
  }
  const feeds::FeedVersion* old = nullptr;
  feeds::for_each_entity_tag(if_none_match, [&](std::string_view tag) {
    if (old == nullptr) {
      old = resource.versions->find(tag, coding);
    }
  });
  const feeds::FeedVersion& current = resource.versions->current();
  if (old == nullptr || old == &current) {
    return nullptr;  // unknown (or too old): the full feed; current: the caller sent 304
  }
  const std::string key = cache_key(resource, coding, old->tag);
  if (auto hit = cache_.find(key, current.tag)) {
    metrics_.record_delta_hit();
    return hit;
  }
  const std::lock_guard lock(render_mutex_);
  if (auto hit = cache_.find(key, current.tag)) {
    metrics_.record_delta_hit();  // rendered for a request that came first
    return hit;
  }
  return render(resource, *old, coding, key);
}

std::shared_ptr<const feeds::Resource> DeltaFeeds::render(const feeds::Resource& resource,
                                                          const feeds::FeedVersion& old,
                                                          Coding coding, const std::string& key) {
  const feeds::FeedVersion& current = resource.versions->current();
  std::string body = feeds::render_delta(resource.get(Coding::identity)->body,
                                         feeds::select_delta(*old.set, *current.set));
  if (!body.empty()) {
    body = encode(std::move(body), coding);
  }
  if (body.empty()) {
    log::error("http", resource.path + ": could not make the delta against " + old.tag +
                           ": serving the whole feed");
    return nullptr;
  }
  auto delta = std::make_shared<feeds::Resource>();
  delta->path = resource.path;
  feeds::Representation representation;
  representation.body = std::move(body);
  delta->representations[static_cast<std::size_t>(Coding::identity)] =
      std::make_shared<const feeds::Representation>(std::move(representation));
  metrics_.record_delta_render();
  cache_.insert(key, current.tag, delta);
  metrics_.set_delta_cache(cache_.bytes(), cache_.entries());
  return delta;
}

}  // namespace feedd::daemon
