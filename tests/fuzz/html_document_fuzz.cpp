// libFuzzer target: a post body through HtmlDocument (gumbo, or the plain scan of simple
// HTML), summaries and link splicing. Invariants: URL values lie inside the source, in order,
// without overlap; the text is collapsed and trimmed; the summary is clean XML text; a body
// without URL values comes back from splicing unchanged; a body the scan accepts gives
// exactly what gumbo gives. The CPU budget catches a parse the nesting bound missed.
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const feedd::fuzz::CpuBudget budget;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  feedd::storage::Post post;
  post.content_html = std::string(bytes);
  const auto document = feedd::feeds::parse_content(post);
  check_scan_agrees(document->source());
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
