// The WebSub tables (websub_store.h): the built-in hub's subscriptions and the outbox of
// pending publish pings and deliveries, in their own file beside the index (a second writer
// on the index file made the indexer's scans fail with "database is locked").
#pragma once

namespace feedd::storage {

inline constexpr const char* kWebSubTablesSql = R"sql(
-- One row per active or pending-expiry subscription of the built-in hub (W3C WebSub §5).
CREATE TABLE IF NOT EXISTS websub_subscriptions (
  topic       TEXT NOT NULL,     -- the feed URL subscribed to
  callback    TEXT NOT NULL,     -- the subscriber's URL, as verified
  secret      TEXT NOT NULL,     -- hub.secret; '' for none
  expires_at  INTEGER NOT NULL,  -- Unix seconds: the end of the lease
  PRIMARY KEY (topic, callback)
);
-- Work to do over HTTP: kind 0 = publish ping (target: an external hub), kind 1 = delivery
-- of the topic's current bytes (target: a subscriber's callback). One row per (kind, target,
-- topic): a change while one is pending bumps `generation` and makes it due at once.
CREATE TABLE IF NOT EXISTS websub_outbox (
  id          INTEGER PRIMARY KEY,
  kind        INTEGER NOT NULL,
  target      TEXT NOT NULL,
  topic       TEXT NOT NULL,
  attempts    INTEGER NOT NULL,  -- made so far
  due_ms      INTEGER NOT NULL,  -- Unix milliseconds of the next attempt
  generation  INTEGER NOT NULL,  -- bumped by each new change
  UNIQUE (kind, target, topic)
);
CREATE INDEX IF NOT EXISTS websub_outbox_due ON websub_outbox (due_ms);
-- Claims of first attempts and of retries apart (the sender gives retries a share of its
-- window of their own), each in due order without a sort.
CREATE INDEX IF NOT EXISTS websub_outbox_lane ON websub_outbox (attempts > 0, due_ms);
)sql";

}  // namespace feedd::storage
