#include "storage/readers/front_matter_bounds.h"

#include <vector>

#include "storage/readers/reader_limits.h"

namespace feedd::storage {
namespace {

std::optional<BoundsError> size_error(std::string_view text) {
  if (text.size() <= limits::kMaxFrontMatterBytes) {
    return std::nullopt;
  }
  return BoundsError{0, "front matter is " + std::to_string(text.size()) + " bytes, more than " +
                            std::to_string(limits::kMaxFrontMatterBytes)};
}

BoundsError depth_error(int line) {
  return BoundsError{line, "front matter nested deeper than " +
                               std::to_string(limits::kMaxFrontMatterDepth) + " levels"};
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// The state of a YAML line scan that carries over lines: flow depth and an open quote.
struct YamlScan {
  int flow = 0;
  char quote = 0;  // '"' or '\'' while inside a quoted scalar
};

// Scans one YAML line's flow part from `i`; returns the deepest flow depth reached.
int scan_yaml_flow(std::string_view line, std::size_t i, YamlScan& scan) {
  int deepest = scan.flow;
  char previous = ' ';
  for (; i < line.size(); ++i) {
    const char c = line[i];
    if (scan.quote == '"' && c == '\\') {
      ++i;
    } else if (scan.quote != 0) {
      if (c == scan.quote) {
        scan.quote = 0;  // the scalar ends
      }
    } else if (c == '#' && is_space(previous)) {
      break;  // a comment
    } else if ((c == '"' || c == '\'') &&
               std::string_view(" \t:-,[{?").find(previous) != std::string_view::npos) {
      scan.quote = c;  // a quote opens a scalar only where a token starts
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++scan.flow);
    } else if ((c == ']' || c == '}') && scan.flow > 0) {
      --scan.flow;
    }
    previous = c;
  }
  return deepest;
}

// A value that opens a block scalar: ends with '|' or '>' and optional indicators.
bool opens_block_scalar(std::string_view line) {
  const std::size_t hash = line.find(" #");
  line = line.substr(0, hash);
  while (!line.empty() && (is_space(line.back()) || line.back() == '-' || line.back() == '+' ||
                           (line.back() >= '0' && line.back() <= '9'))) {
    line.remove_suffix(1);
  }
  return !line.empty() && (line.back() == '|' || line.back() == '>') &&
         (line.size() == 1 || is_space(line[line.size() - 2]) || line[line.size() - 2] == ':' ||
          line[line.size() - 2] == '-');
}

}  // namespace

std::optional<BoundsError> yaml_bounds_error(std::string_view text) {
  if (auto error = size_error(text)) {
    return error;
  }
  std::vector<std::size_t> indents;  // the block levels open at this point
  YamlScan scan;
  std::size_t scalar_indent = std::string_view::npos;  // inside a block scalar deeper than this
  int line_number = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    end = end == std::string_view::npos ? text.size() : end;
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    std::size_t i = line.find_first_not_of(" \t\r");
    if (i == std::string_view::npos || (line[i] == '#' && scan.quote == 0)) {
      continue;
    }
    if (scalar_indent != std::string_view::npos && i > scalar_indent) {
      continue;  // block scalar text
    }
    scalar_indent = std::string_view::npos;
    if (scan.flow == 0 && scan.quote == 0) {
      while (!indents.empty() && indents.back() >= i) {
        indents.pop_back();
      }
      indents.push_back(i);
    }
    int entries = 0;  // "- - x" and "? x" nest on one line
    while (scan.quote == 0 && i + 1 < line.size() && (line[i] == '-' || line[i] == '?') &&
           is_space(line[i + 1])) {
      ++entries;
      i = line.find_first_not_of(" \t", i + 1);
      i = i == std::string_view::npos ? line.size() : i;
    }
    const int block = static_cast<int>(indents.size()) + entries;
    if (block + scan_yaml_flow(line, i, scan) > limits::kMaxFrontMatterDepth) {
      return depth_error(line_number);
    }
    if (scan.flow == 0 && scan.quote == 0 && opens_block_scalar(line)) {
      scalar_indent = line.find_first_not_of(" \t");
    }
  }
  return std::nullopt;
}

std::optional<BoundsError> toml_bounds_error(std::string_view text) {
  if (auto error = size_error(text)) {
    return error;
  }
  int brackets = 0;
  int dots = 0;  // dots since the last separator: a dotted key's depth
  int line = 1;
  std::string_view quote;  // the open string's delimiter: " ' """ '''
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    line += c == '\n' ? 1 : 0;
    if (!quote.empty()) {
      if (c == '\\' && quote[0] == '"') {
        ++i;
      } else if (text.substr(i).starts_with(quote)) {
        i += quote.size() - 1;
        quote = {};
      } else if (c == '\n' && quote.size() == 1) {
        quote = {};  // a one-line string never spans lines (toml++ reports the error)
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      const std::string_view rest = text.substr(i);
      quote = rest.substr(0, rest.starts_with(std::string(3, c)) ? 3 : 1);
      i += quote.size() - 1;
    } else if (c == '#') {
      i = std::min(text.find('\n', i), text.size()) - 1;
    } else if (c == '[' || c == '{') {
      ++brackets;
      dots = 0;
    } else if (c == ']' || c == '}') {
      brackets = std::max(brackets - 1, 0);
    } else if (c == '\n' || c == '=' || c == ',') {
      dots = 0;
    } else if (c == '.') {
      ++dots;
    }
    if (brackets + dots > limits::kMaxFrontMatterDepth) {
      return depth_error(line);
    }
  }
  return std::nullopt;
}

}  // namespace feedd::storage
