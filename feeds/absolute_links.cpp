#include "feeds/absolute_links.h"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include "common/encoding.h"
#include "common/text.h"
#include "feeds/html_document.h"

namespace feedd::feeds {
namespace {

// Strips HTML's ASCII whitespace, as browsers do from URL attributes: common::text::trim's
// set is wider (vertical tab, U+3000), and would resolve some references differently.
std::string_view trim(std::string_view text) {
  while (!text.empty() && common::text::is_html_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && common::text::is_html_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

// Percent-encodes the bytes no URI reference may hold (controls, space, non-ASCII, and
// the few ASCII characters outside RFC 3986), keeping '%' as written.
std::string encode_loose(std::string_view text) {
  static constexpr std::string_view kBad = " \"<>\\^`{|}";
  std::string out;
  common::append_percent_encoded(out, text, [](unsigned char byte) {
    return byte >= 0x21 && byte < 0x7F &&
           kBad.find(static_cast<char>(byte)) == std::string_view::npos;
  });
  return out;
}

std::string resolve_srcset(std::string_view base, std::string_view srcset) {
  std::string out;
  std::size_t i = 0;
  while (i < srcset.size()) {
    while (i < srcset.size() && (common::text::is_html_space(srcset[i]) || srcset[i] == ',')) {
      ++i;
    }
    std::size_t url_end = i;
    while (url_end < srcset.size() && !common::text::is_html_space(srcset[url_end])) {
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

}  // namespace

std::string resolve_url(std::string_view base, std::string_view reference) {
  auto ref = boost::urls::parse_uri_reference(reference);
  if (ref && ref->has_scheme()) {
    return std::string(reference);  // absolute already: the base is not even parsed
  }
  const auto base_url = boost::urls::parse_uri(base);
  if (!base_url) {
    return std::string(reference);
  }
  std::string encoded;
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

std::string absolutize_links(const HtmlDocument& document, std::string_view base) {
  const std::string& html = document.source();
  std::string out;
  std::size_t copied = 0;
  for (const UrlAttribute& attribute : document.url_attributes()) {
    const std::string resolved = attribute.srcset ? resolve_srcset(base, attribute.value)
                                                  : resolve_url(base, trim(attribute.value));
    if (resolved == attribute.value) {
      continue;
    }
    if (out.empty()) {
      out.reserve(html.size() + html.size() / 8);
    }
    out.append(html, copied, attribute.offset - copied);
    out += '"';
    common::text::append_html_escaped(out, resolved, common::text::HtmlEscape::attribute);
    out += '"';
    copied = attribute.offset + attribute.length;
  }
  if (copied == 0) {
    return html;
  }
  out.append(html, copied);
  return out;
}

std::string absolutize_links(std::string_view html, std::string_view base) {
  return absolutize_links(HtmlDocument(std::string(html)), base);
}

}  // namespace feedd::feeds
