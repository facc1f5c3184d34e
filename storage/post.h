// The plain model of one blog post, as read from a post file and as kept in the index.
// A value type with no behaviour: no SQLite, no I/O. feeds/ depends on this header only.
// Thread-compatible (copy it freely; share only as const).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace feedd::storage {

enum class SourceFormat { page_text, markdown, mt_export };

struct Post {
  // --- identity ---
  // The post's stable key: front matter `id`, Movable Type BASENAME, else the file stem.
  // Unique across the store; never changes for the same post.
  std::string key;
  std::string source_path;  // relative to store.path, '/' separated
  int source_line = 1;      // 1-based line where the post starts in its file
  int position = 0;         // order within its file (export formats) or among same-date files
  SourceFormat format = SourceFormat::markdown;

  // --- what a reader sees ---
  std::string lang;          // BCP 47 code from `languages`, e.g. "ja", "en"
  std::string title;         // plain text, language marker removed
  std::string content_html;  // HTML fragment; links may be relative to the post's URL
  std::string summary;       // plain text given by the author; empty: derived from content
  std::string url;           // explicit permalink; empty: site.post_url template
  std::string slug;
  std::string author;  // empty: site.author
  std::vector<std::string> tags;
  std::vector<std::string> categories;
  std::chrono::sys_seconds published{};             // UTC instant
  std::optional<std::chrono::sys_seconds> updated;  // explicit `updated`, if any
  std::string local_date;                           // "YYYY-MM-DD" of `published` in site.timezone
  bool draft = false;

  // --- translation hints ---
  std::string translation_key;  // explicit; empty: paired by neighbours (page text)
  std::string previous_title;   // page-text navigation neighbours, as shown (markers kept)
  std::string next_title;
};

// A published post's light row (no content), as the topic and archive catalogs read it; for
// a post that went away, `updated` holds when it went.
struct PostTopics {
  std::string key;
  std::string lang;
  std::string entry_id;
  std::chrono::sys_seconds updated{};
  std::vector<std::string> tags;
  std::vector<std::string> categories;
  // Its place among the published posts (newest first: published, source_path, position
  // descending, as the feeds list them; then key).
  std::chrono::sys_seconds published{};
  std::string source_path;
  int position = 0;
  // The first 64 bits of the post's visible_sha256 (everything a reader sees): what changes
  // with an edit when `updated`, in whole seconds, does not (two edits within one second).
  // With a page-text post's navigation lines too when they pair it (rows::topics_hash).
  std::uint64_t visible_hash = 0;
  // Which published posts may be this one's translations, as Index::translations_of() looks
  // for them: a hash of its translation_key, or of its local date for a page-text post
  // without one (paired within its day); 0: none can be.
  std::uint64_t translation_group = 0;
  // What its entry shows of those translations (each one's language, link and title), for
  // the digests of the topic feeds and archive pages it is in: set by feeds::PostCatalogs
  // from the other posts of its group, 0 as the index reads it.
  std::uint64_t translations_hash = 0;
};

}  // namespace feedd::storage
