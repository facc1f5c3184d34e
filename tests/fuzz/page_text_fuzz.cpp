// libFuzzer target: read_page_text (SPEC format 1) on any valid UTF-8 without NUL bytes.
#include "storage/readers/page_text_reader.h"
#include "tests/fuzz/reader_fuzz_main.h"

int feedd::fuzz::read_input(std::string_view bytes) {
  if (!is_reader_input(bytes)) {
    return -1;
  }
  constexpr std::string_view kPath = "2025/012_fuzz.txt";
  check_result(storage::read_page_text(kPath, bytes, sample_reader_options()), kPath);
  return 0;
}
