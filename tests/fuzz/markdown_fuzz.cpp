// libFuzzer target: read_markdown (SPEC format 2) with YAML ("---") or TOML ("+++") front
// matter (yaml-cpp, toml++), on valid UTF-8 without NUL bytes that opens with a fence line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/text.h"
#include "storage/readers/markdown_reader.h"
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
  const std::string_view first_line = feedd::common::text::trim(bytes.substr(0, bytes.find('\n')));
  if (first_line != "---" && first_line != "+++") {
    return -1;
  }
  constexpr std::string_view kPath = "2025/fuzz.md";
  feedd::fuzz::check_result(
      feedd::storage::read_markdown(kPath, bytes, feedd::fuzz::sample_reader_options()), kPath);
  return 0;
}
