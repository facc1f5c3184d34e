// libFuzzer target: read_post_file, the content-sniffing entry point that picks page text,
// Markdown (YAML or TOML front matter) or a Movable Type export for any bytes at all.
#include "storage/readers/mt_export_reader.h"
#include "storage/readers/post_reader.h"
#include "tests/fuzz/reader_fuzz_main.h"

int feedd::fuzz::read_input(std::string_view bytes) {
  constexpr std::string_view kPath = "2025/001_fuzz.txt";
  const auto result = storage::read_post_file(kPath, bytes, sample_reader_options());
  // A binary or non-UTF-8 file gives no posts, except a Movable Type export: there each entry
  // stands alone, so bad bytes in one entry leave the others published (check_result still
  // requires every field of every post to be valid UTF-8).
  if (!is_reader_input(bytes) && !result.posts.empty() && !storage::looks_like_mt_export(bytes)) {
    invariant_failed("posts from a binary or non-UTF-8 file", bytes);
  }
  check_result(result, kPath);
  return 0;
}
