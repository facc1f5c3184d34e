// The WebSub tables (websub_store.h): the built-in hub's subscriptions and the outbox of
// pending publish pings and deliveries, in their own file beside the index (a second writer
// on the index file made the indexer's scans fail with "database is locked"). The file's
// PRAGMA user_version is its schema version: 0 for the tables below (files written before
// versions were numbered, some without websub_outbox_lane), each later one made by a
// migration of kWebSubMigrations, in one transaction when the file is opened.
#pragma once

#include <array>

namespace feedd::storage {

// Version 0, created by each of its files that lacked any of it (IF NOT EXISTS).
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

// Version 1: deliveries to a callback whose last delivery failed are marked (`suspect`, set
// when it fails, cleared when one succeeds) and claimed in the retries' lane, so that first
// deliveries to a dead callback after a new change wait unclaimed while the suspect share of
// the window is full, as retries do, instead of being claimed and given back every 5 s. The
// lane index is made again on the new expression: an index of the old one, kept by a CREATE
// INDEX IF NOT EXISTS of the same name, no longer serves the claims, which then read every
// due row of both lanes (SQLite uses an index on an expression only for that expression).
inline constexpr const char* kWebSubSuspectSql = R"sql(
ALTER TABLE websub_outbox ADD COLUMN suspect INTEGER NOT NULL DEFAULT 0;  -- 1: see above
DROP INDEX IF EXISTS websub_outbox_lane;
CREATE INDEX websub_outbox_lane ON websub_outbox ((attempts > 0 OR suspect), due_ms);
)sql";

// kWebSubMigrations[v] takes the file from version v to v + 1.
inline constexpr std::array kWebSubMigrations = {kWebSubSuspectSql};
inline constexpr int kWebSubSchemaVersion = static_cast<int>(kWebSubMigrations.size());

}  // namespace feedd::storage
