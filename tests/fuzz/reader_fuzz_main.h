// The libFuzzer entry points of a reader target (post_file, page_text, markdown,
// mt_export): the time zone database loaded before the first input, each input run under a
// CpuBudget and handed to the target's read_input(). Include it in exactly one file of the
// target, which defines read_input().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_support.h"

namespace feedd::fuzz {

// The target's work on one input; returns 0, or -1 to keep the input out of the corpus (it
// is outside the reader's contract).
int read_input(std::string_view bytes);

}  // namespace feedd::fuzz

// Loads the time zone database (a second or more on a busy machine) before the first input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)feedd::fuzz::sample_reader_options();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const feedd::fuzz::CpuBudget budget;
  return feedd::fuzz::read_input(std::string_view(reinterpret_cast<const char*>(data), size));
}
