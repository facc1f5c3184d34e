// A pull reader over libyaml's event API for one YAML text: owns the parser and the current
// event (RAII). One per parse, not thread-safe; never throws. A syntax error ends the stream
// with error() and its 0-based line. Characters libyaml refuses or takes as line breaks but
// yaml-cpp read as content (C0/C1 controls, DEL, NEL, U+2028/9, U+FFFE/F) stay content: they
// are swapped for private-use stand-ins (U+10FFxx) before parsing and back in scalar().
#pragma once

#include <yaml.h>

#include <string>
#include <string_view>

namespace feedd::storage {

class YamlEventReader {
 public:
  // `text` must outlive the reader.
  explicit YamlEventReader(std::string_view text);
  ~YamlEventReader();
  YamlEventReader(const YamlEventReader&) = delete;
  YamlEventReader& operator=(const YamlEventReader&) = delete;

  // Pulls the next event; false on a syntax error or after the stream's end.
  bool next();
  yaml_event_type_t type() const { return event_.type; }
  int line() const { return static_cast<int>(event_.start_mark.line); }
  // The current scalar's value as written (escapes, folding and stand-ins resolved).
  std::string scalar() const;
  // The current scalar is YAML's null: plain, untagged and empty, "~", "null", "Null" or "NULL".
  bool scalar_is_null() const;
  // Anchor of the current scalar, sequence or mapping; alias name of an alias; else empty.
  std::string_view anchor() const;

  // libyaml's problem and context ("did not find expected ',' or ']' while parsing a flow
  // sequence"), its 0-based line, and the 0-based line where the context began (or -1).
  const std::string& error() const { return error_; }
  int error_line() const { return error_line_; }
  int context_line() const { return context_line_; }

 private:
  yaml_parser_t parser_{};
  yaml_event_t event_{};
  bool has_event_ = false;
  bool ended_ = false;
  bool swapped_ = false;  // stand-ins were swapped in: scalar() swaps them back
  std::string swapped_text_;
  std::string error_;
  int error_line_ = 0;
  int context_line_ = -1;
};

}  // namespace feedd::storage
