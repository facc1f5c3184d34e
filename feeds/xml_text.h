// Text that is safe to put in XML 1.0 and JSON: valid UTF-8 with none of the characters
// XML 1.0 forbids (C0 controls other than tab/LF/CR, U+FFFE, U+FFFF, surrogates).
// Pure functions; thread-safe; never throw. Offending bytes are dropped, not replaced, so
// clean input comes back byte-identical.
#pragma once

#include <string>
#include <string_view>

namespace feedd::feeds {

// True when `cp` may appear in an XML 1.0 document (the Char production).
bool is_xml_char(char32_t cp);

// `text` with invalid UTF-8 (stray, truncated, overlong sequences, encoded surrogates, code
// points past U+10FFFF) and XML-forbidden characters removed.
std::string clean_xml_text(std::string_view text);
// The same without a copy of clean text: `text` itself when nothing is dropped, else the
// cleaned copy, held in `storage` (overwritten; must not hold `text`).
std::string_view clean_xml_view(std::string_view text, std::string& storage);

}  // namespace feedd::feeds
