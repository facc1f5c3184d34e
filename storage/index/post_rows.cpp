#include "storage/index/post_rows.h"

#include <SQLiteCpp/Column.h>

#include <charconv>
#include <cstdlib>

#include "common/fnv1a.h"
#include "common/sha256.h"

namespace feedd::storage::rows {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) {
      out.push_back(NameList::kSeparator);
    }
    out += item;
  }
  return out;
}

std::vector<std::string> split(std::string_view joined) {
  const NameList names(joined);  // one reading of the column, for posts and light rows alike
  return {names.begin(), names.end()};
}

std::uint64_t hash_prefix(std::string_view hex) {
  std::uint64_t value = 0;
  hex = hex.substr(0, 16);
  std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
  return value;
}

std::uint64_t topics_hash(std::string_view visible_sha256, std::string_view translation_key,
                          SourceFormat format, std::string_view previous_title,
                          std::string_view next_title) {
  const std::uint64_t visible = hash_prefix(visible_sha256);
  if (!translation_key.empty() || format != SourceFormat::page_text) {
    return visible;
  }
  std::uint64_t lines = common::fnv1a(previous_title, common::fnv1a_number(visible));
  lines = common::fnv1a_number(previous_title.size(), lines);  // where one line ends
  return common::fnv1a(next_title, lines);
}

std::uint64_t translation_group(std::string_view translation_key, std::string_view local_date,
                                SourceFormat format) {
  if (!translation_key.empty()) {
    return common::fnv1a(translation_key, common::fnv1a("key"));
  }
  if (format == SourceFormat::page_text) {
    return common::fnv1a(local_date, common::fnv1a("page-text day"));
  }
  return 0;
}

std::string visible_hash(const Post& post) {
  common::Sha256 hash;
  hash.field(post.lang).field(post.title).field(post.content_html).field(post.summary);
  hash.field(post.url).field(post.slug).field(post.author).field(join(post.tags));
  hash.field(join(post.categories)).field(std::to_string(from_time(post.published)));
  hash.field(post.updated ? std::to_string(from_time(*post.updated)) : "");
  hash.field(post.draft ? "draft" : "").field(post.translation_key);
  return hash.hex();
}

IndexedPost row_to_post(SQLite::Statement& row) {
  IndexedPost out;
  Post& post = out.post;
  post.key = row.getColumn(0).getString();
  out.entry_id = row.getColumn(1).getString();
  post.source_path = row.getColumn(2).getString();
  post.source_line = row.getColumn(3).getInt();
  post.position = row.getColumn(4).getInt();
  post.format = static_cast<SourceFormat>(row.getColumn(5).getInt());
  post.lang = row.getColumn(6).getString();
  post.title = row.getColumn(7).getString();
  post.content_html = row.getColumn(8).getString();
  post.summary = row.getColumn(9).getString();
  post.url = row.getColumn(10).getString();
  post.slug = row.getColumn(11).getString();
  post.author = row.getColumn(12).getString();
  post.tags = split(row.getColumn(13).getString());
  post.categories = split(row.getColumn(14).getString());
  post.published = to_time(row.getColumn(15).getInt64());
  if (!row.getColumn(16).isNull()) {
    post.updated = to_time(row.getColumn(16).getInt64());
  }
  post.local_date = row.getColumn(17).getString();
  post.draft = row.getColumn(18).getInt() != 0;
  post.translation_key = row.getColumn(19).getString();
  post.previous_title = row.getColumn(20).getString();
  post.next_title = row.getColumn(21).getString();
  out.first_seen = to_time(row.getColumn(22).getInt64());
  out.updated = to_time(row.getColumn(23).getInt64());
  if (!row.getColumn(24).isNull()) {
    out.deleted_at = to_time(row.getColumn(24).getInt64());
  }
  return out;
}

std::string encode_problems(const std::vector<Problem>& problems) {
  std::string out;
  for (const auto& problem : problems) {
    out += std::to_string(problem.line) + '\t' + problem.reason + '\n';
  }
  return out;
}

std::vector<Problem> decode_problems(const std::string& path, const std::string& text) {
  std::vector<Problem> problems;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    auto line = text.substr(start, end - start);
    auto tab = line.find('\t');
    if (tab != std::string::npos) {
      problems.push_back({path, std::atoi(line.c_str()), line.substr(tab + 1)});
    }
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return problems;
}

}  // namespace feedd::storage::rows
