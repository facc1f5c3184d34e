// libFuzzer target: read_post_file, the content-sniffing entry point that picks page text,
// Markdown (YAML or TOML front matter) or a Movable Type export for any bytes at all.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "storage/readers/mt_export_reader.h"
#include "storage/readers/post_reader.h"
#include "tests/fuzz/fuzz_support.h"

// Loads the time zone database (a second or more on a busy machine) before the first input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)feedd::fuzz::sample_reader_options();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const feedd::fuzz::CpuBudget budget;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view kPath = "2025/001_fuzz.txt";
  const auto result =
      feedd::storage::read_post_file(kPath, bytes, feedd::fuzz::sample_reader_options());
  // A binary or non-UTF-8 file gives no posts, except a Movable Type export: there each entry
  // stands alone, so bad bytes in one entry leave the others published (check_result still
  // requires every field of every post to be valid UTF-8).
  if (!feedd::fuzz::is_reader_input(bytes) && !result.posts.empty() &&
      !feedd::storage::looks_like_mt_export(bytes)) {
    feedd::fuzz::invariant_failed("posts from a binary or non-UTF-8 file", bytes);
  }
  feedd::fuzz::check_result(result, kPath);
  return 0;
}
