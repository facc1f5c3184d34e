// The plain model of one blog post, as read from a post file and as kept in the index.
// A value type with no behaviour: no SQLite, no I/O. feeds/ depends on this header only.
// Thread-compatible (copy it freely; share only as const).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
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

// The names of a post's tags or categories, kept joined by U+001F as the index keeps them:
// a view (valid while the text it views is), iterated as string views, in order. Empty
// text: no names; otherwise every part, empty ones too.
class NameList {
 public:
  static constexpr char kSeparator = '\x1f';

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string_view*;
    using reference = std::string_view;

    iterator() = default;
    iterator(std::string_view joined, std::size_t start) : joined_(joined), start_(start) {
      find_stop();
    }
    std::string_view operator*() const { return joined_.substr(start_, stop_ - start_); }
    iterator& operator++() {
      start_ = stop_ == joined_.size() ? std::string_view::npos : stop_ + 1;
      find_stop();
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const iterator& other) const { return start_ == other.start_; }

   private:
    void find_stop() {
      if (start_ != std::string_view::npos) {
        stop_ = std::min(joined_.find(kSeparator, start_), joined_.size());
      }
    }
    std::string_view joined_;
    std::size_t start_ = std::string_view::npos;  // npos: the end
    std::size_t stop_ = 0;
  };

  NameList() = default;
  explicit NameList(std::string_view joined) : joined_(joined) {}
  iterator begin() const { return joined_.empty() ? end() : iterator(joined_, 0); }
  iterator end() const { return iterator(); }
  bool empty() const { return joined_.empty(); }
  std::string_view joined() const { return joined_; }

 private:
  std::string_view joined_;
};

// A published post's light row (no content), as the topic and archive catalogs read it; for
// a post that went away, `updated` holds when it went. The catalogs keep one for every
// published post, so its texts share one block: a row takes about half the memory that six
// strings and two vectors of strings took (at a million posts the catalogs are most of what
// `serve` holds).
class PostTopics {
 public:
  // Its texts; `tags` and `categories` joined by NameList::kSeparator.
  struct Texts {
    std::string_view key;
    std::string_view lang;
    std::string_view entry_id;
    std::string_view source_path;
    std::string_view tags;
    std::string_view categories;
  };

  PostTopics() = default;
  explicit PostTopics(const Texts& texts) {
    const std::string_view parts[] = {texts.key,         texts.lang, texts.entry_id,
                                      texts.source_path, texts.tags, texts.categories};
    std::size_t size = 0;
    for (const std::string_view part : parts) {
      size += part.size();
    }
    text_.reserve(size);
    for (std::size_t i = 0; i < kParts; ++i) {
      text_ += parts[i];
      if (i < kParts - 1) {
        ends_[i] = static_cast<std::uint32_t>(text_.size());
      }
    }
  }

  std::string_view key() const { return part(0); }
  std::string_view lang() const { return part(1); }
  std::string_view entry_id() const { return part(2); }
  std::string_view source_path() const { return part(3); }
  NameList tags() const { return NameList(part(4)); }
  NameList categories() const { return NameList(part(5)); }

  std::chrono::sys_seconds updated{};
  // Its place among the published posts (newest first: published, source_path, `position`
  // descending, as the feeds list them; then key).
  std::chrono::sys_seconds published{};
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
  int position = 0;  // last: it shares its 8 bytes with ends_ (96 bytes a row, not 104)

  bool operator==(const PostTopics&) const = default;

 private:
  static constexpr std::size_t kParts = 6;
  // Clamped to text_: a moved-from row (its text taken, its ends kept) reads as empty.
  std::string_view part(std::size_t i) const {
    const std::size_t end =
        std::min<std::size_t>(i < kParts - 1 ? ends_[i] : text_.size(), text_.size());
    const std::size_t begin = std::min<std::size_t>(i == 0 ? 0 : ends_[i - 1], end);
    return std::string_view(text_).substr(begin, end - begin);
  }

  std::array<std::uint32_t, kParts - 1> ends_{};  // of each part but the last (text_'s end)
  std::string text_;                              // the parts one after another
};
// A million rows in the catalogs: 8 bytes more a row is 8 MB more (see `position`).
static_assert(sizeof(std::string) != 32 || sizeof(PostTopics) == 96,
              "PostTopics grew: keep its numbers and part ends packed");

}  // namespace feedd::storage
