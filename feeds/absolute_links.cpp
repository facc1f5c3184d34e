#include "feeds/absolute_links.h"

#include <array>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>

#include "feeds/html_text.h"

namespace feedd::feeds {
namespace {

constexpr std::array<std::string_view, 5> kUrlAttributes = {"href", "src", "poster", "cite",
                                                            "action"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

// Percent-encodes the bytes no URI reference may hold (controls, space, non-ASCII, and
// the few ASCII characters outside RFC 3986), keeping '%' as written.
std::string encode_loose(std::string_view text) {
  static constexpr std::string_view kBad = " \"<>\\^`{|}";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x21 || byte >= 0x7F || kBad.find(c) != std::string_view::npos) {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string escape_attribute(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '"') {
      out += "&quot;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string resolve_srcset(std::string_view base, std::string_view srcset) {
  std::string out;
  std::size_t i = 0;
  while (i < srcset.size()) {
    while (i < srcset.size() && (is_space(srcset[i]) || srcset[i] == ',')) {
      ++i;
    }
    std::size_t url_end = i;
    while (url_end < srcset.size() && !is_space(srcset[url_end])) {
      ++url_end;
    }
    std::string_view url = srcset.substr(i, url_end - i);
    std::size_t next = url_end;
    while (!url.empty() && url.back() == ',') {  // "a.png, b.png 2x": no descriptor
      url.remove_suffix(1);
      next = i + url.size();
    }
    if (url.empty()) {
      break;
    }
    const std::size_t comma = srcset.find(',', next);
    const std::size_t end = comma == std::string_view::npos ? srcset.size() : comma;
    const std::string_view descriptor = trim(srcset.substr(next, end - next));
    if (!out.empty()) {
      out += ", ";
    }
    out += resolve_url(base, url);
    if (!descriptor.empty()) {
      out.push_back(' ');
      out += descriptor;
    }
    i = end;
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) {
      return false;
    }
  }
  return true;
}

// Copies the start tag at html[start] == '<' to `out`, rewriting URL attributes. Returns
// the index just past the tag.
// NOLINTNEXTLINE(readability-function-size): 77 lines; goes with the HTML parser rewrite.
std::size_t copy_tag(std::string_view html, std::size_t start, std::string_view base,
                     std::string& out) {
  std::size_t i = start + 1;
  while (i < html.size() && !is_space(html[i]) && html[i] != '>' && html[i] != '/') {
    ++i;
  }
  out.append(html.substr(start, i - start));
  while (i < html.size()) {
    const std::size_t ws = i;
    while (i < html.size() && (is_space(html[i]) || html[i] == '/')) {
      ++i;
    }
    out.append(html.substr(ws, i - ws));
    if (i >= html.size() || html[i] == '>') {
      break;
    }
    const std::size_t name_start = i;
    while (i < html.size() && !is_space(html[i]) && html[i] != '=' && html[i] != '>' &&
           html[i] != '/') {
      ++i;
    }
    const std::string_view name = html.substr(name_start, i - name_start);
    std::size_t j = i;
    while (j < html.size() && is_space(html[j])) {
      ++j;
    }
    if (j >= html.size() || html[j] != '=') {
      out.append(name);
      continue;  // an attribute without a value
    }
    ++j;
    while (j < html.size() && is_space(html[j])) {
      ++j;
    }
    std::size_t value_start = j;
    std::size_t value_end = j;
    std::size_t after = j;
    if (j < html.size() && (html[j] == '"' || html[j] == '\'')) {
      value_start = j + 1;
      value_end = html.find(html[j], value_start);
      value_end = value_end == std::string_view::npos ? html.size() : value_end;
      after = std::min(value_end + 1, html.size());
    } else {
      while (value_end < html.size() && !is_space(html[value_end]) && html[value_end] != '>') {
        ++value_end;
      }
      after = value_end;
    }
    const std::string_view raw = html.substr(value_start, value_end - value_start);
    bool is_url = false;
    for (std::string_view attribute : kUrlAttributes) {
      is_url = is_url || iequals(name, attribute);
    }
    const bool is_srcset = iequals(name, "srcset");
    std::string rewritten;
    if (is_url || is_srcset) {
      const std::string value = decode_entities(raw);
      const std::string resolved =
          is_srcset ? resolve_srcset(base, value) : resolve_url(base, trim(value));
      if (resolved != value) {
        rewritten = "=\"" + escape_attribute(resolved) + "\"";
      }
    }
    out.append(name);
    if (rewritten.empty()) {
      out.append(html.substr(i, after - i));
    } else {
      out.append(rewritten);
    }
    i = after;
  }
  if (i < html.size()) {
    out.push_back('>');
    ++i;
  }
  return i;
}

}  // namespace

std::string resolve_url(std::string_view base, std::string_view reference) {
  const auto base_url = boost::urls::parse_uri(base);
  if (!base_url) {
    return std::string(reference);
  }
  std::string encoded;
  auto ref = boost::urls::parse_uri_reference(reference);
  if (!ref) {
    encoded = encode_loose(reference);
    ref = boost::urls::parse_uri_reference(encoded);
    if (!ref) {
      return std::string(reference);
    }
  }
  if (ref->has_scheme()) {
    return encoded.empty() ? std::string(reference) : encoded;
  }
  boost::urls::url resolved;
  if (!boost::urls::resolve(*base_url, *ref, resolved)) {
    return std::string(reference);
  }
  return std::string(resolved.buffer());
}

std::string absolutize_links(std::string_view html, std::string_view base) {
  std::string out;
  out.reserve(html.size() + html.size() / 8);
  std::size_t i = 0;
  while (i < html.size()) {
    const std::size_t lt = html.find('<', i);
    if (lt == std::string_view::npos) {
      out.append(html.substr(i));
      break;
    }
    out.append(html.substr(i, lt - i));
    if (html.substr(lt, 4) == "<!--") {
      const std::size_t end = html.find("-->", lt + 4);
      const std::size_t stop = end == std::string_view::npos ? html.size() : end + 3;
      out.append(html.substr(lt, stop - lt));
      i = stop;
    } else if (lt + 1 < html.size() && std::isalpha(static_cast<unsigned char>(html[lt + 1]))) {
      i = copy_tag(html, lt, base, out);
    } else {
      out.push_back('<');
      i = lt + 1;
    }
  }
  return out;
}

}  // namespace feedd::feeds
