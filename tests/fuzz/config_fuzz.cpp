// libFuzzer target: parse_config (daemon/config) on any text. The contract: it returns a
// validated Config or throws ConfigError; any other exception escapes and is a crash.
#include <date/tz.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "daemon/config.h"
#include "tests/fuzz/fuzz_support.h"

// Loads the time zone database (a second or more on a busy machine) before the first input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)date::get_tzdb();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const feedd::fuzz::CpuBudget budget;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto config = feedd::daemon::parse_config(text, "/nonexistent/fuzz/feedd.toml");
    const auto reader = config.reader_options();
    const auto site = config.site_options();
    if (reader.timezone == nullptr || config.languages.empty()) {
      feedd::fuzz::invariant_failed("config without time zone or language", text);
    }
  } catch (const feedd::daemon::ConfigError& error) {
    if (std::string_view(error.what()).empty()) {
      feedd::fuzz::invariant_failed("ConfigError without message", text);
    }
  }
  return 0;
}
