// libFuzzer target: a post body through HtmlDocument (gumbo, or the plain scan of simple
// HTML), summaries and link splicing. Invariants: URL values lie inside the source, in order,
// without overlap; the text is collapsed and trimmed; the summary is clean XML text; a body
// without URL values comes back from splicing unchanged; a body the scan accepts gives
// exactly what gumbo gives; no element gumbo builds has more attributes than the attribute
// bound counted for some tag. The CPU budget catches a parse the bounds missed.
#include <gumbo.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "feeds/absolute_links.h"
#include "feeds/html_document.h"
#include "feeds/html_facts.h"
#include "feeds/html_parse_bound.h"
#include "feeds/simple_html.h"
#include "feeds/summary.h"
#include "feeds/xml_text.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "html_document_fuzz: %s\n", what);
    std::abort();
  }
}

void check_urls(const feedd::feeds::HtmlDocument& document) {
  std::size_t end = 0;
  for (const auto& url : document.url_attributes()) {
    require(url.offset >= end && url.length > 0, "URL values out of order or overlapping");
    end = url.offset + url.length;
    require(end <= document.source().size(), "URL value past the source");
  }
}

// The scan must read whatever it accepts exactly as gumbo does.
void check_scan_agrees(const std::string& source) {
  if (!feedd::feeds::parse_refusal(source).empty()) {
    return;
  }
  feedd::feeds::HtmlFacts fast;
  if (!feedd::feeds::read_simple_html(source, fast)) {
    return;
  }
  fast.finish();
  feedd::feeds::HtmlFacts slow;
  feedd::feeds::read_with_gumbo(source, slow);
  slow.finish();
  require(fast.text_out == slow.text_out, "the scan's text differs from gumbo's");
  require(fast.first_paragraph == slow.first_paragraph,
          "the scan's first paragraph differs from gumbo's");
  require(fast.urls.size() == slow.urls.size(), "the scan found other URL values than gumbo");
  for (std::size_t i = 0; i < fast.urls.size(); ++i) {
    const auto& a = fast.urls[i];
    const auto& b = slow.urls[i];
    require(
        a.offset == b.offset && a.length == b.length && a.srcset == b.srcset && a.value == b.value,
        "the scan's URL value differs from gumbo's");
  }
}

// The most attributes on one element of gumbo's tree, html and body left out (gumbo merges
// the attributes of every <html> and <body> tag into one element).
std::size_t most_attributes(const GumboNode* node) {
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) {
    return 0;
  }
  const GumboElement& element = node->v.element;
  std::size_t most = element.tag == GUMBO_TAG_HTML || element.tag == GUMBO_TAG_BODY
                         ? 0
                         : element.attributes.length;
  for (unsigned i = 0; i < element.children.length; ++i) {
    most = std::max(most, most_attributes(static_cast<const GumboNode*>(element.children.data[i])));
  }
  return most;
}

// A body within the bounds has no element whose tag the attribute bound undercounted: each
// element's attributes came from one tag, which the bound counted as n(n-1)/2 when n is
// past kFreeAttributes (gumbo drops repeated ones, so it holds at most as many; the legacy
// <isindex> becomes an <input> with one attribute added, name="isindex").
void check_attribute_bound(const std::string& source) {
  if (!feedd::feeds::parse_refusal(source).empty()) {
    return;
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;
  options.fragment_context = GUMBO_TAG_BODY;
  options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  GumboOutput* output = gumbo_parse_with_options(&options, source.data(), source.size());
  const std::size_t most = most_attributes(output->root);
  gumbo_destroy_output(&options, output);
  const std::size_t from_one_tag = most > 0 ? most - 1 : 0;  // at least (<isindex>)
  if (from_one_tag > feedd::feeds::kFreeAttributes) {
    require(feedd::feeds::attribute_work(source) >= from_one_tag * (from_one_tag - 1) / 2,
            "an element has more attributes than the attribute bound counted");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const feedd::fuzz::CpuBudget budget;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  feedd::storage::Post post;
  post.content_html = std::string(bytes);
  const auto document = feedd::feeds::parse_content(post);
  check_scan_agrees(document->source());
  check_attribute_bound(document->source());
  check_urls(*document);
  const std::string& text = document->text();
  require(text.empty() || (text.front() != ' ' && text.back() != ' '), "text not trimmed");
  require(text.find("  ") == std::string::npos, "white space not collapsed");
  const std::string summary = feedd::feeds::make_summary(post, *document);
  require(feedd::feeds::clean_xml_text(summary) == summary, "summary is not clean XML text");
  const std::string spliced =
      feedd::feeds::absolutize_links(*document, "https://example.org/a/b.html");
  require(document->url_attributes().empty() ? spliced == document->source() : true,
          "bytes changed in a body without URL values");
  return 0;
}
