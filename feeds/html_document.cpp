#include "feeds/html_document.h"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <string_view>

#include "common/text.h"
#include "feeds/html_facts.h"
#include "feeds/html_parse_bound.h"
#include "feeds/simple_html.h"
#include "feeds/xml_text.h"

namespace feedd::feeds {
namespace {

std::atomic<std::uint64_t> bodies_parsed{0};  // html_bodies_parsed()

// Everything gumbo allocates for one parse, freed at once: gumbo frees piecemeal
// (recursively, over the whole tree) and feedd needs nothing of the tree afterwards.
class Arena {
 public:
  static void* allocate(void* self, std::size_t size) {
    return static_cast<Arena*>(self)->take(size);
  }
  static void deallocate(void* /*self*/, void* /*block*/) {}

 private:
  static constexpr std::size_t kChunk = 32 * 1024;

  void* take(std::size_t size) {
    size = std::max<std::size_t>((size + 15) & ~std::size_t{15}, 16);  // new[] aligns to 16
    if (size > kChunk / 4) {
      return blocks_.emplace_back(new std::byte[size]).get();
    }
    if (chunks_.empty() || used_ + size > kChunk) {
      chunks_.emplace_back(new std::byte[kChunk]);
      used_ = 0;
    }
    void* block = chunks_.back().get() + used_;
    used_ += size;
    return block;
  }

  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::size_t used_ = 0;
};

// Phrasing elements that do not separate words; any other element counts as white space.
constexpr std::array<GumboTag, 21> kInline = {
    GUMBO_TAG_A,    GUMBO_TAG_ABBR,   GUMBO_TAG_B,    GUMBO_TAG_CITE, GUMBO_TAG_CODE,
    GUMBO_TAG_EM,   GUMBO_TAG_I,      GUMBO_TAG_KBD,  GUMBO_TAG_MARK, GUMBO_TAG_Q,
    GUMBO_TAG_RP,   GUMBO_TAG_RT,     GUMBO_TAG_RUBY, GUMBO_TAG_S,    GUMBO_TAG_SMALL,
    GUMBO_TAG_SPAN, GUMBO_TAG_STRONG, GUMBO_TAG_SUB,  GUMBO_TAG_SUP,  GUMBO_TAG_U,
    GUMBO_TAG_VAR};
// Elements whose content is no text a reader sees.
constexpr std::array<GumboTag, 8> kHidden = {
    GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE,  GUMBO_TAG_TEMPLATE, GUMBO_TAG_RT,
    GUMBO_TAG_RP,     GUMBO_TAG_IFRAME, GUMBO_TAG_NOEMBED,  GUMBO_TAG_NOFRAMES};

template <std::size_t N>
bool is_one_of(GumboTag tag, const std::array<GumboTag, N>& tags) {
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

}  // namespace

// Reads the body: by a plain scan when it is simple HTML (simple_html.h), else with gumbo,
// walking its tree once, without recursion (bodies nest as deep as html_parse_bound.h allows).
class HtmlDocumentBuilder {
 public:
  explicit HtmlDocumentBuilder(HtmlDocument& document) : document_(document) {}

  void build() {
    const std::string& source = document_.source_;
    if (source.empty()) {
      return;
    }
    bodies_parsed.fetch_add(1, std::memory_order_relaxed);
    document_.unparsed_reason_ = parse_refusal(source);
    if (!document_.unparsed_reason_.empty()) {
      return;
    }
    HtmlFacts facts;
    if (!read_simple_html(source, facts)) {
      facts = HtmlFacts();
      read_with_gumbo(source, facts);
    }
    facts.finish();
    document_.text_ = std::move(facts.text_out);
    document_.first_paragraph_ = std::move(facts.first_paragraph);
    document_.urls_ = std::move(facts.urls);
  }

 private:
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
  };

  static void walk(const GumboNode* root, std::string_view source, HtmlFacts& facts) {
    std::vector<Frame> stack{{root, 0}};
    while (!stack.empty()) {
      Frame& frame = stack.back();
      const GumboVector& children = frame.node->v.element.children;
      if (frame.next_child == children.length) {
        if (stack.size() > 1) {
          const GumboNode* node = frame.node;
          facts.leave(is_one_of(node->v.element.tag, kInline), hides(node), stack.size() - 1);
        }
        stack.pop_back();
        continue;
      }
      const auto* child = static_cast<const GumboNode*>(children.data[frame.next_child++]);
      if (child->type == GUMBO_NODE_ELEMENT || child->type == GUMBO_NODE_TEMPLATE) {
        const GumboElement& element = child->v.element;
        collect_urls(element, source, facts);
        facts.enter(is_one_of(element.tag, kInline), hides(child),
                    element.tag == GUMBO_TAG_P && element.tag_namespace == GUMBO_NAMESPACE_HTML,
                    stack.size());
        stack.push_back({child, 0});
      } else if (child->type != GUMBO_NODE_COMMENT) {
        facts.text(child->v.text.text);
      }
    }
  }

  static bool hides(const GumboNode* node) {
    return node->type == GUMBO_NODE_TEMPLATE || is_one_of(node->v.element.tag, kHidden);
  }

  static void collect_urls(const GumboElement& element, std::string_view source, HtmlFacts& facts) {
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto& attribute = *static_cast<const GumboAttribute*>(element.attributes.data[i]);
      const std::string_view name = attribute.name;
      const bool srcset = name == "srcset" && attribute.attr_namespace == GUMBO_ATTR_NAMESPACE_NONE;
      const bool url =
          (attribute.attr_namespace == GUMBO_ATTR_NAMESPACE_NONE && holds_one_url(name)) ||
          (attribute.attr_namespace == GUMBO_ATTR_NAMESPACE_XLINK && name == "href");
      const GumboStringPiece& raw = attribute.original_value;
      // Gumbo 0.10.1 gives a valueless attribute (`<img src>`, `<img src=>`) its name as
      // original_value, not the documented empty piece: only a value after the name counts.
      if ((!srcset && !url) || raw.data <= attribute.original_name.data || raw.length == 0 ||
          raw.data < source.data() || raw.data + raw.length > source.data() + source.size()) {
        continue;
      }
      facts.url(UrlAttribute{static_cast<std::size_t>(raw.data - source.data()), raw.length, srcset,
                             attribute.value});
    }
  }

  HtmlDocument& document_;

  friend void read_with_gumbo(std::string_view source, HtmlFacts& facts);
};

void read_with_gumbo(std::string_view source, HtmlFacts& facts) {
  Arena arena;
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &Arena::allocate;
  options.deallocator = &Arena::deallocate;
  options.userdata = &arena;
  options.max_errors = 0;  // the default (-1) records every parse error
  options.fragment_context = GUMBO_TAG_BODY;
  options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  const GumboOutput* output = gumbo_parse_with_options(&options, source.data(), source.size());
  HtmlDocumentBuilder::walk(output->root, source, facts);
  // No gumbo_destroy_output: the arena owns every byte of the tree.
}

HtmlDocument::HtmlDocument(std::string source) : source_(std::move(source)) {
  HtmlDocumentBuilder(*this).build();
}

std::uint64_t html_bodies_parsed() { return bodies_parsed.load(std::memory_order_relaxed); }

std::shared_ptr<const HtmlDocument> parse_content(const storage::Post& post) {
  return parse_content(post.content_html);
}

std::shared_ptr<const HtmlDocument> parse_content(std::string_view content_html) {
  return std::make_shared<const HtmlDocument>(clean_xml_text(content_html));
}

}  // namespace feedd::feeds
