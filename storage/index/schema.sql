-- The feedd index, version 1 (PRAGMA user_version = 1); versions 2 to 8 are below.
--
-- The index is a cache of the post store plus the facts the store cannot hold: when each
-- post was first seen, when what a reader sees last changed, the stable entry id, and the
-- posts that were deleted. Deleting the file loses no post: the next scan rebuilds it, and
-- ids are derived from the store (host, first date, key), so they come back the same.
--
-- Every scan is one transaction; a crash leaves the last complete state. WAL journal mode;
-- a new index's first scan writes a file with no journal, renamed into place once complete
-- (fresh_index.h).

-- One row per post file that was read. Change detection compares (size, mtime_ns) first and
-- the SHA-256 of the bytes second, so an unchanged store is scanned without a single write.
CREATE TABLE files (
  path        TEXT PRIMARY KEY,  -- relative to store.path, '/' separated
  size        INTEGER NOT NULL,
  mtime_ns    INTEGER NOT NULL,
  sha256      TEXT NOT NULL,     -- hex of the bytes last read
  problems    TEXT NOT NULL      -- "line\treason" lines from the last read; '' when good
);

-- One row per post ever seen. Rows are never removed: a deleted post keeps its row with
-- deleted_at set, so that its id is not reused and a restored post keeps its first_seen.
CREATE TABLE posts (
  key             TEXT PRIMARY KEY,  -- Post::key: front matter id, BASENAME, or file stem
  entry_id        TEXT NOT NULL,     -- tag: URI, assigned when first seen, never changed
  source_path     TEXT NOT NULL,
  source_line     INTEGER NOT NULL,
  position        INTEGER NOT NULL,
  format          INTEGER NOT NULL,  -- storage::SourceFormat
  lang            TEXT NOT NULL,
  title           TEXT NOT NULL,
  content_html    TEXT NOT NULL,
  summary         TEXT NOT NULL,
  url             TEXT NOT NULL,
  slug            TEXT NOT NULL,
  author          TEXT NOT NULL,
  tags            TEXT NOT NULL,     -- joined with U+001F
  categories      TEXT NOT NULL,     -- joined with U+001F
  published       INTEGER NOT NULL,  -- Unix seconds, UTC
  explicit_updated INTEGER,          -- front matter `updated`, Unix seconds, or NULL
  local_date      TEXT NOT NULL,     -- YYYY-MM-DD in site.timezone
  draft           INTEGER NOT NULL,
  translation_key TEXT NOT NULL,
  previous_title  TEXT NOT NULL,
  next_title      TEXT NOT NULL,
  visible_sha256  TEXT NOT NULL,     -- hash of everything a reader sees
  first_seen      INTEGER NOT NULL,  -- Unix seconds
  updated         INTEGER NOT NULL,  -- Unix seconds; changes only with visible_sha256
  deleted_at      INTEGER            -- Unix seconds, NULL while the post exists
);

-- The feed queries: newest live posts of one language, and of all. The index holds the whole
-- ORDER BY so that SQLite walks it and stops after `entries` rows instead of sorting every
-- post (which reads every row's content: hundreds of MB on a large store).
CREATE INDEX posts_by_lang ON posts (lang, published DESC, source_path DESC, position DESC)
  WHERE deleted_at IS NULL AND draft = 0;
CREATE INDEX posts_by_published ON posts (published DESC, source_path DESC, position DESC)
  WHERE deleted_at IS NULL AND draft = 0;
-- Translation lookups.
CREATE INDEX posts_by_date ON posts (local_date) WHERE deleted_at IS NULL;
CREATE INDEX posts_by_translation ON posts (translation_key) WHERE translation_key != '';
CREATE INDEX posts_by_source ON posts (source_path);
-- Version 2 (migration in index.cpp, kTopicIndexSql) adds
--   posts_topics ON posts (published DESC, source_path DESC, position DESC, key, lang,
--                          entry_id, updated, tags, categories)
--   WHERE deleted_at IS NULL AND draft = 0
-- which holds every column the topic catalog reads (Index::published_topics), so that query
-- never reads a post's content.
-- Version 3 (storage/index/tombstones.cpp, kTombstonesSql) adds
--   posts.gone_at INTEGER  -- Unix seconds: when a scan last took a published post out of the
--                          -- feeds (file or entry deleted, turned draft, dated into the
--                          -- future); NULL if that never happened. Never cleared: a post
--                          -- that is published again simply has no tombstone (RFC 6721)
--   posts_gone ON posts (gone_at DESC, key) WHERE gone_at IS NOT NULL
-- and sets gone_at = deleted_at for the posts deleted while published before it existed.
-- Version 4 (storage/index/built_files.cpp, kBuiltFilesSql) adds
--   built_files (out_dir, path, inputs, size, mtime_ns), primary key (out_dir, path): each
--   file `feedd build --out` rendered into an output directory (absolute), a digest of what
--   its bytes were made from and its size and mtime when written. A build renders an archive
--   page or topic feed again only when that digest or the file on disk differs.
-- Version 5 (index.cpp, kTopicIndexWithHashSql) makes posts_topics hold visible_sha256 too: the
--   digests of topic feeds and archive pages include it, since `updated` (whole seconds) stays
--   the same for a second edit within the same second.
-- Version 6 (index.cpp, kTopicIndexWithTranslationsSql) makes posts_topics hold
--   translation_key, local_date, format, previous_title and next_title too: which posts may be
--   each other's translations (PostTopics::translation_group) and what pairs page-text posts,
--   so the digests follow the titles and links of each entry's translations.
-- Version 7 (index.cpp, kFileReaderSql) adds
--   files.reader TEXT NOT NULL DEFAULT ''  -- storage/readers/reader_fingerprint.h of the
--                                          -- readers and options the file was last read with
-- A file whose fingerprint is not the scan's own is read again even when its bytes are as
-- indexed: a fixed reader, or a changed site.timezone, default_time, default_language or
-- language marker, reaches the posts already indexed. Files of older indexes have '', so the
-- first scan after the upgrade reads them all.
-- Version 8 (index.cpp, kStoreRootSql) adds
--   store_root (id = 1, device, inode)  -- st_dev and st_ino of store.path's directory at the
--                                       -- last scan (storage/store_root.h), bits as signed
-- A scan that finds another directory at store.path, holding no post file (a mount point whose
-- file system was unmounted), changes nothing: the store is missing, not emptied.
