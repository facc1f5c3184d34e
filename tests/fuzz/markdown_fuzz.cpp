// libFuzzer target: read_markdown (SPEC format 2) with YAML ("---") or TOML ("+++") front
// matter (yaml-cpp, toml++), on valid UTF-8 without NUL bytes that opens with a fence line.
#include "common/text.h"
#include "storage/readers/markdown_reader.h"
#include "tests/fuzz/reader_fuzz_main.h"

int feedd::fuzz::read_input(std::string_view bytes) {
  if (!is_reader_input(bytes)) {
    return -1;
  }
  const std::string_view first_line = common::text::trim(bytes.substr(0, bytes.find('\n')));
  if (first_line != "---" && first_line != "+++") {
    return -1;
  }
  constexpr std::string_view kPath = "2025/fuzz.md";
  check_result(storage::read_markdown(kPath, bytes, sample_reader_options()), kPath);
  return 0;
}
