// libFuzzer target: read_mt_export (SPEC format 3, Movable Type export) on valid UTF-8
// without NUL bytes, whether or not looks_like_mt_export would have picked it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "storage/readers/convert_breaks.h"
#include "storage/readers/mt_export_reader.h"
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
  (void)feedd::storage::looks_like_mt_export(bytes);
  constexpr std::string_view kPath = "export/fuzz.mt.txt";
  feedd::fuzz::check_result(
      feedd::storage::read_mt_export(kPath, bytes, feedd::fuzz::sample_reader_options()), kPath);
  feedd::fuzz::require_utf8("convert_breaks", feedd::storage::convert_breaks(bytes));
  return 0;
}
