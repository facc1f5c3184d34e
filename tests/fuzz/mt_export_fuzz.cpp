// libFuzzer target: read_mt_export (SPEC format 3, Movable Type export) on valid UTF-8
// without NUL bytes, whether or not looks_like_mt_export would have picked it.
#include "storage/readers/convert_breaks.h"
#include "storage/readers/mt_export_reader.h"
#include "tests/fuzz/reader_fuzz_main.h"

int feedd::fuzz::read_input(std::string_view bytes) {
  if (!is_reader_input(bytes)) {
    return -1;
  }
  (void)storage::looks_like_mt_export(bytes);
  constexpr std::string_view kPath = "export/fuzz.mt.txt";
  check_result(storage::read_mt_export(kPath, bytes, sample_reader_options()), kPath);
  require_utf8("convert_breaks", storage::convert_breaks(bytes));
  return 0;
}
