// libFuzzer target: read_post_file, the content-sniffing entry point that picks page text,
// Markdown (YAML or TOML front matter) or a Movable Type export for any bytes at all.
#include "common/text.h"
#include "storage/readers/mt_export_reader.h"
#include "storage/readers/post_reader.h"
#include "storage/readers/text_encoding.h"
#include "tests/fuzz/reader_fuzz_main.h"

namespace {

// Whether `bytes` are text in another encoding that the reader reads as its UTF-8.
bool legacy_text(std::string_view bytes) {
  const auto decoded = feedd::storage::decode_legacy_text(
      bytes, feedd::fuzz::sample_reader_options().max_file_bytes);
  return decoded && !decoded->too_large;
}

}  // namespace

int feedd::fuzz::read_input(std::string_view bytes) {
  constexpr std::string_view kPath = "2025/001_fuzz.txt";
  const auto result = storage::read_post_file(kPath, bytes, sample_reader_options());
  // A binary or non-UTF-8 file gives no posts, except a Movable Type export (each entry stands
  // alone, so bad bytes in one entry leave the others published) and text in another encoding
  // (Shift_JIS and the like, read as its UTF-8, with or without a UTF-8 byte order mark).
  // check_result still requires every field of every post to be valid UTF-8.
  if (!is_reader_input(bytes) && !result.posts.empty() && !storage::looks_like_mt_export(bytes) &&
      !legacy_text(bytes) && !legacy_text(common::text::without_byte_order_mark(bytes))) {
    invariant_failed("posts from a binary or non-UTF-8 file", bytes);
  }
  check_result(result, kPath);
  return 0;
}
