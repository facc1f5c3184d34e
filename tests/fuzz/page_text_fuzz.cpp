// libFuzzer target: read_page_text (SPEC format 1) on any valid UTF-8 without NUL bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "storage/readers/page_text_reader.h"
#include "tests/fuzz/fuzz_support.h"

// Loads the time zone database (a second or more on a busy machine) before the first input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)feedd::fuzz::sample_reader_options();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const feedd::fuzz::CpuBudget budget;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!feedd::fuzz::is_reader_input(bytes)) {
    return -1;  // outside the reader's contract; keep it out of the corpus
  }
  constexpr std::string_view kPath = "2025/012_fuzz.txt";
  feedd::fuzz::check_result(
      feedd::storage::read_page_text(kPath, bytes, feedd::fuzz::sample_reader_options()), kPath);
  return 0;
}
